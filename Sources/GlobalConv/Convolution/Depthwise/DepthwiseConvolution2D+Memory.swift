extension DepthwiseConvolution2D {
    /// What one call allocates, in bytes (`nil`: more than `Int` can count), by part.
    struct MemoryNeed {
        var output: Int?
        /// Direct path: one padded copy of a plane per worker, `(H + 2·ph)·(W + 2·pw)` scalars.
        var directWorkspace: Int?
        /// FFT path: per worker a padded plane, a half spectrum and a result, `2·Lh·Lw + 2·Lh·(Lw/2+1)` scalars.
        var fftWorkspace: Int?
        /// FFT path: `C` half spectra `2·Lh·(Lw/2+1)` scalars (0 when already cached).
        var spectra: Int?
        var transform: Size2D?
        var workers: Int

        func total(_ path: ConvolutionPath) -> Int? {
            var b = ByteCount()
            switch path {
            case .direct:
                b.add(output, elementSize: 1); b.add(directWorkspace, elementSize: 1)
            case .fft:
                b.add(output, elementSize: 1); b.add(fftWorkspace, elementSize: 1); b.add(spectra, elementSize: 1)
            case .auto:  // measuring keeps both outputs and runs the paths one after the other
                guard let o = output, let d = directWorkspace, let f = fftWorkspace, let sp = spectra else { return nil }
                let (fs, overflow) = f.addingReportingOverflow(sp)
                if overflow { return nil }
                b.add(o, elementSize: 2); b.add(max(d, fs), elementSize: 1)
            }
            return b.value
        }
    }

    /// The bytes a call on an `inputShape` input allocates before it returns, with overflow-checked
    /// arithmetic (nothing is allocated to find out).
    func memoryNeed(inputShape: [Int], outputShape: [Int], options: ExecutionOptions) -> MemoryNeed {
        let size = MemoryLayout<Scalar>.stride
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let planes = ByteCount.product(n, c) ?? .max
        let workers = max(1, min(options.threads, planes))
        let g = geometry
        var output = ByteCount(), direct = ByteCount(), fftWork = ByteCount(), spectrumBytes = ByteCount()
        output.add(ByteCount.product(outputShape), elementSize: size)
        let padded: Int? = {
            let (ph, o1) = g.padding.height.multipliedReportingOverflow(by: 2)
            let (pw, o2) = g.padding.width.multipliedReportingOverflow(by: 2)
            let (rows, o3) = h.addingReportingOverflow(ph), (cols, o4) = w.addingReportingOverflow(pw)
            return o1 || o2 || o3 || o4 ? nil : ByteCount.product(workers, rows, cols)
        }()
        direct.add(padded, elementSize: size)
        let transform = fftTransformSizeChecked(for: Size2D(height: h, width: w))
        if let l = transform, let half = ByteCount.product(l.height, l.width / 2 + 1),
           let real = ByteCount.product(l.height, l.width) {
            fftWork.add(ByteCount.product(workers, real, 2), elementSize: size)
            fftWork.add(ByteCount.product(workers, half, 2), elementSize: size)
            if !self.spectra.contains(.init(transform: l, mode: g.paddingMode)) {
                spectrumBytes.add(ByteCount.product(c, half, 2), elementSize: size)
            }
        } else {
            fftWork.add(nil, elementSize: size)
            spectrumBytes.add(nil, elementSize: size)
        }
        return MemoryNeed(output: output.value, directWorkspace: direct.value, fftWorkspace: fftWork.value,
                          spectra: spectrumBytes.value, transform: transform, workers: workers)
    }

    /// An upper bound of ``fftTransformSize(for:effort:)`` without trapping, throwing or measuring: `nil`
    /// when a sum or product overflows.
    func fftTransformSizeChecked(for map: Size2D) -> Size2D? {
        switch geometry.paddingMode {
        case .circular:
            return ByteCount.product(map.height, map.width) == nil ? nil : map
        case .zeros:
            let k = geometry.dilatedKernel
            let (a, o1) = map.height.addingReportingOverflow(k.height - 1)
            let (b, o2) = map.width.addingReportingOverflow(k.width - 1)
            // nextFast(n) < 2n (a power of two lies in [n, 2n)), so sizes below Int.max/2 cannot overflow.
            guard !o1, !o2, a < Int.max / 2, b < Int.max / 2 else { return nil }
            guard ByteCount.product(2 * a, 2 * b) != nil else { return nil }
            // The largest size the measured choice may take (FFTSizeChoice.candidates), an upper bound.
            let largest = FFTSizeChoice.candidates(need: Size2D(height: a, width: b)).max { $0.height * $0.width < $1.height * $1.width }
            return largest ?? Size2D(height: FFTSize.nextFast(a), width: FFTSize.nextFast(b))
        }
    }

    /// `path`, or `.direct` for an `.auto` call whose FFT path alone is over the budget.
    /// - Throws: ``ConvolutionError/tooLarge(_:)`` naming the input, the parts and the budget when the
    ///   chosen path's need overflows `Int` or exceeds `options.memoryBudget`.
    func affordablePath(_ path: ConvolutionPath, inputShape: [Int], outputShape: [Int],
                        options: ExecutionOptions) throws(ConvolutionError) -> ConvolutionPath {
        let need = memoryNeed(inputShape: inputShape, outputShape: outputShape, options: options)
        let budget = options.memoryBudget.bytes
        func fits(_ p: ConvolutionPath) -> Bool { need.total(p).map { $0 <= budget } ?? false }
        if fits(path) { return path }
        if path == .auto, fits(.direct) { return .direct }
        let shown: ConvolutionPath = path == .auto ? .direct : path
        func bytes(_ b: Int?) -> String { b.map(MemoryBudget.format) ?? "more than Int can count" }
        var parts = "output \(outputShape) \(bytes(need.output))"
        switch shown {
        case .direct, .auto:
            parts += ", padded plane copies for \(need.workers) worker(s) \(bytes(need.directWorkspace))"
        case .fft:
            let l = need.transform.map { "\($0.height)×\($0.width)" } ?? "(overflows Int)"
            parts += ", FFT buffers of \(l) for \(need.workers) worker(s) \(bytes(need.fftWorkspace))"
                + ", kernel spectra \(bytes(need.spectra))"
        }
        throw .tooLarge("the \(path.rawValue) path on input \(inputShape) with kernel \(geometry.kernel), dilation "
                        + "\(geometry.dilation), padding \(geometry.padding) needs \(bytes(need.total(shown))) (\(parts)); "
                        + "the memory budget is \(options.memoryBudget) (ExecutionOptions.memoryBudget)")
    }
}
