/// A depthwise 3×3 convolution (stride 1, dilation 1, zero padding 1, so the map keeps its size) with
/// bias and an activation, through which a 1×1 convolution reads its input: VAN's and MogaNet's MLP
/// `fc1 → dwconv 3×3 → GELU → fc2` becomes `fc2(stencil(fc1(x)))` without the hidden map `stencil(·)`
/// ever being stored (Float: computed per strip of pixels while the 1×1 kernel packs its input).
///
/// `s[c, p] = act(b[c] + Σ_{u<3} Σ_{v<3} w[c, u, v]·x[c, i + u − 1, j + v − 1])` at pixel `p = (i, j)`,
/// taps outside the map read 0, summed from the bias in `u`-major, then `v`, order (the direct path's).
package struct PointwiseStencil<Scalar: TensorScalar>: Sendable {
    /// `[C·9]`, channel-major, then `u`, then `v`.
    package let weight: [Scalar]
    /// `[C]`, or nil for no bias.
    package let bias: [Scalar]?
    package let activation: Activation?
    /// The depthwise convolution the stencil was made from: the fused 1×1 convolution runs it on the direct
    /// path instead when its work split would compute a strip's stencil more than once (small maps).
    package let conv: DepthwiseConvolution2D<Scalar>

    package var channels: Int { weight.count / 9 }

    /// Whether a 1×1 convolution of `Scalar` computes the stencil while packing its input (Float's packed
    /// kernel; ``TensorScalar/_pointwiseFusesStencil``), so a block should hand it the stencil; otherwise
    /// (Double) the block runs its depthwise layer, and a stencil given anyway is computed as a separate pass.
    package static var isFused: Bool { Scalar._pointwiseFusesStencil }

    /// The stencil of `conv` followed by `activation`; nil unless `conv` is a 3×3 kernel with dilation 1
    /// and zero padding 1.
    package init?(_ conv: DepthwiseConvolution2D<Scalar>, activation: Activation?) {
        let g = conv.geometry
        guard g.kernel == Size2D(3), g.dilation == Size2D(1), g.padding == Size2D(1), g.paddingMode == .zeros else { return nil }
        weight = conv.weight.scalars
        bias = conv.bias?.scalars
        self.activation = activation
        self.conv = conv
    }

    /// `s` on an NCHW tensor of ``channels`` channels, computed directly (the Double path of the fused
    /// 1×1 convolution and the definition the single-precision kernel follows).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func apply(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        precondition(c == channels, "PointwiseStencil: \(channels) channels, input \(x.shape)")
        var out = Tensor<Scalar>(zeros: x.shape)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { ys in
                for plane in 0..<(n * c) {
                    let ch = plane % c, base = plane * h * w
                    let b = bias?[ch] ?? 0
                    for i in 0..<h {
                        for j in 0..<w {
                            var acc = b
                            for u in 0..<3 {
                                for v in 0..<3 {
                                    let (r, q) = (i + u - 1, j + v - 1)
                                    let value = r >= 0 && r < h && q >= 0 && q < w ? xs[base + r * w + q] : 0
                                    acc += weight[ch * 9 + u * 3 + v] * value
                                }
                            }
                            ys[base + i * w + j] = activation.apply(acc)
                        }
                    }
                }
            }
        }
        return out
    }
}
