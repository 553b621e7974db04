extension CircularConvolution1D {
    /// The geometry this correlation is as a depthwise convolution (`L × 1` or `1 × L`, circular): part of
    /// its planner key.
    var plannerGeometry: ConvolutionGeometry2D {
        // Valid by construction: L ≥ 1, no dilation, no padding.
        try! ConvolutionGeometry2D(kernel: axis == .height ? Size2D(height: length, width: 1) : Size2D(height: 1, width: length),
                                   dilation: Size2D(1), padding: Size2D(0), paddingMode: .circular)
    }

    /// The path `.auto` takes for `input`'s planes `[channelOffset, channelOffset + C)` (with `add`): the
    /// planner's remembered choice for this shape, axis and thread count; otherwise, unless the cost model
    /// is decisive, both paths timed on these planes (``ConvolutionPlanner/time(_:)``, FFT plans and
    /// spectra made first) and the faster one remembered for the rest of the process (re-measured on
    /// later calls while its margin is close).
    func autoPath(_ input: Tensor<Scalar>, channelOffset: Int, add: [Scalar]?, options: ExecutionOptions) throws(ConvolutionError) -> ConvolutionPath {
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let key = ConvolutionPlanner.Key(precision: Scalar.precision, inputShape: [n, channels, h, w], geometry: plannerGeometry,
                                         threads: options.threads, operation: .circular)
        let planes = n * channels, l = length, signals = axis == .height ? w : h
        let directCost = Double(planes) * Double(h * w) * Double(l)
        // Two real transforms per signal plus the product, the copies and (along H) two transposes.
        let fftCost = Double(planes * signals) * (5 * Double(l) * max(1, Double.log2(Double(l))) + 3 * Double(l))
            + Double(planes * h * w) * (axis == .height ? 4 : 2)
        switch ConvolutionPlanner.shared.decision(for: key, directCost: directCost, fftCost: fftCost) {
        case .use(let path): return path
        case .measure:
            let segment = { (path: ConvolutionPath) in [CircularSegment(conv: self, channelOffset: channelOffset, add: add, path: path)] }
            _ = try Self.run(input, segments: segment(.fft), options: options)  // plans and spectrum, untimed
            let best = try ConvolutionPlanner.time { (path) throws(ConvolutionError) in
                _ = try Self.run(input, segments: segment(path), options: options)
            }
            return ConvolutionPlanner.shared.record(direct: best.direct, fft: best.fft, for: key)
        }
    }

    /// The correlation of `input + add` (`add[c·L + i]` added along the axis, ParC's position embedding,
    /// in the copy each path makes anyway) along `path` (package API for `parc.op`).
    /// - Throws: ``ConvolutionError`` for an input that does not fit or over `options.memoryBudget`.
    /// - Precondition: `add` has `C·L` values.
    package func callAsFunction(_ input: Tensor<Scalar>, adding add: [Scalar]?, path: ConvolutionPath,
                                options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        _ = try outputShape(for: input.shape)
        precondition(add.map { $0.count == channels * length } ?? true, "CircularConvolution1D: additive vector must be [C·L]")
        if input.shape[0] == 0 { return Tensor(zeros: input.shape) }  // empty batch: empty output
        let affordable = try affordablePath(path, inputShape: input.shape, options: options)
        let resolved = affordable == .auto ? try autoPath(input, channelOffset: 0, add: add, options: options) : affordable
        return try Self.run(input, segments: [CircularSegment(conv: self, channelOffset: 0, add: add, path: resolved)], options: options)
    }

    /// ParC-Net's token mixer on one tensor (package API for `parc.convnext_block`): `height` on channels
    /// `[0, C₁)`, `width` on `[C₁, C₁ + C₂)`, each after adding its per-channel vector along its axis
    /// (`heightAdd` `[C₁·H]`, `widthAdd` `[C₂·W]`, ParC's position embeddings) — without splitting,
    /// copying or concatenating channel halves. `.auto` resolves each half separately (``autoPath``).
    /// - Precondition: `x` is `[N, C₁ + C₂, H, W]` with `H` = `height`'s and `W` = `width`'s length; the
    ///   vectors have those sizes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func pair(_ x: Tensor<Scalar>, height: CircularConvolution1D, heightAdd: [Scalar]?,
                             width: CircularConvolution1D, widthAdd: [Scalar]?,
                             path: ConvolutionPath, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        precondition(height.axis == .height && width.axis == .width, "CircularConvolution1D.pair: axes must be height, then width")
        precondition(x.rank == 4 && x.shape[1] == height.channels + width.channels && x.shape[2] == height.length
                     && x.shape[3] == width.length, "CircularConvolution1D.pair: input \(x.shape) does not fit")
        precondition(heightAdd.map { $0.count == height.channels * height.length } ?? true
                     && widthAdd.map { $0.count == width.channels * width.length } ?? true,
                     "CircularConvolution1D.pair: additive vectors must be [C·L]")
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output
        let (n, c1, h, w) = (x.shape[0], height.channels, x.shape[2], x.shape[3])
        // Each half's memory need is checked like a call of its own (`.auto` may narrow to `.direct`).
        let affordableH = try height.affordablePath(path, inputShape: [n, c1, h, w], options: options)
        let affordableW = try width.affordablePath(path, inputShape: [n, width.channels, h, w], options: options)
        let pathH = affordableH == .auto ? try height.autoPath(x, channelOffset: 0, add: heightAdd, options: options) : affordableH
        let pathW = affordableW == .auto ? try width.autoPath(x, channelOffset: c1, add: widthAdd, options: options) : affordableW
        return try run(x, segments: [CircularSegment(conv: height, channelOffset: 0, add: heightAdd, path: pathH),
                                     CircularSegment(conv: width, channelOffset: c1, add: widthAdd, path: pathW)],
                       options: options)
    }
}
