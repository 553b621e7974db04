import Testing
import GlobalConv
import Verification

/// `Convolution2D` (im2col, then the 1×1 kernel, or OpenBLAS GEMM per group) and `Linear` against their definitions summed in Float64,
/// within `γ(T+1)·(|b| + Σ|w||x̃|)` per output (Docs/numerics.md §1).
@Suite("Dense convolution and Linear")
struct DenseConvolutionTests {
    /// (name, Cin, Cout, kernel, stride, padding, groups, H, W): the backbones' stems and downsamplers on
    /// odd and truncating sizes, a grouped and a strided depthwise case, and a rectangular kernel.
    static let cases: [(String, Int, Int, Size2D, Size2D, Size2D, Int, Int, Int)] = [
        ("patchify 4×4/s4 (ConvNeXt, SLaK stem), truncating 35×29", 3, 8, Size2D(4), Size2D(4), Size2D(0), 1, 35, 29),
        ("7×7/s4 p3 (VAN stem)", 3, 6, Size2D(7), Size2D(4), Size2D(3), 1, 35, 29),
        ("3×3/s2 p1 (VAN, MogaNet, UniRepLKNet downsampling)", 5, 7, Size2D(3), Size2D(2), Size2D(1), 1, 9, 8),
        ("2×2/s2 (ConvNeXt downsampling), odd map", 6, 9, Size2D(2), Size2D(2), Size2D(0), 1, 7, 5),
        ("strided depthwise 3×3/s2 p1 (RepLKNet stem)", 6, 6, Size2D(3), Size2D(2), Size2D(1), 6, 11, 10),
        ("grouped 3×3/s1 p1, 2 groups", 4, 6, Size2D(3), Size2D(1), Size2D(1), 2, 5, 6),
        ("rectangular 3×2, stride 2×1, padding 1×0", 3, 4, Size2D(height: 3, width: 2), Size2D(height: 2, width: 1),
         Size2D(height: 1, width: 0), 1, 6, 5),
        ("5×5/s1 p2 on a 3×4 map: the kernel larger than the map", 3, 4, Size2D(5), Size2D(1), Size2D(2), 1, 3, 4),
        ("7×7/s2 p3 on a 2×2 map: most taps in the padding", 2, 3, Size2D(7), Size2D(2), Size2D(3), 1, 2, 2),
        // Rows wide enough for the vectorised strided gathers of im2col (strides 2 and 4) and the general one (3).
        ("7×7/s4 p3 on a wide map (VAN stem rows of 33)", 2, 5, Size2D(7), Size2D(4), Size2D(3), 1, 9, 131),
        ("3×3/s2 p1 on a wide map (rows of 35)", 3, 4, Size2D(3), Size2D(2), Size2D(1), 1, 6, 70),
        ("5×5/s3 p2 on a wide map (the general stride)", 2, 3, Size2D(5), Size2D(3), Size2D(2), 1, 7, 101),
    ]

    @Test("Convolution2D equals the Float64 definition within γ(T+1)", arguments: cases.indices, [Precision.float32, .float64])
    func matchesDefinition(index: Int, precision: Precision) throws {
        precision == .float32 ? try check(Float.self, Self.cases[index]) : try check(Double.self, Self.cases[index])
    }

