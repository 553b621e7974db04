extension DepthwiseConvolution2D {
    /// `output[:, outputStart ..< outputStart + C] = conv(input[:, inputStart ..< inputStart + C])` for this
    /// convolution's `C` channels: a channel window of one map convolved into a channel window of another,
    /// the rest of `output` untouched (package API for MogaNet's multi-order convolution, whose branches
    /// each take a group of one map's channels and are joined into one map again).
    ///
    /// The same numbers, bit for bit, as slicing the window out (`input.channels(_:)`), calling the
    /// convolution on it with the same path and options, and writing the result back
    /// (`output.replaceChannels(startingAt:with:)`) — which is what it does on the FFT path, while `.auto`
    /// is still deciding, and when some channels' weights are not finite. Once the window's shape has a
    /// cached plan on the direct path, it reads and writes the windows in place: no slice, no copy back,
    /// one parallel region instead of three.
    /// - Precondition: `input` and `output` are NCHW with the same batch; both windows lie inside them;
    ///   `output`'s height and width are those of this convolution's output for the window.
    /// - Throws: what ``callAsFunction(_:path:options:)`` throws for the window's shape.
    package func callAsFunction(_ input: Tensor<Scalar>, channelsFrom inputStart: Int, into output: inout Tensor<Scalar>,
                                channelsAt outputStart: Int, path: ConvolutionPath,
                                options: ExecutionOptions) throws(ConvolutionError) {
        let c = channels
        precondition(input.rank == 4 && output.rank == 4 && input.shape[0] == output.shape[0]
                     && inputStart >= 0 && inputStart + c <= input.shape[1]
                     && outputStart >= 0 && outputStart + c <= output.shape[1],
                     "channel window: \(c) channels from \(inputStart) of \(input.shape) into \(outputStart) of \(output.shape)")
        let window = [input.shape[0], c, input.shape[2], input.shape[3]]
        let key = DepthwiseConvolutionPlan<Scalar>.Key(inputShape: window, path: path, options: options)
        guard nonFiniteChannels.isEmpty, let core = plans[key], core.fft == nil else {
            let y = try self(input.channels(inputStart..<(inputStart + c), threads: options.threads), path: path, options: options)
            output.replaceChannels(startingAt: outputStart, with: y, threads: options.threads)
            TensorStoragePool.recycle(y)
            return
        }
        precondition(output.shape[2] == core.outputShape[2] && output.shape[3] == core.outputShape[3],
                     "channel window: output \(output.shape) is not \(core.outputShape)'s height and width")
        if window[0] == 0 { return }
        let (source, kernel) = directOperands(map: Size2D(height: window[2], width: window[3]),
                                              output: Size2D(height: core.outputShape[2], width: core.outputShape[3]))
        let (inputChannels, outputChannels) = (input.shape[1], output.shape[1])
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                DirectPlanes.correlate(x.baseAddress!, input: .init(channels: inputChannels, start: inputStart),
                                       output: y.baseAddress!, .init(channels: outputChannels, start: outputStart),
                                       images: window[0], channels: c, source: source, kernel: kernel,
                                       weights: weight, bias: bias, threads: core.options.threads)
            }
        }
    }
}
