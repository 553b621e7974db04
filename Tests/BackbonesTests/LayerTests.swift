import Testing
import GlobalConv
import Verification
import LargeKernel
@testable import Backbones

@Suite("Layers")
struct LayerTests {
    @Test("a 1×1 convolution (Float: the fused C kernel, Double: OpenBLAS) equals the Float64 sum Σ_i W[o,i]·x[i] + b within γ(Cin+1)",
          arguments: [Precision.float32, .float64])
    func pointwiseMatchesNaiveSum(precision: Precision) {
        switch precision {
        case .float32: pointwise(Float.self)
        case .float64: pointwise(Double.self)
        }
    }

    private func pointwise<S: TensorScalar>(_: S.Type) {
        let (n, cin, cout, h, w) = (2, 7, 5, 3, 4)
        let x = Tensor<S>.random(shape: [n, cin, h, w], seed: 1)
        let wt = Tensor<S>.random(shape: [cout, cin, 1, 1], seed: 2)
        let b = Tensor<S>.random(shape: [cout], seed: 3)
        for bias in [b, nil] {
            let y = PointwiseConvolution(weight: wt, bias: bias)(x, threads: 2)
            #expect(y.shape == [n, cout, h, w])
            for img in 0..<n { for o in 0..<cout { for i in 0..<h { for j in 0..<w {
                var acc = Double(bias?.scalars[o] ?? 0), mag = abs(acc)
                for c in 0..<cin {
                    let t = Double(wt.scalars[o * cin + c]) * Double(x[img, c, i, j])
                    acc += t; mag += abs(t)
                }
                let tol = Tolerance.direct(S.self, terms: cin, magnitude: mag)
                #expect(abs(Double(y[img, o, i, j]) - acc) <= tol)
            } } } }
        }
    }

    @Test("eval BatchNorm with mean 0, var 1, eps 0, weight 1, bias 0 is exactly the identity")
    func batchNormIdentity() throws {
        let c = 4
        let x = Tensor<Float>.random(shape: [2, c, 3, 3], seed: 4)
        let bn = try BatchNormParameters<Float>(weight: Tensor(repeating: 1, shape: [c]), bias: Tensor(zeros: [c]),
                             runningMean: Tensor(zeros: [c]), runningVar: Tensor(repeating: 1, shape: [c]), eps: 0)
        #expect(bn(x) == x)
    }

    @Test("eval BatchNorm equals (x − mean)/sqrt(var + eps)·γ + β in Float64 within a few ulps", arguments: [Precision.float32, .float64])
    func batchNormFormula(precision: Precision) throws {
        func run<S: TensorScalar>(_: S.Type) throws {
            let c = 3
            let x = Tensor<S>.random(shape: [2, c, 2, 5], in: -3...3, seed: 5)
            let g = Tensor<S>.random(shape: [c], in: 0.5...1.5, seed: 6), be = Tensor<S>.random(shape: [c], seed: 7)
            let m = Tensor<S>.random(shape: [c], seed: 8), v = Tensor<S>.random(shape: [c], in: 0.5...2, seed: 9)
            let y = try BatchNormParameters(weight: g, bias: be, runningMean: m, runningVar: v)(x)
            for img in 0..<2 { for ch in 0..<c { for i in 0..<2 { for j in 0..<5 {
                let s = Double(g.scalars[ch]) / (Double(v.scalars[ch]) + Double(S(1e-5))).squareRoot()
                let ref = (Double(x[img, ch, i, j]) - Double(m.scalars[ch])) * s + Double(be.scalars[ch])
                let scale = abs(Double(x[img, ch, i, j]) * s) + abs(Double(m.scalars[ch]) * s) + abs(Double(be.scalars[ch]))
                #expect(abs(Double(y[img, ch, i, j]) - ref) <= 8 * Double(S.unitRoundoff) * scale)
            } } } }
        }
        precision == .float32 ? try run(Float.self) : try run(Double.self)
    }

