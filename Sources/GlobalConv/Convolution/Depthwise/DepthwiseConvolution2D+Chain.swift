extension DepthwiseConvolution2D {
    /// `y = self(x)`, then per channel group `g`: `out[:, g.channels] = g.conv(y[:, g.channels])`, or
    /// `y[:, g.channels]` as it is for a group without a convolution (package API for MogaNet's
    /// multi-order convolution: `cat(y[:, :e0], DW1(y[:, e0:e0+e1]), DW2(y[:, -e2:]))` with `y = DW0(x)`).
    ///
    /// Once every convolution involved has a cached direct-path plan for its shape (this one for `x`'s, a
    /// group's for its window of `y`) and finite weights, each plane goes through both convolutions in one
    /// parallel region, `y` never written (``DirectPlanes/correlateChained(_:first:groups:output:threads:)``);
    /// otherwise — the FFT path, `.auto` still deciding, non-finite weights — this convolution runs on `x`
    /// and each group's through the channel-window call. The same numbers either way, bit for bit.
    /// - Precondition: the groups' ranges partition `0 ..< channels` in order, each convolution has as many
    ///   channels as its range, and every group's output has the same height and width.
    /// - Throws: what ``callAsFunction(_:path:options:)`` throws for `x` or for a group's window.
    package func callAsFunction(_ x: Tensor<Scalar>, then groups: [(channels: Range<Int>, conv: DepthwiseConvolution2D<Scalar>?)],
                                path: ConvolutionPath, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        precondition(groups.first?.channels.lowerBound == 0 && groups.last?.channels.upperBound == channels
                     && zip(groups, groups.dropFirst()).allSatisfy { $0.channels.upperBound == $1.channels.lowerBound }
                     && groups.allSatisfy { g in g.conv.map { $0.channels == g.channels.count } ?? true },
                     "chained depthwise convolution: groups \(groups.map(\.channels)) do not partition \(channels) channels")
        if let fused = try chainedInOneRegion(x, then: groups, path: path, options: options) { return fused }
        let y = try self(x, path: path, options: options)
        let (n, h, w) = (y.shape[0], y.shape[2], y.shape[3])
        var outputSize: Size2D?
        for g in groups {
            let size = try g.conv.map { (conv) throws(ConvolutionError) in
                let shape = try conv.outputShape(for: [n, g.channels.count, h, w])
                return Size2D(height: shape[2], width: shape[3])
            } ?? Size2D(height: h, width: w)
            precondition(outputSize == nil || outputSize == size, "chained depthwise convolution: the groups' outputs differ in size")
            outputSize = size
        }
        let size = outputSize ?? Size2D(height: h, width: w)
        var out = Tensor<Scalar>(shape: [n, channels, size.height, size.width],
                                 scalars: TensorStoragePool.take(n * channels * size.height * size.width))  // every group written below
        for g in groups {
            if let conv = g.conv {
                try conv(y, channelsFrom: g.channels.lowerBound, into: &out, channelsAt: g.channels.lowerBound, path: path, options: options)
            } else {
                out.replaceChannels(startingAt: g.channels.lowerBound, with: y, channels: g.channels, threads: options.threads)
            }
        }
        TensorStoragePool.recycle(y)
        return out
    }

    /// The chain in one parallel region when every convolution has finite weights and a cached direct-path
    /// plan for its shape; nil otherwise.
    private func chainedInOneRegion(_ x: Tensor<Scalar>, then groups: [(channels: Range<Int>, conv: DepthwiseConvolution2D<Scalar>?)],
                                    path: ConvolutionPath, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar>? {
        guard x.rank == 4, x.shape[0] > 0, nonFiniteChannels.isEmpty,
              let core = plans[.init(inputShape: x.shape, path: path, options: options)], core.fft == nil else { return nil }
        let middle = Size2D(height: core.outputShape[2], width: core.outputShape[3])
        var stages: [(channels: Range<Int>, stage: DirectPlanes.Stage<Scalar>?)] = []
        var output: Size2D?
        for g in groups {
            guard let conv = g.conv else {
                stages.append((g.channels, nil))
                if output != nil && output != middle { return nil }
                output = middle
                continue
            }
            let window = [x.shape[0], g.channels.count, middle.height, middle.width]
            guard conv.nonFiniteChannels.isEmpty, let gc = conv.plans[.init(inputShape: window, path: path, options: options)],
                  gc.fft == nil else { return nil }
            let size = Size2D(height: gc.outputShape[2], width: gc.outputShape[3])
            if output != nil && output != size { return nil }
            output = size
            stages.append((g.channels, conv.directStage(map: middle, output: size)))
        }
        guard let output else { return nil }
        return DirectPlanes.correlateChained(x, first: directStage(map: Size2D(height: x.shape[2], width: x.shape[3]), output: middle),
                                             groups: stages, output: output, threads: core.options.threads)
    }

    /// This convolution as one stage of a plane-by-plane chain on `map`-sized planes.
    private func directStage(map: Size2D, output: Size2D) -> DirectPlanes.Stage<Scalar> {
        DirectPlanes.Stage(source: DirectSource2D(geometry: geometry, map: map),
                           kernel: DirectKernel2D(kernel: geometry.kernel, dilation: geometry.dilation, output: output),
                           weights: weight, bias: bias)
    }
}
