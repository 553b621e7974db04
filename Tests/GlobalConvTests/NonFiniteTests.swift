import Testing
@testable import GlobalConv
import Verification

/// NaN and ±Inf in inputs and weights: every path must give the direct definition's pattern — a
/// non-finite input sample reaches exactly the outputs whose window reads it (zero-weight taps
/// included, `0·NaN = NaN`), a non-finite weight exactly the outputs where its tap reads the map — and
/// every other output must keep its finite value. Oracle: `Reference.depthwise2D` (Float64, the
/// definition, which propagates NaN and Inf by IEEE arithmetic).
@Suite("Non-finite values")
struct NonFiniteTests {
    struct Case: Sendable, CustomStringConvertible {
        var map: (Int, Int), kernel: (Int, Int), dilation: (Int, Int), padding: (Int, Int), mode: PaddingMode
        var description: String { "\(map) k\(kernel) d\(dilation) p\(padding) \(mode)" }
        var geometry: ConvolutionGeometry2D {
            get throws {
                try ConvolutionGeometry2D(kernel: Size2D(height: kernel.0, width: kernel.1),
                                          dilation: Size2D(height: dilation.0, width: dilation.1),
                                          padding: Size2D(height: padding.0, width: padding.1), paddingMode: mode)
            }
        }
    }

    static let cases: [Case] = [
        Case(map: (9, 11), kernel: (5, 5), dilation: (1, 1), padding: (2, 2), mode: .zeros),
        Case(map: (8, 7), kernel: (4, 6), dilation: (2, 1), padding: (3, 2), mode: .zeros),       // even, dilated
        Case(map: (6, 6), kernel: (13, 13), dilation: (1, 1), padding: (6, 6), mode: .zeros),     // kernel > map
        Case(map: (7, 9), kernel: (3, 3), dilation: (1, 1), padding: (0, 0), mode: .zeros),       // no padding
        Case(map: (7, 8), kernel: (5, 3), dilation: (1, 2), padding: (2, 2), mode: .circular),
        Case(map: (4, 5), kernel: (9, 7), dilation: (1, 1), padding: (4, 3), mode: .circular),    // wraps
    ]

    /// Where the non-finite values go: `(plane, row, column, value)`, rows/columns from the end when negative.
    struct Placement: Sendable, CustomStringConvertible {
        var label: String
        var spots: [(plane: Int, row: Int, column: Int, value: Double)]
        var description: String { label }
    }

    static let placements: [Placement] = [
        Placement(label: "NaN at the top-left corner", spots: [(0, 0, 0, .nan)]),
        Placement(label: "+Inf at the centre", spots: [(1, 3, 3, .infinity)]),
        Placement(label: "−Inf at the bottom-right corner", spots: [(2, -1, -1, -.infinity)]),
        Placement(label: "+Inf and −Inf on one border row, NaN in another plane",
                  spots: [(3, 0, 2, .infinity), (3, 0, -2, -.infinity), (4, -1, 1, .nan)]),
        Placement(label: "every plane of the batch hit", spots: (0..<6).map { ($0, $0 % 3, -1 - $0 % 2, $0 % 2 == 0 ? .nan : .infinity) }),
    ]

    /// Compares `y` with the Float64 definition: identical NaN/±Inf pattern, finite values within the path's bound.
    static func expectMatches<S: TensorScalar>(_ y: Tensor<S>, input: Tensor<S>, weight: Tensor<S>, bias: Tensor<S>?,
                                              conv: DepthwiseConvolution2D<S>, path: ConvolutionPath) throws {
        let ref = Reference.depthwise2D(input: input, weight: weight, bias: bias, geometry: conv.geometry)
        #expect(y.shape == ref.shape)
        let scale = ref.magnitude.filter(\.isFinite).max() ?? 0
        let l = try conv.fftTransformSize(for: Size2D(height: input.shape[2], width: input.shape[3]), effort: .estimate)
        let taps = conv.geometry.kernel.height * conv.geometry.kernel.width
        var nonFinite = 0
        for i in 0..<y.count {
            let (got, want) = (Double(y.scalars[i]), ref.output[i])
            if want.isNaN {
                #expect(got.isNaN, "output \(i): want NaN, got \(got)")
                nonFinite += 1
            } else if want.isInfinite {
                #expect(got == want, "output \(i): want \(want), got \(got)")
                nonFinite += 1
            } else {
                let tol = path == .direct ? Tolerance.direct(S.self, terms: taps, magnitude: ref.magnitude[i])
                                          : Tolerance.fft(S.self, transformSize: l.height * l.width, scale: scale)
                #expect(got.isFinite && abs(got - want) <= tol, "output \(i): want \(want), got \(got) (tol \(tol))")
            }
        }
        #expect(nonFinite > 0, "the case must produce non-finite outputs")
    }

