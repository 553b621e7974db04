import GlobalConv

/// A matrix of built-in randomised cases, each run in Float32 and then Float64 on the requested paths
/// (``EngineMatrix``, ``CircularMatrix``). Internal; the conforming types keep their package `run`.
protocol PrecisionMatrix {
    associatedtype Case
    /// The cases, in the order they run.
    static var cases: [Case] { get }
    /// One case in precision `S` on `paths`, from inputs and weights drawn with `seed`.
    static func run<S: TensorScalar>(_ one: Case, as _: S.Type, paths: [ConvolutionPath], scale: Double, seed: UInt64,
                                     threads: Int) -> [VerifyResult]
}

extension PrecisionMatrix {
    /// Runs every case on `paths`, Float32 then Float64, case `i` seeded `seed·seedMultiplier + i·caseStride`
    /// (wrapping arithmetic), with tolerances scaled by `toleranceScale`.
    static func runCases(paths: [ConvolutionPath], toleranceScale: Double, seed: UInt64, threads: Int,
                         seedMultiplier: UInt64, caseStride: UInt64) -> [VerifyResult] {
        var results: [VerifyResult] = []
        for (index, one) in cases.enumerated() {
            let caseSeed = seed &* seedMultiplier &+ UInt64(index) &* caseStride
            results += run(one, as: Float.self, paths: paths, scale: toleranceScale, seed: caseSeed, threads: threads)
            results += run(one, as: Double.self, paths: paths, scale: toleranceScale, seed: caseSeed, threads: threads)
        }
        return results
    }
}
