import GlobalConv

/// An independent Float64 oracle for depthwise 2-D convolution, written from the definition:
/// `y[n,c,i,j] = b[c] + Σ_u Σ_v w[c,0,u,v] · x̃[n,c, i + dh·u − ph, j + dw·v − pw]` (cross-correlation,
/// `x̃` zero outside the map or read modulo `H`, `W` for circular padding), summed tap by tap in
/// Float64. It also returns each output's magnitude `|b| + Σ|w|·|x̃|`, the scale of the error bounds.
/// O(N·C·H'·W'·kh·kw): for the small shapes `verify` uses. Pure function, thread-safe.
public enum DepthwiseReference {
    /// Reference output `[N, C, H', W']` values and per-output magnitudes, row-major.
    public struct Output: Sendable {
        public let shape: [Int]
        public let values: [Double]
        public let magnitudes: [Double]
    }

    /// - Precondition: `input` is `[N, C, H, W]`, `weight` `[C, 1, kh, kw]` matching `geometry.kernel`,
    ///   `bias` `[C]` or nil, and the output is non-empty.
    public static func compute(input: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>?,
                               geometry g: ConvolutionGeometry2D) -> Output {
        precondition(input.rank == 4 && weight.rank == 4 && weight.shape[0] == input.shape[1] && weight.shape[1] == 1,
                     "DepthwiseReference: input [N,C,H,W] and weight [C,1,kh,kw] needed, got \(input.shape), \(weight.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        precondition(kh == g.kernel.height && kw == g.kernel.width, "DepthwiseReference: weight does not match the geometry")
        let ho = h + 2 * g.padding.height - g.dilatedKernel.height + 1
        let wo = w + 2 * g.padding.width - g.dilatedKernel.width + 1
        precondition(ho >= 1 && wo >= 1, "DepthwiseReference: empty output")
        let x = input.scalars, k = weight.scalars, b = bias?.scalars
        var values = [Double](repeating: 0, count: n * c * ho * wo)
        var magnitudes = values
        let circular = g.paddingMode == .circular
        func wrap(_ i: Int, _ m: Int) -> Int { let r = i % m; return r < 0 ? r + m : r }
        for batch in 0..<n {
            for ch in 0..<c {
                let plane = (batch * c + ch) * h * w
                let out = (batch * c + ch) * ho * wo
                let kBase = ch * kh * kw
                for i in 0..<ho {
                    for j in 0..<wo {
                        var sum = b?[ch] ?? 0
                        var mag = abs(sum)
                        for u in 0..<kh {
                            var r = i + g.dilation.height * u - g.padding.height
                            if circular { r = wrap(r, h) } else if r < 0 || r >= h { continue }
                            for v in 0..<kw {
                                var s = j + g.dilation.width * v - g.padding.width
                                if circular { s = wrap(s, w) } else if s < 0 || s >= w { continue }
                                let p = k[kBase + u * kw + v] * x[plane + r * w + s]
                                sum += p
                                mag += abs(p)
                            }
                        }
                        values[out + i * wo + j] = sum
                        magnitudes[out + i * wo + j] = mag
                    }
                }
            }
        }
        return Output(shape: [n, c, ho, wo], values: values, magnitudes: magnitudes)
    }
}
