import GlobalConv

/// Independent Float64 oracles, written from the definitions and nothing else: no FFT, no engine code.
public enum Reference {
    /// `nn.Conv2d(groups=C)` by its definition, in Float64, on Float64 copies of the operands.
    /// `y[n,c,i,j] = b[c] + Σ_u Σ_v w[c,0,u,v]·x̃[n,c,i+dh·u−ph, j+dw·v−pw]`.
    /// Also returns `magnitude[n,c,i,j] = |b[c]| + Σ |w|·|x̃|`, the scale of the rounding error bound.
    public static func depthwise2D<S: TensorScalar>(
        input: Tensor<S>, weight: Tensor<S>, bias: Tensor<S>?, geometry g: ConvolutionGeometry2D
    ) -> (output: [Double], magnitude: [Double], shape: [Int]) {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (kh, kw) = (g.kernel.height, g.kernel.width)
        let ho = h + 2 * g.padding.height - g.dilatedKernel.height + 1
        let wo = w + 2 * g.padding.width - g.dilatedKernel.width + 1
        var out = [Double](repeating: 0, count: n * c * ho * wo)
        var mag = out
        let x = input.scalars.map(Double.init), wt = weight.scalars.map(Double.init)
        for b in 0..<n {
            for ch in 0..<c {
                let bb = bias.map { Double($0.scalars[ch]) } ?? 0
                for i in 0..<ho {
                    for j in 0..<wo {
                        var acc = bb, m = abs(bb)
                        for u in 0..<kh {
                            for v in 0..<kw {
                                var yy = i + g.dilation.height * u - g.padding.height
                                var xx = j + g.dilation.width * v - g.padding.width
                                switch g.paddingMode {
                                case .zeros:
                                    if yy < 0 || yy >= h || xx < 0 || xx >= w { continue }
                                case .circular:
                                    yy = ((yy % h) + h) % h
                                    xx = ((xx % w) + w) % w
                                }
                                let t = wt[(ch * kh + u) * kw + v] * x[((b * c + ch) * h + yy) * w + xx]
                                acc += t
                                m += abs(t)
                            }
                        }
                        out[((b * c + ch) * ho + i) * wo + j] = acc
                        mag[((b * c + ch) * ho + i) * wo + j] = m
                    }
                }
            }
        }
        return (out, mag, [n, c, ho, wo])
    }

    /// ParC's global circular correlation along one axis, by its definition, in Float64:
    /// `y[i] = b[c] + Σ_{k<L} w[c,k]·x[(i+k) mod L]` along H (`alongHeight`) or W, `L` the axis length.
    /// `weight` holds `C·L` taps, channel-major. Returns the output and the error-bound magnitudes.
    public static func circular1D<S: TensorScalar>(
        input: Tensor<S>, weight: [S], bias: [S]?, alongHeight: Bool
    ) -> (output: [Double], magnitude: [Double]) {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let len = alongHeight ? h : w
        var out = [Double](repeating: 0, count: input.count)
        var mag = out
        for b in 0..<n {
            for ch in 0..<c {
                let bb = bias.map { Double($0[ch]) } ?? 0
                for i in 0..<h {
                    for j in 0..<w {
                        var acc = bb, m = abs(bb)
                        for k in 0..<len {
                            let (yy, xx) = alongHeight ? ((i + k) % h, j) : (i, (j + k) % w)
                            let t = Double(weight[ch * len + k]) * Double(input.scalars[((b * c + ch) * h + yy) * w + xx])
                            acc += t
                            m += abs(t)
                        }
                        out[((b * c + ch) * h + i) * w + j] = acc
                        mag[((b * c + ch) * h + i) * w + j] = m
                    }
                }
            }
        }
        return (out, mag)
    }
}
