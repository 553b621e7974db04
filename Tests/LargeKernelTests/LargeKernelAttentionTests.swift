import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("LKA decomposition and forward")
struct LargeKernelAttentionTests: PrecisionChecked {
    @Test("K=21, d=3, C=32 has 3,392 parameters without biases (VAN, Table 2) and the module holds exactly that many")
    func parameterCount() throws {
        let dec = try LKADecomposition(kernelSize: 21, dilation: 3)
        // 32·(7² + 5² + 32) = 32·106.
        #expect(dec.parameterCount(channels: 32) == 3392)
        #expect(dec.parameterCount(channels: 32, includingBiases: true) == 3392 + 3 * 32)
        let lka = try Self.module(Double.self, dec, channels: 32, seed: 1)
        #expect(lka.conv0.weight.count + lka.convSpatial.weight.count + lka.conv1Weight.count == 3392)
        #expect(dec.depthwiseParameterCount(channels: 32) == 32 * 74)
    }

    /// Taps `⌈K/d⌉² + (2d−1)²` by hand: K=21: d=1 441+1, d=2 121+9, **d=3 49+25 = 74**, d=4 36+49, d=5 25+81;
    /// K=7: d=1 49+1, **d=2 16+9 = 25**, d=3 9+25; K=14: d=2 49+9, **d=3 25+25 = 50**, d=4 16+49;
    /// K=28: d=3 100+25, **d=4 49+49 = 98**, d=5 36+81, d=6 25+121.
    @Test("the parameter-minimising dilation is 3 for K=21 (and 2, 3, 4 for K=7, 14, 28)",
          arguments: [(21, 3), (7, 2), (14, 3), (28, 4)])
    func bestDilation(kernelSize: Int, expected: Int) throws {
        #expect(try LKADecomposition.bestDilation(kernelSize: kernelSize) == expected)
    }

    @Test("the best dilation is at least 2: 2 for K = 3 and 4, and K = 1 or 2 have no LKA decomposition")
    func bestDilationAtLeastTwo() throws {
        #expect(try LKADecomposition.bestDilation(kernelSize: 3) == 2)
        #expect(try LKADecomposition.bestDilation(kernelSize: 4) == 2)
        for k in 3...64 { #expect(try LKADecomposition.bestDilation(kernelSize: k) >= 2, "K = \(k)") }
        for k in [1, 2] {
            #expect(throws: LargeKernelError.self) { try LKADecomposition.bestDilation(kernelSize: k) }
        }
    }

    @Test("the composed support is d·⌈K/d⌉ + d − 1: 9, 17, 23, 31 for (7,2), (14,3), (21,3), (28,4)",
          arguments: [(7, 2, 9), (14, 3, 17), (21, 3, 23), (28, 4, 31)])
    func composedExtent(kernelSize: Int, dilation: Int, extent: Int) throws {
        let dec = try LKADecomposition(kernelSize: kernelSize, dilation: dilation)
        #expect(dec.composedExtent == extent)
        // Composing actual factors gives a kernel whose non-zero taps span exactly that extent.
        let k = try Self.module(Double.self, dec, channels: 1, seed: 2).composedSpatialKernel()
        #expect(k.size == Size2D(extent) && k.support == KernelSupport(rows: 0..<extent, columns: 0..<extent))
    }

    @Test("multiply-adds: C·((2d−1)² + k'² + C) per pixel, 664,832 for K=21, d=3, C=32 on 14×14")
    func multiplyAdds() throws {
        let dec = LKADecomposition.van
        let perPixel = dec.multiplyAdds(channels: 32)
        #expect(perPixel.local == 32 * 25 && perPixel.spatial == 32 * 49 && perPixel.pointwise == 32 * 32)
        #expect(perPixel.gating == 32 && perPixel.total == 3392)
        #expect(dec.multiplyAdds(channels: 32, height: 14, width: 14) == 664_832)
    }

    @Test("padding: symmetric d·(k'−1)/2 when even (K=7, d=2: 3 and the map keeps its size), PyTorch's 'same' split otherwise")
    func padding() throws {
        let p72 = try LKADecomposition(kernelSize: 7, dilation: 2)
        #expect(p72.spatialSize == 4 && p72.spatialExtent == 7 && p72.spatialPadding == (3, 3))
        let p123 = try LKADecomposition(kernelSize: 12, dilation: 3)
        #expect(p123.spatialSize == 4 && p123.spatialExtent == 10 && p123.spatialPadding == (4, 5))
        #expect(LKADecomposition.van.spatialPadding == (9, 9) && LKADecomposition.van.localPadding == 2)
        #expect(throws: LargeKernelError.self) { try LKADecomposition(kernelSize: 5, dilation: 6) }
    }

    static let cases: [(k: Int, d: Int)] = [(21, 3), (7, 2), (12, 3), (5, 1)]

    @Test("the spatial part and the gated output match a Float64 oracle on both paths, also on maps smaller than the kernel",
          arguments: Precision.allCases, bothPaths)
    func forward(precision: Precision, path: ConvolutionPath) throws {
        try check(precision, path: path)
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws {
        for (i, c) in Self.cases.enumerated() {
            let dec = try LKADecomposition(kernelSize: c.k, dilation: c.d)
            let lka = try Self.module(S.self, dec, channels: 3, seed: 10 + UInt64(i))
            for shape in [[1, 3, 5, 4], [2, 3, 13, 12]] {
                let x = Tensor<S>.random(shape: shape, seed: 20 + UInt64(i))
                let oracle = Self.oracle(x, lka)
                let spatial = try lka.spatial(x, path: path)
                let out = try lka.forward(x, path: path)
                #expect(spatial.shape == shape && out.shape == shape)
                let terms = dec.localSize * dec.localSize + dec.spatialSize * dec.spatialSize + 3 + 4
                let size = (shape[2] + dec.composedExtent) * (shape[3] + dec.composedExtent)
                let sb = errorBound(S.self, path: path, terms: terms, magnitude: oracle.spatialMagnitude, transformSize: size, convs: 2)
                let ob = errorBound(S.self, path: path, terms: terms, magnitude: oracle.magnitude, transformSize: size, convs: 2)
                let rs = worstRatio(spatial, oracle.spatial, bound: sb)
                let ro = worstRatio(out, oracle.output, bound: ob)
                #expect(rs.ratio <= 1 && ro.ratio <= 1, "\(dec) on \(shape): spatial \(rs), output \(ro)")
            }
        }
    }

    @Test("mis-shaped LKA weights are refused with an error")
    func invalid() throws {
        let dec = LKADecomposition.van
        let ok = try Self.module(Double.self, dec, channels: 2, seed: 3)
        #expect(throws: LargeKernelError.self) {
            try LargeKernelAttention(decomposition: dec, conv0Weight: Fixture.weight(channels: 2, 3, 3, seed: 1), conv0Bias: ok.conv0.bias,
                                     convSpatialWeight: ok.convSpatial.weight, convSpatialBias: ok.convSpatial.bias,
                                     conv1Weight: ok.conv1Weight, conv1Bias: ok.conv1Bias)
        }
        #expect(throws: LargeKernelError.self) {
            try LargeKernelAttention(decomposition: dec, conv0Weight: ok.conv0.weight, conv0Bias: ok.conv0.bias,
                                     convSpatialWeight: ok.convSpatial.weight, convSpatialBias: ok.convSpatial.bias,
                                     conv1Weight: Tensor(zeros: [2, 3, 1, 1]), conv1Bias: ok.conv1Bias)
        }
        #expect(throws: LargeKernelError.self) { try ok.forward(Tensor<Double>(zeros: [1, 3, 4, 4])) }
    }

