extension DepthwiseConvolution2D {
    /// The auto path: the planner's remembered choice, or, the first time a problem is seen and the
    /// cost model is not decisive (and again while a decision's margin is close, see
    /// ``ConvolutionPlanner``), both paths timed on this input (the FFT path once more first, so plan and
    /// spectrum creation are not counted; ``ConvolutionPlanner/time(_:)``) and the faster one's output
    /// returned.
    func auto(_ input: Tensor<Scalar>, outputShape: [Int], options: ExecutionOptions,
              activation: Activation? = nil) throws(ConvolutionError) -> Tensor<Scalar> {
        let planner = ConvolutionPlanner.shared
        let key = plannerKey(inputShape: input.shape, threads: options.threads)
        switch plannerDecision(key, outputShape: outputShape) {
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

    /// The planner's key for an input shape and thread count.
    func plannerKey(inputShape: [Int], threads: Int) -> ConvolutionPlanner.Key {
        ConvolutionPlanner.Key(precision: Scalar.precision, inputShape: inputShape, geometry: geometry, threads: threads)
    }

    /// The planner's answer for `key`: a remembered or cost-model decision, or `.measure`.
    func plannerDecision(_ key: ConvolutionPlanner.Key, outputShape: [Int]) -> ConvolutionPlanner.Decision {
        let map = Size2D(height: key.inputShape[2], width: key.inputShape[3])
        let planes = key.inputShape[0] * key.inputShape[1]
        let directCost = CostModel.direct(planes: planes, output: Size2D(height: outputShape[2], width: outputShape[3]),
                                          kernel: geometry.kernel)
        let k = geometry.dilatedKernel  // the model only needs the order of the size: the smallest fast one
        let nominal = geometry.paddingMode == .circular ? map
            : Size2D(height: FFTSize.nextFast(map.height + k.height - 1), width: FFTSize.nextFast(map.width + k.width - 1))
        return ConvolutionPlanner.shared.decision(for: key, directCost: directCost, fftCost: CostModel.fft(planes: planes, transform: nominal))
    }
}