    @Test("channels-last LayerNorm gives each pixel mean 0 and biased variance 1/(1 + eps/σ²), and applies γ, β per channel")
    func layerNormNormalises() {
        let (c, eps) = (6, 1e-6)
        let x = Tensor<Double>.random(shape: [2, c, 3, 4], in: -2...2, seed: 10)
        let ones = LayerNormChannelsLast(weight: Tensor<Double>(repeating: 1, shape: [c]), bias: Tensor(zeros: [c]), eps: eps)(x)
        for img in 0..<2 { for i in 0..<3 { for j in 0..<4 {
            let v = (0..<c).map { ones[img, $0, i, j] }
            let mean = v.reduce(0, +) / Double(c)
            let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c)
            let xs = (0..<c).map { x[img, $0, i, j] }
            let mx = xs.reduce(0, +) / Double(c)
            let s2 = xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +) / Double(c)
            #expect(abs(mean) <= 1e-14)
            #expect(abs(variance - s2 / (s2 + eps)) <= 1e-13)
        } } }
        let g = Tensor<Double>.random(shape: [c], seed: 11), b = Tensor<Double>.random(shape: [c], seed: 12)
        let y = LayerNormChannelsLast(weight: g, bias: b, eps: eps)(x)
        for ch in 0..<c { #expect(abs(y[1, ch, 2, 3] - (ones[1, ch, 2, 3] * g.scalars[ch] + b.scalars[ch])) <= 1e-14) }
    }

    @Test("GELU and SiLU satisfy f(x) − f(−x) = x and GELU(1) = Φ(1); ReLU clips", arguments: [Precision.float32, .float64])
    func activationIdentities(precision: Precision) {
        func run<S: TensorScalar>(_: S.Type) {
            let u = Double(S.unitRoundoff)
            for x in stride(from: -6.0, through: 6.0, by: 0.37) {
                let s = S(x)
                for f in [Activation.gelu, .silu] {
                    #expect(abs(Double(f(s) - f(-s)) - Double(s)) <= 16 * u * max(1, abs(x)))
                }
                #expect(Activation.relu(s) == (s > 0 ? s : 0))
            }
            // Φ(1) = 0.841344746068542948585232545632034…, so GELU(1) = Φ(1).
            #expect(abs(Double(Activation.gelu(S(1))) - 0.841344746068542948585232545632034) <= 8 * u)
            // SiLU(2) = 2/(1 + e^{−2}) = 1.761594155955764888119458282604793…
            #expect(abs(Double(Activation.silu(S(2))) - 1.761594155955764888119458282604793) <= 8 * u * 2)
            #expect(Activation.gelu(S(0)) == 0 && Activation.silu(S(0)) == 0)
            #expect(Activation.silu(S(-1000)) == 0 && Activation.gelu(S(-1000)) == 0)
        }
        precision == .float32 ? run(Float.self) : run(Double.self)
    }

    @Test("Float tensor GELU and SiLU (the vectorised kernels) stay within their bounds of the exact functions")
    func vectorisedActivations() {
        // Dense sweep plus the extremes: tails, underflow of exp(−x²), overflow of exp(−x) in SiLU, NaN.
        var xs = stride(from: -12.0, through: 12.0, by: 0.001).map { $0 }
        xs += [-200, -104, -90, -88.8, -1e-30, 0, 1e-30, 88.8, 90, 200, 3.4e38, -3.4e38]
        let t = Tensor<Float>(shape: [1, 1, 1, xs.count], scalars: xs.map(Float.init))
        let u = Double(Float.unitRoundoff)
        let gelu = Activation.gelu(t), silu = Activation.silu(t)
        for (i, x) in t.scalars.map(Double.init).enumerated() {
            // GELU: the erf approximation (|Δerf| ≤ 1.5e-7) scaled by 0.5|x|, plus a few roundings.
            let g = 0.5 * x * (1 + Double.erf(x / 2.0.squareRoot()))
            #expect(abs(Double(gelu.scalars[i]) - g) <= 0.5 * abs(x) * (1.5e-7 + 8 * u) + 8 * u * abs(g) + 1e-37,
                    "GELU(\(x))")
            // PyTorch evaluates exp(−x) in Float: beyond Float's range it is +inf and SiLU gives −0.
            let e = Double.exp(-x)
            let sExact = e > Double(Float.greatestFiniteMagnitude) ? -0.0 : x / (1 + e)
            #expect(abs(Double(silu.scalars[i]) - sExact) <= 8 * u * abs(sExact) + 1e-37, "SiLU(\(x))")
        }
        #expect(Activation.silu(Tensor<Float>(shape: [1], scalars: [-200])).scalars[0].sign == .minus)
        let nan = Activation.gelu(Tensor<Float>(shape: [2], scalars: [.nan, .infinity]))
        #expect(nan.scalars[0].isNaN && nan.scalars[1] == .infinity)
    }

    @Test("the global spatial mean of a plane of constant c is c, and of 1…n is (n+1)/2")
    func spatialMean() {
        var x = Tensor<Double>(repeating: 3.25, shape: [2, 3, 4, 5])
        for p in 0..<20 { x[1, 2, p / 5, p % 5] = Double(p + 1) }
        let m = x.spatialMean()
        #expect(m.shape == [2, 3, 1, 1])
        #expect(m.scalars[0] == 3.25 && m.scalars[4] == 3.25)
        #expect(m.scalars[5] == 10.5)
    }

    @Test("align_corners linear resize: a ramp stays a ramp, N = 1 takes index 0, K = 1 broadcasts")
    func alignCornersResize() {
        let ramp: [Double] = [0, 1, 2, 3, 10, 11, 12, 13]
        #expect(AlignCornersResize.linear(ramp, rows: 2, from: 4, to: 7)
                == [0, 0.5, 1, 1.5, 2, 2.5, 3, 10, 10.5, 11, 11.5, 12, 12.5, 13])
        #expect(AlignCornersResize.linear(ramp, rows: 2, from: 4, to: 3) == [0, 1.5, 3, 10, 11.5, 13])
        #expect(AlignCornersResize.linear(ramp, rows: 2, from: 4, to: 1) == [0, 10])
        #expect(AlignCornersResize.linear([5.0, 7], rows: 2, from: 1, to: 3) == [5, 5, 5, 7, 7, 7])
        #expect(AlignCornersResize.linear(ramp, rows: 2, from: 4, to: 4) == ramp)
    }

    @Test("OpenBLAS runs single-threaded once the engine has run a product: its own threads never compete with the pool")
    func blasThreads() throws {
        let head = try Linear(weight: Tensor<Float>.random(shape: [600, 40], seed: 3), bias: nil)
        _ = try head(Tensor<Float>.random(shape: [2, 40], seed: 4), threads: 2)
        #expect(BLASThreads.count == 1)
    }

    @Test("Linear: the blocked product on 1, 2 and 3 threads gives the same bits, within γ(in+1) of the Float64 sum, for one image (a matrix-vector product per block) and three",
          arguments: [1, 2, 3], [1, 3])
    func linearBlocks(threads: Int, n: Int) throws {
        // 600 outputs: three blocks of GEMM.columnsPerBlock = 256, the last partial.
        let (k, m) = (70, 600)
        let w = Tensor<Float>.random(shape: [m, k], seed: 5), b = Tensor<Float>.random(shape: [m], seed: 6)
        let x = Tensor<Float>.random(shape: [n, k], seed: 7)
        let layer = try Linear(weight: w, bias: b)
        let y = try layer(x, threads: threads)
        #expect(y == (try layer(x, threads: 1)))
        let gamma = Double(k + 1) * 0x1p-24 / (1 - Double(k + 1) * 0x1p-24)
        for r in 0..<n { for o in 0..<m {
            var sum = Double(b.scalars[o]), mag = abs(Double(b.scalars[o]))
            for i in 0..<k {
                let p = Double(w.scalars[o * k + i]) * Double(x.scalars[r * k + i])
                sum += p; mag += abs(p)
            }
            #expect(abs(Double(y.scalars[r * m + o]) - sum) <= gamma * mag)
        } }
    }
}
