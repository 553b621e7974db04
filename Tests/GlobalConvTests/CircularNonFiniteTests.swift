import Testing
import GlobalConv
import Verification

/// ParC's circular correlation spans the whole axis, so a NaN/±Inf reaches every output of its row
/// (or column) — with the definition's value: `w·Inf` keeps the sign of `w`, `0·Inf` is NaN. Every path
/// must give exactly `Reference.circular1D`'s pattern (Float64 definition) and keep other values.
@Suite("Non-finite values in the circular 1-D convolution")
struct CircularNonFiniteTests {
    @Test("NaN/±Inf inputs and weights give the definition's pattern on every path",
          arguments: [ConvolutionAxis.height, .width], [false, true])
    func pattern(axis: ConvolutionAxis, badWeights: Bool) throws {
        for precision in Precision.allCases {
            if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        }
        func check<S: TensorScalar>(_: S.Type) throws {
            let (h, w, c) = (6, 8, 3)
            let l = axis == .height ? h : w
            var x = Tensor<S>.random(shape: [2, c, h, w], seed: 71)
            x.scalars[0] = .nan                                   // plane 0, corner
            x.scalars[1 * h * w + 3 * w + 4] = .infinity          // plane 1, centre
            x.scalars[5 * h * w + h * w - 1] = -.infinity         // plane 5, last sample
            var weight = Tensor<S>.random(shape: axis == .height ? [c, 1, l, 1] : [c, 1, 1, l], seed: 72)
            weight.scalars[1 * l + 2] = 0                         // a zero tap: 0·Inf = NaN
            if badWeights { weight.scalars[2 * l + l - 1] = .infinity }
            let bias = Tensor<S>.random(shape: [c], seed: 73)
            let conv = try CircularConvolution1D(weight: weight, bias: bias, axis: axis)
            let ref = Reference.circular1D(input: x, weight: weight.scalars, bias: bias.scalars, alongHeight: axis == .height)
            let scale = ref.magnitude.filter(\.isFinite).max()!
            for path in ConvolutionPath.allCases {
                let y = try conv(x, path: path, options: .init(threads: 2))
                var nonFinite = 0
                for i in 0..<y.count {
                    let (got, want) = (Double(y.scalars[i]), ref.output[i])
                    if want.isNaN { #expect(got.isNaN, "\(path) \(i): want NaN, got \(got)"); nonFinite += 1 }
                    else if want.isInfinite { #expect(got == want, "\(path) \(i): want \(want), got \(got)"); nonFinite += 1 }
                    else {
                        let tol = path == .direct ? Tolerance.direct(S.self, terms: l, magnitude: ref.magnitude[i])
                                                  : Tolerance.fft(S.self, transformSize: l, scale: scale)
                        #expect(abs(got - want) <= tol, "\(path) \(i): want \(want), got \(got)")
                    }
                }
                #expect(nonFinite > 0 && nonFinite < y.count)
            }
        }
    }
}
