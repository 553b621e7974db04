import Testing
import GlobalConv
import Verification

/// GFNet's global filter is a full-plane circular convolution, `irfft2(rfft2(x) ⊙ W)`: one NaN or
/// ±Inf sample legitimately reaches every output of its plane. PyTorch gives NaN on the whole plane
/// for both (measured, Float32 and Float64, Docs/reliability.md); every path must too, and leave the
/// other planes exactly as they are without the bad sample.
@Suite("Non-finite values in the global filter")
struct GlobalFilterNonFiniteTests {
    @Test("a NaN or ±Inf sample makes its whole plane NaN on every path, other planes unchanged",
          arguments: [(Double.nan, 0, 0), (.infinity, 3, 2), (-.infinity, 6, 4)], [(7, 8), (6, 5)])
    func inputs(bad: (Double, Int, Int), map: (Int, Int)) throws {
        for precision in Precision.allCases {
            if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        }
        func check<S: TensorScalar>(_: S.Type) throws {
            let (h, w, c) = (map.0, map.1, 3)
            let filter = try GlobalFilter2D<S>(complexWeight: Tensor<S>.random(shape: [h, w / 2 + 1, c, 2], seed: 51), height: h, width: w)
            let clean = Tensor<S>.random(shape: [2, c, h, w], seed: 52)
            var x = clean
            let badPlane = 4  // image 1, channel 1
            x.scalars[badPlane * h * w + (bad.1 % h) * w + bad.2 % w] = S(bad.0)
            for path in ConvolutionPath.allCases {
                let y = try filter(x, path: path, options: ExecutionOptions(threads: 2))
                let reference = try filter(clean, path: path, options: ExecutionOptions(threads: 2))
                for p in 0..<(2 * c) {
                    let got = y.scalars[(p * h * w)..<((p + 1) * h * w)]
                    if p == badPlane {
                        #expect(got.allSatisfy { $0.isNaN }, "\(path): plane \(p) must be all NaN")
                    } else {
                        #expect(Array(got) == Array(reference.scalars[(p * h * w)..<((p + 1) * h * w)]), "\(path): plane \(p)")
                    }
                }
            }
        }
    }

    @Test("a non-finite filter coefficient makes its channel NaN on every path, other channels finite")
    func weights() throws {
        let (h, w, c) = (6, 6, 3)
        var weight = Tensor<Double>.random(shape: [h, w / 2 + 1, c, 2], seed: 61)
        weight.scalars[((2 * (w / 2 + 1) + 1) * c + 1) * 2] = .infinity  // (u=2, v=1), channel 1, real part
        let filter = try GlobalFilter2D(complexWeight: weight, height: h, width: w)
        let x = Tensor<Double>.random(shape: [2, c, h, w], seed: 62)
        for path in ConvolutionPath.allCases {
            let y = try filter(x, path: path, options: .init(threads: 1))
            for p in 0..<(2 * c) {
                let plane = y.scalars[(p * h * w)..<((p + 1) * h * w)]
                #expect(p % c == 1 ? plane.allSatisfy(\.isNaN) : plane.allSatisfy(\.isFinite), "\(path): plane \(p)")
            }
        }
    }
}
