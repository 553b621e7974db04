import GlobalConv

extension DepthwiseKernel {
    /// The kernel of `self` followed by `second` (sequential composition): the 2-D *full convolution*
    /// of the two dense tap arrays,
    /// `K[c,0,t,s] = Σ_{u+u'=t, v+v'=s} A[c,0,u,v] · B[c,0,u',v']`, extent `e_A + e_B − 1` per axis,
    /// and the bias `b = b_B + b_A · Σ B` (the first bias passes through the second kernel).
    ///
    /// With paddings `p_A`, `p_B`, `conv_B(conv_A(x))` equals `conv_K(x)` run with padding `p_A + p_B`
    /// **only** where the intermediate map is never read outside itself:
    /// - exactly everywhere for **circular** padding when `conv_A` keeps the map size (`2·p_A = e_A − 1`),
    ///   since then the intermediate map is itself periodic;
    /// - in the **interior** for zero padding: output `i` agrees iff `conv_B` reads only intermediate rows
    ///   in `[0, H_A)`, i.e. `p_B ≤ i` and `i + e_B − 1 − p_B < H_A` (likewise for columns). At the
    ///   borders the two differ: zero padding the intermediate map drops the values `conv_A` would
    ///   have produced there and `b_A` with them, which the composed kernel still sees.
    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` when channel counts differ.
    public func composed(with second: DepthwiseKernel) throws(LargeKernelError) -> DepthwiseKernel {
        guard second.channels == channels else {
            throw .shapeMismatch("cannot compose a \(channels)-channel kernel with a \(second.channels)-channel one")
        }
        let a = densified(), b = second.densified()
        let (ea, eb) = (a.size, b.size)
        let e = Size2D(height: ea.height + eb.height - 1, width: ea.width + eb.width - 1)
        var w = Tensor<Scalar>(zeros: [channels, 1, e.height, e.width])
        var bias = Tensor<Scalar>(zeros: [channels])
        for c in 0..<channels {
            var sumB: Scalar = 0
            for k in 0..<(eb.height * eb.width) { sumB += b.weight.scalars[c * eb.height * eb.width + k] }
            bias.scalars[c] = b.bias.scalars[c] + a.bias.scalars[c] * sumB
            for u in 0..<ea.height {
                for v in 0..<ea.width {
                    let av = a.weight.scalars[(c * ea.height + u) * ea.width + v]
                    if av == 0 { continue }
                    for u2 in 0..<eb.height {
                        for v2 in 0..<eb.width {
                            w.scalars[(c * e.height + u + u2) * e.width + v + v2] +=
                                av * b.weight.scalars[(c * eb.height + u2) * eb.width + v2]
                        }
                    }
                }
            }
        }
        return DepthwiseKernel(validWeight: w, bias: bias, dilation: Size2D(1))
    }
}
