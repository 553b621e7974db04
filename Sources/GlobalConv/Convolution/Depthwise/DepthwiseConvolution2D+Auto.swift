extension DepthwiseConvolution2D {
    /// The auto path: the planner's remembered choice, or, the first time a problem is seen and the
    /// cost model is not decisive (and again while a decision's margin is close, see
    /// ``ConvolutionPlanner``), both paths timed on this input (the FFT path once more first, so plan and
    /// spectrum creation are not counted; ``ConvolutionPlanner/time(_:)``) and the faster one's output
    /// returned.
    func auto(_ input: Tensor<Scalar>, outputShape: [Int], options: ExecutionOptions,
              activation: PointwiseActivation = .none) throws(ConvolutionError) -> Tensor<Scalar> {
        let planner = ConvolutionPlanner.shared
        let key = ConvolutionPlanner.Key(precision: Scalar.precision, inputShape: input.shape, geometry: geometry,
                                         threads: options.threads)
        let map = Size2D(height: input.shape[2], width: input.shape[3])
        let planes = input.shape[0] * input.shape[1]
        let directCost = CostModel.direct(planes: planes, output: Size2D(height: outputShape[2], width: outputShape[3]),
                                          kernel: geometry.kernel)
        let k = geometry.dilatedKernel  // the model only needs the order of the size: the smallest fast one
        let nominal = geometry.paddingMode == .circular ? map
            : Size2D(height: FFTSize.nextFast(map.height + k.height - 1), width: FFTSize.nextFast(map.width + k.width - 1))
        let fftCost = CostModel.fft(planes: planes, transform: nominal)
        switch planner.decision(for: key, directCost: directCost, fftCost: fftCost) {
        case .use(.fft): return try fft(input, outputShape: outputShape, options: options, activation: activation)
        case .use: return direct(input, outputShape: outputShape, threads: options.threads, activation: activation)
        case .measure:
            _ = try fft(input, outputShape: outputShape, options: options, activation: activation)  // plans + spectrum, untimed
            var outputs: [ConvolutionPath: Tensor<Scalar>] = [:]
            let best = try ConvolutionPlanner.time { (path) throws(ConvolutionError) in
                outputs[path] = path == .fft ? try fft(input, outputShape: outputShape, options: options, activation: activation)
                    : direct(input, outputShape: outputShape, threads: options.threads, activation: activation)
            }
            return outputs[planner.record(direct: best.direct, fft: best.fft, for: key)]!
        }
    }
}
