extension PointwiseConvolution {
    /// The fused forward as separate passes (the Double path): the input transform, then per stage one
    /// OpenBLAS GEMM per image and the epilogue, each step as ``PointwiseEpilogue`` orders it.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func fusedReference(_ x: Tensor<Scalar>, input: PointwiseInput<Scalar>,
                               stages: [(conv: PointwiseConvolution, epilogue: PointwiseEpilogue<Scalar>)],
                               threads: Int) -> Tensor<Scalar> {
        var current: Tensor<Scalar>
        switch input {
        case .identity, .decompose: current = x
        case .layerNorm(let ln): current = ln(x)
        case .affine(let a):
            current = x
            let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
            current.withUnsafeMutableBufferPointer { v in
                for img in 0..<n { for ch in 0..<c {
                    let (s, t, base) = (a.scale[ch], a.shift[ch], (img * c + ch) * plane)
                    for p in 0..<plane { v[base + p] = v[base + p] * s + t }
                } }
            }
        }
        if case .decompose(let dw, let db, let ds) = input {
            current = x
            let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
            current.withUnsafeMutableBufferPointer { v in
                for img in 0..<n { for p in 0..<plane {
                    var acc: Scalar = 0
                    for ch in 0..<c { acc += dw[ch] * v[(img * c + ch) * plane + p] }
                    let d = Activation.gelu(acc + db)
                    for ch in 0..<c { let i = (img * c + ch) * plane + p; v[i] = v[i] + ds[ch] * (v[i] - d) }
                } }
            }
        }
        for (conv, e) in stages {
            var y = conv.product(current, threads: threads)
            applyEpilogue(e, bias: conv.bias?.scalars, to: &y)
            current = y
        }
        return current
    }

    /// `W·X[n]` per image (no bias) through OpenBLAS, in blocks of pixels on up to `threads` participants.
    func product(_ x: Tensor<Scalar>, threads: Int) -> Tensor<Scalar> {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (cin, cout, pixels) = (inputChannels, outputChannels, h * w)
        let shape = [n, cout, h, w]
        guard pixels > 0, n > 0 else { return Tensor(zeros: shape) }
        let count = n * cout * pixels
        let scalars = [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            x.withUnsafeBufferPointer { input in
                weight.withUnsafeBufferPointer { wt in
                    for img in 0..<n {
                        GEMM.multiplyInBlocks(m: cout, n: pixels, k: cin, a: wt.baseAddress!, lda: cin,
                                              b: input.baseAddress! + img * cin * pixels, ldb: pixels,
                                              c: out.baseAddress! + img * cout * pixels, ldc: pixels, threads: threads)
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: shape, scalars: scalars)
    }

    /// The epilogue steps on `y` (`[N, C, H, W]`), in order, each rounded once.
    private static func applyEpilogue(_ e: PointwiseEpilogue<Scalar>, bias: [Scalar]?, to y: inout Tensor<Scalar>) {
        let (n, c, plane) = (y.shape[0], y.shape[1], y.shape[2] * y.shape[3])
        let mul = e.multiply?.scalars, add = e.add?.scalars, res = e.residual?.scalars
        y.withUnsafeMutableBufferPointer { v in
            for img in 0..<n { for ch in 0..<c {
                let base = (img * c + ch) * plane
                let b = bias?[ch]
                let s = e.affine?.scale[ch], t = e.affine?.shift[ch]
                let rs = e.residualScale?[ch]
                for p in 0..<plane {
                    var value = v[base + p]
                    if let b { value = value + b }
                    if let s, let t { value = value * s + t }
                    value = e.activation.apply(value)
                    if let mul { value = value * mul[base + p] }
                    if let add {
                        value = value + (e.addAffine.map { add[base + p] * $0.scale[ch] + $0.shift[ch] } ?? add[base + p])
                    }
                    if let res { value = rs.map { res[base + p] + $0 * value } ?? res[base + p] + value }
                    v[base + p] = value
                }
            } }
        }
    }
}