    @Test("a NaN or ±Inf input sample reaches exactly its footprint on every path",
          arguments: cases, placements)
    func inputs(c: Case, placement: Placement) throws {
        for precision in Precision.allCases {
            if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        }
        func check<S: TensorScalar>(_: S.Type) throws {
            var x = Tensor<S>.random(shape: [2, 3, c.map.0, c.map.1], seed: 21)
            let (h, w) = (c.map.0, c.map.1)
            for s in placement.spots {
                let (r, col) = ((s.row % h + h) % h, (s.column % w + w) % w)
                x.scalars[(s.plane * h + r) * w + col] = S(s.value)
            }
            // Zero taps in the kernel: 0·NaN and 0·Inf must still give NaN, as in the definition.
            var weight = Tensor<S>.random(shape: [3, 1, c.kernel.0, c.kernel.1], seed: 22)
            weight.scalars[0] = 0
            weight.scalars[weight.count - 1] = 0
            let bias = Tensor<S>.random(shape: [3], seed: 23)
            let conv = try DepthwiseConvolution2D(weight: weight, bias: bias, geometry: try c.geometry)
            for path in ConvolutionPath.allCases {
                for threads in [1, 3] {
                    let y = try conv(x, path: path, options: .init(threads: threads))
                    try Self.expectMatches(y, input: x, weight: weight, bias: bias, conv: conv, path: path)
                }
            }
        }
    }

    @Test("a NaN or ±Inf weight or bias reaches exactly the outputs where it is read, on every path",
          arguments: cases)
    func weights(c: Case) throws {
        for precision in Precision.allCases {
            if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        }
        func check<S: TensorScalar>(_: S.Type) throws {
            let x = Tensor<S>.random(shape: [2, 4, c.map.0, c.map.1], seed: 31)
            var weight = Tensor<S>.random(shape: [4, 1, c.kernel.0, c.kernel.1], seed: 32)
            let taps = c.kernel.0 * c.kernel.1
            weight.scalars[0 * taps] = .nan                              // channel 0: corner tap
            weight.scalars[1 * taps + taps / 2] = .infinity              // channel 1: centre tap
            weight.scalars[2 * taps + taps - 1] = -.infinity             // channel 2: last tap
            var bias = Tensor<S>.random(shape: [4], seed: 33)
            bias.scalars[3] = .nan                                       // channel 3: the bias
            let conv = try DepthwiseConvolution2D(weight: weight, bias: bias, geometry: try c.geometry)
            #expect(conv.nonFiniteChannels == [0, 1, 2, 3])
            for path in ConvolutionPath.allCases {
                let y = try conv(x, path: path, options: .init(threads: 2))
                try Self.expectMatches(y, input: x, weight: weight, bias: bias, conv: conv, path: path)
            }
        }
    }

    @Test("a finite input whose FFT overflows is computed on the direct path (Float32)")
    func fftOverflow() throws {
        // 3e38 is finite in Float, but the transform's sums of 64 such samples overflow to Inf.
        var x = Tensor<Float>.random(shape: [1, 2, 8, 8], seed: 41)
        for i in 0..<64 { x.scalars[i] = 3e38 }
        let weight = Tensor<Float>(shape: [2, 1, 1, 1], scalars: [0.5, 1])
        let conv = try DepthwiseConvolution2D(weight: weight, bias: nil)
        let y = try conv(x, path: .fft, options: .init(threads: 1))
        #expect(y.scalars[0..<64].allSatisfy { $0 == 1.5e38 })  // plane 0: exact, as the direct path gives
        // Plane 1 (ordinary values) stays on the FFT path, within its bound.
        let ref = Reference.depthwise2D(input: x, weight: weight, bias: nil, geometry: conv.geometry)
        let tol = Tolerance.fft(Float.self, transformSize: 64, scale: ref.magnitude[64...].max()!)
        for i in 64..<128 { #expect(abs(Double(y.scalars[i]) - ref.output[i]) <= tol, "output \(i)") }
    }

    @Test("the finiteness scan agrees with isFinite", arguments: [0, 1, 3, 4, 5, 17])
    func scan(count: Int) {
        for bad in [Float.nan, .infinity, -.infinity, .signalingNaN] {
            for position in 0..<count {
                var v = [Float](repeating: 1, count: count)
                v[position] = bad
                #expect(!NonFinite.allFinite(v))
            }
        }
        #expect(NonFinite.allFinite([Float](repeating: .greatestFiniteMagnitude, count: count)))
        #expect(NonFinite.allFinite([Double](repeating: -.leastNonzeroMagnitude, count: count)))
    }
}

@Suite("Finiteness scan")
struct FinitenessScanTests {
    @Test("allFinite finds a NaN or ±Inf at every position of every length up to 70, and passes extreme finite values",
          arguments: Precision.allCases)
    func everyPosition(precision: Precision) {
        func run<S: TensorScalar>(_: S.Type) {
            for n in 0...70 {
                var v = [S](repeating: 1, count: n)
                for (i, x) in [S.greatestFiniteMagnitude, -S.greatestFiniteMagnitude, S.leastNonzeroMagnitude, -0.0].enumerated() where i < n {
                    v[(i * 7) % n] = x
                }
                #expect(v.withUnsafeBufferPointer { NonFinite.allFinite($0.baseAddress ?? UnsafePointer(bitPattern: 64)!, count: n) })
                for i in 0..<n {
                    for bad in [S.nan, S.infinity, -S.infinity] {
                        var w = v
                        w[i] = bad
                        #expect(!w.withUnsafeBufferPointer { NonFinite.allFinite($0.baseAddress!, count: n) }, "n \(n) at \(i): \(bad)")
                    }
                }
            }
        }
        precision == .float32 ? run(Float.self) : run(Double.self)
    }
}
