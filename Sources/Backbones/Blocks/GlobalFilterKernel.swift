import GlobalConv
import RealModule

/// GFNet's global filter as a spatial kernel: `k = irfft2(W, s=(H, W))` in PyTorch's default
/// (`1/(H·W)`) normalisation, computed in Float64 by a separable inverse DFT.
///
/// `W = complex_weight[h, w, C, 2]` is a half spectrum (`w = W/2 + 1` columns). `irfft2` keeps only the
/// Hermitian part `(Z[u,v] + conj(Z[−u,v]))/2` of the `v = 0` column and, for even `W`, of the `v = W/2`
/// column; those columns are projected first. Then, per channel,
/// `A[a,v] = Σ_u Z[u,v]·e^{+2πi·u·a/H}` (c2c along H) and
/// `k[a,b] = (1/(H·W))·Σ_v m_v·Re(A[a,v]·e^{+2πi·v·b/W})`, `m_v = 1` for `v = 0` and the Nyquist
/// column, 2 otherwise (c2r along W). Cost `O(C·H·w·(H + W))`; twiddles are exact-index `cos`/`sin`.
///
/// GFNet's filter `irfft2(rfft2(t, ortho) ⊙ W, ortho)` is the circular *convolution*
/// `y[i,j] = Σ_{a,b} k[a,b]·t[(i−a) mod H, (j−b) mod W]` (the two ortho factors make `1/(H·W)`).
enum GlobalFilterKernel {
    /// The spatial kernels `[C, H, W]` (channel-major, Float64) of `complexWeight` `[H, w, C, 2]` for width `width`.
    /// - Precondition: `width/2 + 1 == w`.
    static func spatialKernel<S: TensorScalar>(_ complexWeight: Tensor<S>, width: Int) -> [Double] {
        let (h, wHalf, c) = (complexWeight.shape[0], complexWeight.shape[1], complexWeight.shape[2])
        precondition(width / 2 + 1 == wHalf, "GlobalFilterKernel: width \(width) does not give \(wHalf) half-spectrum columns")
        let cw = complexWeight.scalars.map(Double.init)
        // Z[ch][u][v] as (re, im), projected on the self-conjugate columns.
        func z(_ u: Int, _ v: Int, _ ch: Int) -> (Double, Double) {
            let i = ((u * wHalf + v) * c + ch) * 2
            return (cw[i], cw[i + 1])
        }
        let selfConjugate: (Int) -> Bool = { v in v == 0 || (width % 2 == 0 && v == width / 2) }
        let cosH = (0..<h).map { Double.cos(2 * Double.pi * Double($0) / Double(h)) }
        let sinH = (0..<h).map { Double.sin(2 * Double.pi * Double($0) / Double(h)) }
        let cosW = (0..<width).map { Double.cos(2 * Double.pi * Double($0) / Double(width)) }
        let sinW = (0..<width).map { Double.sin(2 * Double.pi * Double($0) / Double(width)) }
        var kernel = [Double](repeating: 0, count: c * h * width)
        let norm = 1 / Double(h * width)
        for ch in 0..<c {
            // A[a][v] along H.
            var aRe = [Double](repeating: 0, count: h * wHalf), aIm = aRe
            for v in 0..<wHalf {
                for u in 0..<h {
                    var (re, im) = z(u, v, ch)
                    if selfConjugate(v) {
                        let (mr, mi) = z((h - u) % h, v, ch)
                        (re, im) = ((re + mr) / 2, (im - mi) / 2)
                    }
                    for a in 0..<h {
                        let t = (u * a) % h
                        aRe[a * wHalf + v] += re * cosH[t] - im * sinH[t]
                        aIm[a * wHalf + v] += re * sinH[t] + im * cosH[t]
                    }
                }
            }
            // k[a][b] along W (c2r).
            for a in 0..<h {
                for b in 0..<width {
                    var s = 0.0
                    for v in 0..<wHalf {
                        let t = (v * b) % width
                        let m: Double = selfConjugate(v) ? 1 : 2
                        s += m * (aRe[a * wHalf + v] * cosW[t] - aIm[a * wHalf + v] * sinW[t])
                    }
                    kernel[(ch * h + a) * width + b] = s * norm
                }
            }
        }
        return kernel
    }

    /// A depthwise circular correlation equal to the circular convolution with `kernel` (`[C, H, W]`):
    /// kernel size `(2·⌊H/2⌋+1) × (2·⌊W/2⌋+1)`, padding `⌊H/2⌋ × ⌊W/2⌋`, circular mode, taps
    /// `k'[u,v] = k[(p_h − u) mod H, (p_w − v) mod W]` (the flip), and, for even `H` (`W`), the
    /// duplicate last row (column) zero. Tap `u` reads `x[(i + u − p_h) mod H]`, so
    /// `Σ_u k'[u]·x[i + u − p_h] = Σ_a k[a]·x[i − a]`.
    static func correlation<S: TensorScalar>(kernel: [Double], channels c: Int, height h: Int, width w: Int) throws(ConvolutionError)
        -> DepthwiseConvolution2D<S> {
        let (ph, pw) = (h / 2, w / 2)
        let (kh, kw) = (2 * ph + 1, 2 * pw + 1)
        var taps = [S](repeating: 0, count: c * kh * kw)
        for ch in 0..<c {
            for u in 0..<min(kh, h) {
                for v in 0..<min(kw, w) {
                    let a = ((ph - u) % h + h) % h, b = ((pw - v) % w + w) % w
                    taps[(ch * kh + u) * kw + v] = S(kernel[(ch * h + a) * w + b])
                }
            }
        }
        return try DepthwiseConvolution2D(weight: Tensor(shape: [c, 1, kh, kw], scalars: taps), bias: nil,
                                          padding: Size2D(height: ph, width: pw), paddingMode: .circular)
    }
}
