extension CircularConvolution1D {
    /// Checks `path`'s need against `options.memoryBudget` before anything is allocated: the output,
    /// per worker the direct path's periodic copy (`(2L − 1)` along the axis) or the FFT path's plane and
    /// spectrum buffer, and the kernel spectra. `.auto` is narrowed to `.direct` when only the FFT is over.
    /// - Throws: ``ConvolutionError/tooLarge(_:)`` naming the sizes and the budget.
    func affordablePath(_ path: ConvolutionPath, inputShape s: [Int], options: ExecutionOptions) throws(ConvolutionError) -> ConvolutionPath {
        let size = MemoryLayout<Scalar>.stride
        let planes = ByteCount.product(s[0], s[1]) ?? .max
        let workers = max(1, min(options.threads, planes))
        let (l, signals) = (length, axis == .height ? s[3] : s[2])
        var output = ByteCount(), direct = ByteCount(), fft = ByteCount()
        output.add(ByteCount.product(s), elementSize: size)
        direct = output
        direct.add(ByteCount.product(workers, 2 * l - 1, signals), elementSize: size)
        fft = output
        // Per worker the plane copy and the spectrum buffer (paired complex signals: a plane's size;
        // real transforms: the half spectra), and the kernel spectra (full spectra when paired).
        fft.add(ByteCount.product(workers, l, signals), elementSize: size)
        fft.add(ByteCount.product(workers, l / 2 + 1, 2, signals), elementSize: size)
        fft.add(ByteCount.product(s[1], l, 2), elementSize: size)
        let budget = options.memoryBudget.bytes
        func fits(_ b: ByteCount) -> Bool { b.value.map { $0 <= budget } ?? false }
        switch path {
        case .direct where fits(direct), .fft where fits(fft): return path
        case .auto where fits(fft) && fits(direct): return path
        case .auto where fits(direct): return .direct
        default:
            let need = path == .fft ? fft.value : direct.value
            throw .tooLarge("the \(path.rawValue) path of a circular convolution along \(axis) on input \(s) needs "
                            + "\(need.map(MemoryBudget.format) ?? "more than Int can count") (output and per-worker buffers for "
                            + "\(workers) worker(s)); the memory budget is \(options.memoryBudget) (ExecutionOptions.memoryBudget)")
        }
    }
}