    static func module<S: TensorScalar>(_: S.Type, _ dec: LKADecomposition, channels c: Int, seed: UInt64) throws
        -> LargeKernelAttention<S> {
        try LargeKernelAttention(
            decomposition: dec,
            conv0Weight: Fixture.weight(channels: c, dec.localSize, dec.localSize, seed: seed),
            conv0Bias: .random(shape: [c], seed: seed + 1),
            convSpatialWeight: Fixture.weight(channels: c, dec.spatialSize, dec.spatialSize, seed: seed + 2),
            convSpatialBias: .random(shape: [c], seed: seed + 3),
            conv1Weight: .random(shape: [c, c, 1, 1], seed: seed + 4), conv1Bias: .random(shape: [c], seed: seed + 5))
    }

    /// LKA from the definitions in Float64: conv0 with padding d−1, conv_spatial read at
    /// `i + d·u − before` (zero outside), the 1×1 and the gating, with the error-bound magnitudes.
    static func oracle<S: TensorScalar>(_ x: Tensor<S>, _ lka: LargeKernelAttention<S>)
        -> (spatial: [Double], spatialMagnitude: [Double], output: [Double], magnitude: [Double]) {
        let dec = lka.decomposition
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let g0 = try! ConvolutionGeometry2D(kernel: Size2D(dec.localSize), padding: Size2D(dec.localPadding))
        let a = Reference.depthwise2D(input: x, weight: lka.conv0.weight, bias: lka.conv0.bias, geometry: g0)
        let (m, d, before) = (dec.spatialSize, dec.dilation, dec.spatialPadding.before)
        var s = [Double](repeating: 0, count: x.count), sm = s
        for b in 0..<n { for ch in 0..<c { for i in 0..<h { for j in 0..<w {
            var acc = Double(lka.convSpatial.bias.scalars[ch]), mag = abs(acc)
            for u in 0..<m { for v in 0..<m {
                let (yy, xx) = (i + d * u - before, j + d * v - before)
                guard yy >= 0, yy < h, xx >= 0, xx < w else { continue }
                let wt = Double(lka.convSpatial.weight[ch, 0, u, v])
                let k = ((b * c + ch) * h + yy) * w + xx
                acc += wt * a.output[k]
                mag += abs(wt) * a.magnitude[k]
            } }
            s[((b * c + ch) * h + i) * w + j] = acc
            sm[((b * c + ch) * h + i) * w + j] = mag
        } } } }
        var out = s, om = s
        for b in 0..<n { for o in 0..<c { for p in 0..<(h * w) {
            var acc = Double(lka.conv1Bias.scalars[o]), mag = abs(acc)
            for ch in 0..<c {
                let wt = Double(lka.conv1Weight.scalars[o * c + ch])
                acc += wt * s[(b * c + ch) * h * w + p]
                mag += abs(wt) * sm[(b * c + ch) * h * w + p]
            }
            let xv = Double(x.scalars[(b * c + o) * h * w + p])
            out[(b * c + o) * h * w + p] = xv * acc
            om[(b * c + o) * h * w + p] = abs(xv) * mag
        } } }
        return (s, sm, out, om)
    }
}