    private func check<S: TensorScalar>(_: S.Type, _ c: (String, Int, Int, Size2D, Size2D, Size2D, Int, Int, Int)) throws {
        let (name, cin, cout, k, s, p, g, h, w) = c
        let n = 2, cg = cin / g, og = cout / g
        let x = Tensor<S>.random(shape: [n, cin, h, w], seed: 21)
        let wt = Tensor<S>.random(shape: [cout, cg, k.height, k.width], seed: 22)
        let b = Tensor<S>.random(shape: [cout], seed: 23)
        let ho = (h + 2 * p.height - k.height) / s.height + 1, wo = (w + 2 * p.width - k.width) / s.width + 1
        for bias in [b, nil] {
            let conv = try Convolution2D(weight: wt, bias: bias, stride: s, padding: p, groups: g)
            #expect(conv.outputSize(height: h, width: w) == Size2D(height: ho, width: wo))
            let y = try conv(x, threads: 2)
            #expect(y.shape == [n, cout, ho, wo], "\(name)")
            var worst = 0.0
            for img in 0..<n { for o in 0..<cout { for i in 0..<ho { for j in 0..<wo {
                var acc = Double(bias?.scalars[o] ?? 0), mag = abs(acc)
                for ci in 0..<cg { for u in 0..<k.height { for v in 0..<k.width {
                    let (r, q) = (i * s.height + u - p.height, j * s.width + v - p.width)
                    guard r >= 0, r < h, q >= 0, q < w else { continue }
                    let t = Double(wt[o, ci, u, v]) * Double(x[img, (o / og) * cg + ci, r, q])
                    acc += t; mag += abs(t)
                } } }
                let e = abs(Double(y[img, o, i, j]) - acc)
                worst = max(worst, e / max(mag, 1e-300))
                #expect(e <= Tolerance.direct(S.self, terms: cg * k.height * k.width, magnitude: mag), "\(name) at \([img, o, i, j])")
            } } } }
            #expect(worst.isFinite)
        }
    }

    @Test("an empty batch gives the empty output; a map too small, bad groups or a bad bias throw")
    func edges() throws {
        let conv = try Convolution2D(weight: Tensor<Double>(zeros: [4, 3, 2, 2]), bias: nil, stride: Size2D(2))
        #expect(try conv(Tensor(zeros: [0, 3, 5, 5])).shape == [0, 4, 2, 2])
        #expect(throws: ConvolutionError.self) { try conv(Tensor<Double>(zeros: [1, 3, 1, 5])) }   // ⌊(1 − 2)/2⌋ + 1 = 0 rows
        #expect(throws: ConvolutionError.self) { try conv(Tensor<Double>(zeros: [1, 2, 5, 5])) }   // wrong channels
        #expect(throws: ConvolutionError.self) { try Convolution2D(weight: Tensor<Double>(zeros: [4, 3, 2, 2]), bias: nil, groups: 3) }
        #expect(throws: ConvolutionError.self) { try Convolution2D(weight: Tensor<Double>(zeros: [4, 3, 2, 2]), bias: Tensor(zeros: [3])) }
        #expect(throws: ConvolutionError.self) { try Convolution2D(weight: Tensor<Double>(zeros: [4, 3, 2, 2]), bias: nil, stride: Size2D(0)) }
    }

    @Test("Linear equals Σ_i W[o,i]·x[n,i] + b within γ(in+1), on [N, in] and [N, in, 1, 1]", arguments: [Precision.float32, .float64])
    func linear(precision: Precision) throws {
        func run<S: TensorScalar>(_: S.Type) throws {
            let (n, cin, cout) = (3, 13, 5)
            let x = Tensor<S>.random(shape: [n, cin], seed: 31)
            let wt = Tensor<S>.random(shape: [cout, cin], seed: 32), b = Tensor<S>.random(shape: [cout], seed: 33)
            let layer = try Linear(weight: wt, bias: b)
            let y = try layer(x, threads: 2)
            #expect(y == (try layer(x.reshaped([n, cin, 1, 1]))))
            #expect(y.shape == [n, cout])
            for r in 0..<n { for o in 0..<cout {
                var acc = Double(b.scalars[o]), mag = abs(acc)
                for i in 0..<cin { let t = Double(wt.scalars[o * cin + i]) * Double(x.scalars[r * cin + i]); acc += t; mag += abs(t) }
                #expect(abs(Double(y.scalars[r * cout + o]) - acc) <= Tolerance.direct(S.self, terms: cin, magnitude: mag))
            } }
            #expect(throws: ConvolutionError.self) { try layer(Tensor<S>(zeros: [n, cin + 1])) }
            #expect(throws: ConvolutionError.self) { try Linear(weight: wt, bias: Tensor<S>(zeros: [cout + 1])) }
            #expect(try layer(Tensor<S>(zeros: [0, cin])).shape == [0, cout])
        }
        precision == .float32 ? try run(Float.self) : try run(Double.self)
    }
}
