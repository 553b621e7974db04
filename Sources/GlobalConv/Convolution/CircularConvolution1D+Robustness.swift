extension CircularConvolution1D {
    /// The FFT path with the definition's NaN/±Inf pattern (Docs/reliability.md): a plane whose input
    /// holds a NaN or ±Inf, of a channel whose weights or bias do, or whose transform overflowed to a
    /// non-finite value, is recomputed on the direct path. (The kernel spans the whole axis, so such a
    /// value does reach every output of its row or column — but as `w·Inf` with the definition's sign,
    /// or NaN through `0·Inf`, where the FFT would give NaN everywhere.)
    func fftMatchingDefinition(_ input: Tensor<Scalar>, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        var y = try fft(input, options: options)
        let (c, plane) = (channels, input.shape[2] * input.shape[3])
        let l = length
        let badChannel: [Bool] = weight.scalars.withUnsafeBufferPointer { w in
            (0..<c).map { ch in
                !NonFinite.allFinite(w.baseAddress! + ch * l, count: l) || !(bias?.scalars[ch].isFinite ?? true)
            }
        }
        let bad: [Int] = input.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { yb in
                (0..<(input.shape[0] * c)).filter { p in
                    badChannel[p % c] || !NonFinite.allFinite(x.baseAddress! + p * plane, count: plane)
                        || !NonFinite.allFinite(yb.baseAddress! + p * plane, count: plane)
                }
            }
        }
        guard !bad.isEmpty else { return y }
        // The bad planes as one [1, K, H, W] problem with their channels' weights, on the direct path.
        var xs: [Scalar] = [], ws: [Scalar] = [], bs: [Scalar] = []
        xs.reserveCapacity(bad.count * plane)
        for p in bad {
            xs += input.scalars[(p * plane)..<((p + 1) * plane)]
            ws += weight.scalars[((p % c) * l)..<((p % c + 1) * l)]
            bs.append(bias?.scalars[p % c] ?? 0)
        }
        var wShape = weight.shape
        wShape[0] = bad.count
        let sub: CircularConvolution1D
        do { sub = try CircularConvolution1D(weight: Tensor(shape: wShape, scalars: ws), bias: Tensor(shape: [bad.count], scalars: bs), axis: axis) }
        catch { preconditionFailure("CircularConvolution1D: a channel subset of a valid convolution is invalid: \(error)") }
        let z = sub.direct(Tensor(shape: [1, bad.count, input.shape[2], input.shape[3]], scalars: xs), threads: options.threads)
        z.withUnsafeBufferPointer { zb in
            y.withUnsafeMutableBufferPointer { yb in
                for (k, p) in bad.enumerated() {
                    (yb.baseAddress! + p * plane).update(from: zb.baseAddress! + k * plane, count: plane)
                }
            }
        }
        return y
    }

    /// Checks `path`'s need against `options.memoryBudget` before anything is allocated: the output,
    /// per worker the direct path's periodic copy (`(2L − 1)` along the axis) or the FFT path's plane and
    /// half spectra, and the kernel spectra. `.auto` is narrowed to `.direct` when only the FFT is over.
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
        fft.add(ByteCount.product(workers, l, signals), elementSize: size)
        fft.add(ByteCount.product(workers, l / 2 + 1, 2, signals), elementSize: size)
        fft.add(ByteCount.product(s[1], l / 2 + 1, 2), elementSize: size)
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
