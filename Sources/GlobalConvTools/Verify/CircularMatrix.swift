import GlobalConv
import Verification

/// The built-in randomised cases for the engine's `CircularConvolution1D` (ParC's core), compared with
/// ``CircularReference`` against `γ(L+1)·M` (direct) and `4u(⌊log₂L⌋+1)·M` (FFT, one length-L transform).
package enum CircularMatrix: PrecisionMatrix {
    package struct Case: Sendable {
        package let name: String
        package let shape: [Int]
        package let axis: ConvolutionAxis
    }

    package static let blockName = "engine:circular1d"

    package static let cases: [Case] = [
        Case(name: "circular1d-H-L9-batch2", shape: [2, 3, 9, 5], axis: .height),
        Case(name: "circular1d-W-L12-even", shape: [1, 4, 7, 12], axis: .width),
        Case(name: "circular1d-H-L1", shape: [1, 2, 1, 6], axis: .height),
        Case(name: "circular1d-W-L31", shape: [1, 2, 3, 31], axis: .width),
    ]

    package static func run(paths: [ConvolutionPath], toleranceScale: Double, seed: UInt64, threads: Int) -> [VerifyResult] {
        runCases(paths: paths, toleranceScale: toleranceScale, seed: seed, threads: threads,
                 seedMultiplier: 2_000_029, caseStride: 6151)
    }

    static func run<S: TensorScalar>(_ one: Case, as _: S.Type, paths: [ConvolutionPath], scale: Double, seed: UInt64,
                                     threads: Int) -> [VerifyResult] {
        let length = one.axis == .height ? one.shape[2] : one.shape[3]
        let c = one.shape[1]
        let x = Tensor<S>.random(shape: one.shape, seed: seed)
        let weight = Tensor<S>.random(shape: one.axis == .height ? [c, 1, length, 1] : [c, 1, 1, length], seed: seed &+ 1)
        let bias = Tensor<S>.random(shape: [c], seed: seed &+ 2)
        let name = "matrix/\(one.name)"
        let dtype = S.precision.rawValue
        let reference = CircularReference.compute(input: x.converted(to: Double.self), weight: weight.converted(to: Double.self),
                                                  bias: bias.converted(to: Double.self), axis: one.axis)
        let maxRef = reference.values.reduce(0) { max($0, abs($1)) }
        let magnitude = reference.magnitudes.max() ?? 0
        let direct = ErrorBounds.direct(precision: S.precision, taps: length, magnitude: magnitude)
        let fft = ErrorBounds.fft(precision: S.precision, transformPoints: length, magnitude: magnitude)
        return paths.map { path -> VerifyResult in
            do throws(ConvolutionError) {
                let conv = try CircularConvolution1D(weight: weight, bias: bias, axis: one.axis)
                let y = try conv(x, path: path, options: ExecutionOptions(threads: threads))
                let tol = scale * (path == .direct ? direct : path == .fft ? fft : max(direct, fft))
                return .compared(caseName: name, block: blockName, dtype: dtype, inputShape: one.shape, path: path.rawValue,
                                 maxAbsError: Comparison.maxAbsDifference(y.scalars, reference.values),
                                 maxReference: maxRef, tolerance: tol)
            } catch {
                return .failure(caseName: name, block: blockName, dtype: dtype, inputShape: one.shape, path: path.rawValue,
                                message: error.description)
            }
        }
    }
}
