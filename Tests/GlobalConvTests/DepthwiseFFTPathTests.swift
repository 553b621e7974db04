import Testing
@testable import GlobalConv
import Verification

/// Focused checks of the FFT path's offsets; the randomised matrix over all paths lives in
/// DepthwiseConvolutionTests.
@Suite("Depthwise FFT path")
struct DepthwiseFFTPathTests {
    struct Case: Sendable, CustomStringConvertible {
        var map: (Int, Int), kernel: (Int, Int), dilation: (Int, Int), padding: (Int, Int), mode: PaddingMode
        var description: String { "\(map) k\(kernel) d\(dilation) p\(padding) \(mode)" }
    }

    static let cases: [Case] = [
        Case(map: (9, 11), kernel: (3, 3), dilation: (1, 1), padding: (1, 1), mode: .zeros),
        Case(map: (9, 11), kernel: (31, 31), dilation: (1, 1), padding: (15, 15), mode: .zeros),  // kernel > map
        Case(map: (8, 6), kernel: (4, 2), dilation: (1, 1), padding: (1, 0), mode: .zeros),        // even
        Case(map: (12, 7), kernel: (7, 7), dilation: (3, 3), padding: (9, 9), mode: .zeros),       // LKA spatial
        Case(map: (5, 5), kernel: (3, 5), dilation: (2, 1), padding: (7, 0), mode: .zeros),        // excess padding
        Case(map: (1, 9), kernel: (5, 5), dilation: (1, 1), padding: (2, 2), mode: .zeros),        // H = 1
        Case(map: (7, 9), kernel: (5, 5), dilation: (1, 1), padding: (2, 2), mode: .circular),
        Case(map: (4, 5), kernel: (9, 13), dilation: (1, 2), padding: (4, 12), mode: .circular),   // wraps several times
        Case(map: (6, 6), kernel: (3, 3), dilation: (1, 1), padding: (4, 0), mode: .circular),     // output > map
    ]

    @Test("FFT path equals the Float64 definition", arguments: cases, Precision.allCases)
    func matchesReference(c: Case, precision: Precision) throws {
        if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        func check<S: TensorScalar>(_: S.Type) throws {
            let x = Tensor<S>.random(shape: [2, 3, c.map.0, c.map.1], seed: 11)
            let w = Tensor<S>.random(shape: [3, 1, c.kernel.0, c.kernel.1], seed: 12)
            let b = Tensor<S>.random(shape: [3], seed: 13)
            let conv = try DepthwiseConvolution2D(weight: w, bias: b, dilation: Size2D(height: c.dilation.0, width: c.dilation.1),
                                                  padding: Size2D(height: c.padding.0, width: c.padding.1), paddingMode: c.mode)
            let y = try conv(x, path: .fft, options: .init(threads: 2))
            let ref = Reference.depthwise2D(input: x, weight: w, bias: b, geometry: conv.geometry)
            #expect(y.shape == ref.shape)
            let l = try conv.fftTransformSize(for: Size2D(height: c.map.0, width: c.map.1), effort: .estimate)
            let tol = Tolerance.fft(S.self, transformSize: l.height * l.width, scale: ref.magnitude.max()!)
            for i in 0..<y.count {
                #expect(abs(Double(y.scalars[i]) - ref.output[i]) <= tol, "output \(i)")
            }
        }
    }
}
