import Testing
@testable import GlobalConv

/// ``DepthwiseConvolution2D/strided(_:stride:threads:)``: the strided outputs only, bit for bit the
/// stride-1 direct convolution's values at every `s`-th row and column at each instruction-set level this
/// CPU runs (the same sums in the same order, with fused multiply-adds exactly where that level's direct
/// kernels use them; the stride-1 path's own tests hold it to the definition), and nil where it does not apply.
@Suite("Strided depthwise convolution")
struct StridedDepthwiseTests {
    /// (kernel, stride, padding, H, W): RepLKNet's 3×3/s2 p1 on its stem and transition maps (outputs 56,
    /// 28, 14, 7 wide: several 16-output chunks, one exact chunk, a partial one), odd and tiny maps, other
    /// strides and kernels, and a kernel larger than the map.
    static let cases: [(Int, Int, Int, Int, Int)] = [
        (3, 2, 1, 112, 112), (3, 2, 1, 28, 28), (3, 2, 1, 14, 14), (3, 2, 1, 32, 32), (3, 2, 1, 34, 33),
        (3, 2, 1, 13, 11), (3, 2, 1, 1, 1), (3, 2, 0, 9, 40), (5, 2, 2, 17, 70), (1, 2, 0, 9, 10),
        (3, 3, 1, 20, 50), (7, 4, 3, 30, 90), (5, 2, 2, 2, 2),
    ]

    func check<S: TensorScalar>(_: S.Type, _ c: (Int, Int, Int, Int, Int), bias: Bool, threads: Int,
                                variant: DirectKernel2D.Variant) throws {
        let (k, s, p, h, w) = c
        let channels = 5
        let x = Tensor<S>.random(shape: [2, channels, h, w], in: -2...2, seed: UInt64(k * 1000 + h * 10 + w))
        let conv = try DepthwiseConvolution2D<S>(weight: Tensor.random(shape: [channels, 1, k, k], seed: 3),
                                                 bias: bias ? Tensor.random(shape: [channels], seed: 4) : nil, padding: Size2D(p))
        let y = try #require(try conv.strided(x, stride: s, threads: threads, variant: variant), "\(c)")
        let full = conv.direct(x, outputShape: try conv.outputShape(for: x.shape), threads: 1, variant: variant)
        let (fh, fw) = (full.shape[2], full.shape[3])
        let (ho, wo) = ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
        #expect(y.shape == [2, channels, ho, wo], "\(c)")
        var mismatches = 0
        for n in 0..<2 { for ch in 0..<channels { for i in 0..<ho { for j in 0..<wo {
            let expected = full.scalars[((n * channels + ch) * fh + s * i) * fw + s * j]
            let got = y.scalars[((n * channels + ch) * ho + i) * wo + j]
            if !(expected == got && expected.sign == got.sign) { mismatches += 1 }  // equal, signed zeros included
        } } } }
        #expect(mismatches == 0, "\(S.self) \(c) bias \(bias) threads \(threads) \(variant): \(mismatches) outputs differ")
    }

    @Test("equals the stride-1 direct convolution at every s-th row and column, bit for bit, at every level",
          arguments: cases.indices, DirectKernel2D.Variant.supported)
    func matchesStrideOne(index: Int, variant: DirectKernel2D.Variant) throws {
        for bias in [true, false] {
            try check(Float.self, Self.cases[index], bias: bias, threads: 2, variant: variant)
            try check(Double.self, Self.cases[index], bias: bias, threads: 1, variant: variant)
        }
    }

    @Test("nil where the kernel does not apply; a wrong input throws")
    func edges() throws {
        let x = Tensor<Float>.random(shape: [1, 2, 9, 9], seed: 1)
        var weight = Tensor<Float>.random(shape: [2, 1, 3, 3], seed: 2)
        #expect(try DepthwiseConvolution2D(weight: weight, dilation: Size2D(2), padding: Size2D(2)).strided(x, stride: 2, threads: 1) == nil)
        #expect(try DepthwiseConvolution2D(weight: weight, padding: Size2D(1), paddingMode: .circular).strided(x, stride: 2, threads: 1) == nil)
        #expect(try DepthwiseConvolution2D(weight: weight, padding: Size2D(height: 1, width: 0)).strided(x, stride: 2, threads: 1) == nil)
        #expect(try DepthwiseConvolution2D(weight: weight, padding: Size2D(0)).strided(Tensor.random(shape: [1, 2, 2, 9], seed: 5),
                                                                                         stride: 2, threads: 1) == nil)  // no output row
        weight[1, 0, 0, 0] = .nan
        #expect(try DepthwiseConvolution2D(weight: weight, padding: Size2D(1)).strided(x, stride: 2, threads: 1) == nil)
        #expect(throws: ConvolutionError.self) {
            _ = try DepthwiseConvolution2D(weight: Tensor<Float>.random(shape: [3, 1, 3, 3], seed: 2), padding: Size2D(1))
                .strided(x, stride: 2, threads: 1)
        }
    }
}
