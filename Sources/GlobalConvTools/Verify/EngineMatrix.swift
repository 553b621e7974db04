import GlobalConv
import Verification

/// The built-in randomised cases for the engine's depthwise convolution: each runs on the requested
/// paths in Float32 and Float64 with uniform random input, weights and bias in [−1, 1], and is
/// compared with ``DepthwiseReference`` on the same (exactly converted) values, against
/// ``ErrorBounds/depthwise(path:precision:geometry:map:magnitude:)``. The shapes stress the borders:
/// maps smaller than the kernel, odd and rectangular maps and kernels, dilation, even kernels, no
/// padding, circular padding wider than the map, batch 2.
package enum EngineMatrix: PrecisionMatrix {
    /// One engine case.
    package struct Case: Sendable {
        package let name: String
        package let batch: Int
        package let channels: Int
        package let map: Size2D
        package let geometry: ConvolutionGeometry2D
        package let bias: Bool
    }

    /// The engine op name results carry in their `block` field.
    package static let blockName = "engine:depthwise2d"

    static func make(_ name: String, n: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, dh: Int = 1, dw: Int = 1,
                     ph: Int, pw: Int, mode: PaddingMode = .zeros, bias: Bool = true) -> Case {
        // The literals below are valid geometries; a failure here is a programming error.
        let g = try! ConvolutionGeometry2D(kernel: Size2D(height: kh, width: kw), dilation: Size2D(height: dh, width: dw),
                                           padding: Size2D(height: ph, width: pw), paddingMode: mode)
        return Case(name: name, batch: n, channels: c, map: Size2D(height: h, width: w), geometry: g, bias: bias)
    }

    /// The cases, small enough that the whole matrix takes well under a second.
    package static let cases: [Case] = [
        make("k3-8x8-batch2", n: 2, c: 3, h: 8, w: 8, kh: 3, kw: 3, ph: 1, pw: 1),
        make("k7-odd-11x13", n: 1, c: 4, h: 11, w: 13, kh: 7, kw: 7, ph: 3, pw: 3),
        make("k13-map-smaller-9x7", n: 2, c: 2, h: 9, w: 7, kh: 13, kw: 13, ph: 6, pw: 6),
        make("k31x5-rect-20x24", n: 1, c: 3, h: 20, w: 24, kh: 31, kw: 5, ph: 15, pw: 2),
        make("k5-dilation3-16x15", n: 1, c: 2, h: 16, w: 15, kh: 5, kw: 5, dh: 3, dw: 3, ph: 6, pw: 6),
        make("k3x5-dilation2x1-9x11", n: 1, c: 3, h: 9, w: 11, kh: 3, kw: 5, dh: 2, dw: 1, ph: 2, pw: 2),
        make("k4-even-10x10", n: 1, c: 2, h: 10, w: 10, kh: 4, kw: 4, ph: 2, pw: 2),
        make("k5-valid-no-bias-12x12", n: 1, c: 2, h: 12, w: 12, kh: 5, kw: 5, ph: 0, pw: 0, bias: false),
        make("k17-global-16x16", n: 1, c: 2, h: 16, w: 16, kh: 17, kw: 17, ph: 8, pw: 8),
        make("k7-circular-12x10", n: 2, c: 2, h: 12, w: 10, kh: 7, kw: 7, ph: 3, pw: 3, mode: .circular),
        make("k9-circular-wider-than-map-6x5", n: 1, c: 3, h: 6, w: 5, kh: 9, kw: 9, ph: 4, pw: 4, mode: .circular),
    ]

    /// Runs every case on `paths` in both precisions.
    package static func run(paths: [ConvolutionPath], toleranceScale: Double, seed: UInt64, threads: Int) -> [VerifyResult] {
        runCases(paths: paths, toleranceScale: toleranceScale, seed: seed, threads: threads,
                 seedMultiplier: 1_000_003, caseStride: 7919)
    }

    static func run<S: TensorScalar>(_ one: Case, as _: S.Type, paths: [ConvolutionPath], scale: Double, seed: UInt64,
                                     threads: Int) -> [VerifyResult] {
        let g = one.geometry
        let inputShape = [one.batch, one.channels, one.map.height, one.map.width]
        let x = Tensor<S>.random(shape: inputShape, seed: seed)
        let weight = Tensor<S>.random(shape: [one.channels, 1, g.kernel.height, g.kernel.width], seed: seed &+ 1)
        let bias = one.bias ? Tensor<S>.random(shape: [one.channels], seed: seed &+ 2) : nil
        let name = "matrix/\(one.name)"
        let dtype = S.precision.rawValue
        let conv: DepthwiseConvolution2D<S>
        do {
            conv = try DepthwiseConvolution2D(weight: weight, bias: bias, geometry: g)
        } catch {
            return paths.map { VerifyResult.failure(caseName: name, block: blockName, dtype: dtype, inputShape: inputShape,
                                                    path: $0.rawValue, message: error.description) }
        }
        let reference = DepthwiseReference.compute(input: x.converted(to: Double.self), weight: weight.converted(to: Double.self),
                                                   bias: bias?.converted(to: Double.self), geometry: g)
        let maxRef = reference.values.reduce(0) { max($0, abs($1)) }
        let magnitude = reference.magnitudes.max() ?? 0
        return paths.map { path -> VerifyResult in
            do throws(ConvolutionError) {
                let y = try conv(x, path: path, options: ExecutionOptions(threads: threads))
                guard y.shape == reference.shape else {
                    return .failure(caseName: name, block: blockName, dtype: dtype, inputShape: inputShape, path: path.rawValue,
                                    message: "output shape \(y.shape), expected \(reference.shape)")
                }
                let err = Comparison.maxAbsDifference(y.scalars, reference.values)
                let tol = scale * ErrorBounds.depthwise(path: path, precision: S.precision, geometry: g, map: one.map,
                                                        magnitude: magnitude)
                return .compared(caseName: name, block: blockName, dtype: dtype, inputShape: inputShape, path: path.rawValue,
                                 maxAbsError: err, maxReference: maxRef, tolerance: tol)
            } catch {
                return .failure(caseName: name, block: blockName, dtype: dtype, inputShape: inputShape, path: path.rawValue,
                                message: error.description)
            }
        }
    }
}

/// Element-wise comparisons of computed and reference outputs.
enum Comparison {
    /// `max_i |a[i] − b[i]|` in Float64; `.infinity` when any difference is not finite (a NaN output
    /// must fail, and `max` would skip it).
    static func maxAbsDifference<S: TensorScalar>(_ a: [S], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "maxAbsDifference: \(a.count) vs \(b.count) elements")
        var m = 0.0
        for i in a.indices {
            let d = abs(Double(a[i]) - b[i])
            guard d.isFinite else { return .infinity }
            m = max(m, d)
        }
        return m
    }
}
