extension GlobalFilter2D {
    /// `output` with every plane whose input holds a NaN or ±Inf, and every plane of a channel whose
    /// projected spectrum does, set to NaN — the spatial (direct) form's post-pass; the FFT path
    /// (``applySpectrum(_:plans:threads:)``) makes the same decision per plane while it reads it.
    ///
    /// The filter's definition is `irfft2(rfft2(x, ortho) ⊙ W, ortho)`: one non-finite sample makes
    /// every coefficient of `rfft2(x)` non-finite, and every output is a combination of every
    /// coefficient, so the whole plane is NaN in PyTorch (measured: NaN and ±Inf inputs both give an
    /// all-NaN plane, Float32 and Float64). The spatial (direct) form agrees on *where* (every output
    /// reads every sample) but would give ±Inf for some outputs and which ones depends on the order
    /// of operations; filling NaN makes every path give PyTorch's answer. Other planes are untouched.
    func nanFillingNonFinite(input x: Tensor<Scalar>, output y: Tensor<Scalar>) -> Tensor<Scalar> {
        let plane = size.height * size.width
        let badPlanes: [Int] = x.withUnsafeBufferPointer { xb in
            (0..<(x.shape[0] * channels)).filter {
                nonFiniteChannels[$0 % channels] || !NonFinite.allFinite(xb.baseAddress! + $0 * plane, count: plane)
            }
        }
        guard !badPlanes.isEmpty else { return y }
        var y = y
        y.withUnsafeMutableBufferPointer { yb in
            for p in badPlanes { (yb.baseAddress! + p * plane).update(repeating: .nan, count: plane) }
        }
        return y
    }

    /// The FFT path's need — output, and per worker a plane and a half spectrum — against the budget.
    /// - Throws: ``ConvolutionError/tooLarge(_:)`` naming the sizes and the budget.
    func checkSpectrumMemory(inputShape: [Int], options: ExecutionOptions) throws(ConvolutionError) {
        let planes = ByteCount.product(inputShape[0], channels) ?? .max
        let workers = max(1, min(options.threads, planes))
        var need = ByteCount()
        need.add(ByteCount.product(inputShape), elementSize: MemoryLayout<Scalar>.stride)
        need.add(ByteCount.product(workers, size.height, size.width / 2 + 2, 2), elementSize: MemoryLayout<Scalar>.stride)
        guard let bytes = need.value, bytes <= options.memoryBudget.bytes else {
            throw .tooLarge("the global filter's FFT path on input \(inputShape) needs "
                            + "\(need.value.map(MemoryBudget.format) ?? "more than Int can count") (output and per-worker "
                            + "buffers for \(workers) worker(s)); the memory budget is \(options.memoryBudget) (ExecutionOptions.memoryBudget)")
        }
    }
}
