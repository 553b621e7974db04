import Testing
import GlobalConv
import Verification
@testable import Backbones

@Suite("LayerNorm channels-first")
struct LayerNormChannelsFirstTests {
    /// Bound per output (first-order error analysis of mean, centred sum of squares, root, division and the
    /// affine step): `γ(2C + 8)·(|γ_c|·(|y_c| + (|x_c| + |u|)/σ) + |β_c|)`, `y_c` the normalised value.
    @Test("equals the Float64 definition u, s, (x − u)/√(s + eps)·γ + β per pixel over C", arguments: [Precision.float32, .float64])
    func matchesDefinition(precision: Precision) {
        func run<S: TensorScalar>(_: S.Type) {
            let (n, c, h, w) = (2, 7, 3, 5)
            let eps = 1e-6
            let x = Tensor<S>.random(shape: [n, c, h, w], seed: 41)
            let g = Tensor<S>.random(shape: [c], in: 0.5...1.5, seed: 42), b = Tensor<S>.random(shape: [c], seed: 43)
            let y = LayerNormChannelsFirst(weight: g, bias: b, eps: S(eps))(x, threads: 2)
            #expect(y.shape == x.shape)
            for img in 0..<n { for i in 0..<h { for j in 0..<w {
                let xs = (0..<c).map { Double(x[img, $0, i, j]) }
                let u = xs.reduce(0, +) / Double(c)
                let s = xs.map { ($0 - u) * ($0 - u) }.reduce(0, +) / Double(c)
                let sigma = (s + eps).squareRoot()
                for ch in 0..<c {
                    let yc = (xs[ch] - u) / sigma
                    let ref = Double(g.scalars[ch]) * yc + Double(b.scalars[ch])
                    let mag = abs(Double(g.scalars[ch])) * (abs(yc) + (abs(xs[ch]) + abs(u)) / sigma) + abs(Double(b.scalars[ch]))
                    #expect(abs(Double(y[img, ch, i, j]) - ref) <= Tolerance.direct(S.self, terms: 2 * c + 8, magnitude: mag))
                }
            } } }
        }
        precision == .float32 ? run(Float.self) : run(Double.self)
    }

    @Test("agrees with the channels-last LayerNorm (same function, different rounding) and keeps an empty batch empty")
    func agreesWithChannelsLast() {
        let c = 9
        let x = Tensor<Double>.random(shape: [2, c, 4, 3], seed: 44)
        let g = Tensor<Double>.random(shape: [c], seed: 45), b = Tensor<Double>.random(shape: [c], seed: 46)
        let first = LayerNormChannelsFirst(weight: g, bias: b, eps: 1e-6)(x)
        let last = LayerNormChannelsLast(weight: g, bias: b, eps: 1e-6)(x)
        for (a, r) in zip(first.scalars, last.scalars) { #expect(abs(a - r) <= 1e-13) }
        #expect(LayerNormChannelsFirst(weight: g, bias: b)(Tensor(zeros: [0, c, 2, 2])).shape == [0, c, 2, 2])
    }
}
