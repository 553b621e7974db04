extension DepthwiseConvolution2D {
    /// The direct path: the definition summed tap by tap.
    /// (First version: a plain loop; the vectorised kernel replaces it.)
    func direct(_ input: Tensor<Scalar>, outputShape: [Int], threads: Int) -> Tensor<Scalar> {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (outputShape[2], outputShape[3])
        let g = geometry
        var out = Tensor<Scalar>(zeros: outputShape)
        for b in 0..<n {
            for ch in 0..<c {
                let bias = self.bias?.scalars[ch] ?? 0
                for i in 0..<ho {
                    for j in 0..<wo {
                        var acc: Scalar = bias
                        for u in 0..<g.kernel.height {
                            var y = i + g.dilation.height * u - g.padding.height
                            if g.paddingMode == .circular { y = ((y % h) + h) % h } else if y < 0 || y >= h { continue }
                            for v in 0..<g.kernel.width {
                                var x = j + g.dilation.width * v - g.padding.width
                                if g.paddingMode == .circular { x = ((x % w) + w) % w } else if x < 0 || x >= w { continue }
                                acc += weight.scalars[(ch * g.kernel.height + u) * g.kernel.width + v]
                                    * input.scalars[((b * c + ch) * h + y) * w + x]
                            }
                        }
                        out.scalars[((b * c + ch) * ho + i) * wo + j] = acc
                    }
                }
            }
        }
        return out
    }
}
