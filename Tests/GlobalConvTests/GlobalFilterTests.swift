import Testing
import GlobalConv
import Verification

@Suite("GFNet global filter")
struct GlobalFilterTests {
    @Test("both paths reproduce torch's irfft2(rfft2(x) ⊙ W)",
          arguments: [(5, 8), (6, 7), (4, 4), (1, 6), (7, 1), (2, 2)], Precision.allCases)
    func matchesTorchSemantics(size: (Int, Int), precision: Precision) throws {
        if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        func check<S: TensorScalar>(_: S.Type) throws {
            let (h, w, c) = (size.0, size.1, 3)
            let weight = Tensor<S>.random(shape: [h, w / 2 + 1, c, 2], seed: 21)
            let x = Tensor<S>.random(shape: [2, c, h, w], seed: 22)
            let filter = try GlobalFilter2D(complexWeight: weight, height: h, width: w)
            let expected = GlobalFilterReference.compute(x: x.scalars.map(Double.init), weight: weight.scalars.map(Double.init), c: c, h: h, w: w)
            // |y| ≤ max|W|·‖x_plane‖₁ (every |X[u,v]| ≤ ‖x_plane‖₁, and c2r averages H·W such terms).
            let maxW = stride(from: 0, to: weight.count, by: 2).map {
                Double.hypot(Double(weight.scalars[$0]), Double(weight.scalars[$0 + 1]))
            }.max()!
            let maxL1 = (0..<(2 * c)).map { p in x.scalars[(p * h * w)..<((p + 1) * h * w)].reduce(0.0) { $0 + abs(Double($1)) } }.max()!
            let tol = Tolerance.fft(S.self, transformSize: h * w, scale: maxW * maxL1)
            for path in [ConvolutionPath.fft, .direct, .auto] {
                let y = try filter(x, path: path, options: .init(threads: 2))
                for i in 0..<y.count {
                    #expect(abs(Double(y.scalars[i]) - expected[i]) <= tol, "\(path) output \(i)")
                }
            }
        }
    }

    @Test("a weight or input of the wrong shape is a clear error")
    func badShapes() throws {
        #expect(throws: ConvolutionError.self) {
            try GlobalFilter2D<Float>(complexWeight: .random(shape: [4, 4, 2, 2], seed: 1), height: 4, width: 8)
        }
        let f = try GlobalFilter2D<Float>(complexWeight: .random(shape: [4, 5, 2, 2], seed: 1), height: 4, width: 8)
        #expect(throws: ConvolutionError.self) { try f(.random(shape: [1, 2, 4, 7], seed: 2)) }
    }
}
