/// Runs one ``DirectKernel2D`` over every `[n, c]` plane of an NCHW tensor, parallel over the
/// `N·C` planes (``parallelChunks``): plane `p` uses channel `p mod C`'s weights and bias, a source
/// prepared by ``DirectSource2D`` in its worker's own 64-byte aligned scratch, and writes only its own
/// output plane.
enum DirectPlanes {
    /// - Parameters:
    ///   - input: `[N, C, H, W]` with `H × W == source.map`.
    ///   - outputShape: `[N, C, kernel.output.height, kernel.output.width]`.
    ///   - weights: `C · kh · kw` taps, channel-major then row-major (`[C, 1, kh, kw]`'s storage).
    ///   - bias: `C` values or `nil` (zero).
    ///   - variant: the compiled loops to run (tests pick each; callers keep the default).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func correlate<S: TensorScalar>(
        _ input: Tensor<S>, outputShape: [Int], source: DirectSource2D, kernel: DirectKernel2D,
        weights: Tensor<S>, bias: Tensor<S>?, threads: Int, variant: DirectKernel2D.Variant = .best,
        activation: Activation? = nil
    ) -> Tensor<S> {
        let (planes, channels) = (outputShape[0] * outputShape[1], outputShape[1])
        precondition(input.shape[0] * input.shape[1] == planes,
                     "DirectPlanes: input \(input.shape) does not fit output \(outputShape)")
        var scalars: [S] = TensorStoragePool.take(Tensor<S>.elementCount(outputShape))
        scalars.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { x in
                correlate(x.baseAddress!, input: Window(channels: channels, start: 0), output: out.baseAddress!,
                          Window(channels: channels, start: 0), images: outputShape[0], channels: channels, source: source,
                          kernel: kernel, weights: weights, bias: bias, threads: threads, variant: variant, activation: activation)
            }
        }
        return Tensor(shape: outputShape, scalars: scalars)
    }

    /// Where a call's `channels` planes per image lie in a tensor's storage: channels
    /// `start ..< start + count` of an NCHW tensor of `channels` channels.
    struct Window {
        let channels: Int
        let start: Int
    }

    /// ``correlate(_:outputShape:source:kernel:weights:bias:threads:variant:activation:)`` reading plane
    /// `(n, c)` at channel `input.start + c` of `x` (NCHW, `input.channels` channels) and writing it at channel
    /// `output.start + c` of `y` (`output.channels` channels), for `images` images and `channels` channels:
    /// a channel window of one tensor convolved into a channel window of another, neither copied.
    /// `x` and `y` must not overlap.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func correlate<S: TensorScalar>(
        _ x: UnsafePointer<S>, input: Window, output y: UnsafeMutablePointer<S>, _ output: Window,
        images: Int, channels: Int, source: DirectSource2D, kernel: DirectKernel2D,
        weights: Tensor<S>, bias: Tensor<S>?, threads: Int, variant: DirectKernel2D.Variant = .best,
        activation: Activation? = nil
    ) {
        let planes = images * channels
        precondition(weights.count == channels * kernel.kernel.height * kernel.kernel.width
                     && input.start + channels <= input.channels && output.start + channels <= output.channels,
                     "DirectPlanes: weights \(weights.shape) or channel windows do not fit \(channels) channels")
        let source = kernel.preferredSourceStride(S.self, variant: variant).map { source.aligned(stride: $0) } ?? source
        let plane = kernel.plane(reading: source)
        let (inPlane, outPlane) = (source.map.height * source.map.width, kernel.output.height * kernel.output.width)
        let taps = kernel.kernel.height * kernel.kernel.width
        let b = bias?.scalars ?? [S](repeating: 0, count: channels)
        weights.withUnsafeBufferPointer { w in
            let w = w.baseAddress!
            parallelRegion(planes, threads: threads) { claims, _ in
                let raw = UnsafeMutableRawPointer.allocate(
                    byteCount: max(1, source.scratchCount) * MemoryLayout<S>.stride, alignment: 64)
                defer { raw.deallocate() }
                let scratch = raw.bindMemory(to: S.self, capacity: max(1, source.scratchCount))
                var fresh = true  // the scratch's padding is written on its first plane only
                while let range = claims.next() {
                    // The activation runs over each run of planes of one image at once, after the run (its
                    // planes are adjacent in y and still in cache): per plane, a 14×14 map's masked tail
                    // vector made GELU cost 0.28 instead of 0.20 ns per value, a 7×7 map's 0.47.
                    var runStart: UnsafeMutablePointer<S>? = nil, runCount = 0
                    for p in range {
                        let (image, c) = p.quotientAndRemainder(dividingBy: channels)
                        let from = x + (image * input.channels + input.start + c) * inPlane
                        let to = y + (image * output.channels + output.start + c) * outPlane
                        let src = source.prepare(plane: from, scratch: scratch, fresh: fresh)
                        fresh = false
                        DirectKernel2D.run(plane, variant: variant, source: src, weights: w + c * taps, bias: b[c], output: to)
                        if let start = runStart, start + runCount == to {
                            runCount += outPlane
                        } else {
                            if let start = runStart { activation.apply(to: start, count: runCount) }
                            (runStart, runCount) = (to, outPlane)
                        }
                    }
                    if let start = runStart { activation.apply(to: start, count: runCount) }
                }
            }
        }
    }
}
