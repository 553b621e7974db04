import Testing
import GlobalConv
import LargeKernel
import Verification

/// Random weights and inputs for the large-kernel tests, reproducible from seeds.
enum Fixture {
    /// A plausible eval BatchNorm: γ ∈ [0.5, 1.5], β ∈ [−1, 1], mean ∈ [−0.5, 0.5], var ∈ [0.25, 2], eps 1e-5.
    static func bn<S: TensorScalar>(_: S.Type = S.self, channels: Int, seed: UInt64) -> BatchNormParameters<S> {
        try! BatchNormParameters(
            weight: .random(shape: [channels], in: 0.5...1.5, seed: seed),
            bias: .random(shape: [channels], in: -1...1, seed: seed &+ 1),
            runningMean: .random(shape: [channels], in: -0.5...0.5, seed: seed &+ 2),
            runningVar: .random(shape: [channels], in: 0.25...2, seed: seed &+ 3),
            eps: 1e-5)
    }

    /// Depthwise weights `[C,1,kh,kw]` uniform in `[−1, 1]`.
    static func weight<S: TensorScalar>(_: S.Type = S.self, channels: Int, _ kh: Int, _ kw: Int, seed: UInt64) -> Tensor<S> {
        .random(shape: [channels, 1, kh, kw], in: -1...1, seed: seed)
    }
}

/// One branch of a multi-branch block as the oracle sees it: a depthwise conv, then an optional BN.
struct OracleBranch<S: TensorScalar> {
    var weight: Tensor<S>
    var bias: Tensor<S>? = nil
    var dilation = Size2D(1)
    var padding: Size2D
    var bn: BatchNormParameters<S>?
}

/// `Σ_b BN_b(conv_b(x))` computed from the definitions in Float64 (Verification's `Reference.depthwise2D` for
/// each conv, BN by its formula), with the per-output magnitude that bounds rounding errors of any
/// evaluation order: `Σ_b |s_b|·(|b_b| + Σ|w||x|) + |s_b·mean_b| + |β_b|`, `s_b = γ_b/std_b`.
func oracleSum<S: TensorScalar>(_ x: Tensor<S>, _ branches: [OracleBranch<S>])
    -> (output: [Double], magnitude: [Double], shape: [Int]) {
    var out: [Double] = [], mag: [Double] = [], shape: [Int] = []
    for b in branches {
        let g = try! ConvolutionGeometry2D(kernel: Size2D(height: b.weight.shape[2], width: b.weight.shape[3]),
                                           dilation: b.dilation, padding: b.padding)
        let r = Reference.depthwise2D(input: x, weight: b.weight, bias: b.bias, geometry: g)
        if out.isEmpty {
            out = [Double](repeating: 0, count: r.output.count)
            mag = out
            shape = r.shape
        }
        precondition(r.shape == shape, "oracle branches differ in output shape: \(r.shape) vs \(shape)")
        let plane = shape[2] * shape[3], c = shape[1]
        for k in 0..<r.output.count {
            let ch = (k / plane) % c
            if let bn = b.bn {
                let std = (Double(bn.runningVar.scalars[ch]) + Double(bn.eps)).squareRoot()
                let s = Double(bn.weight.scalars[ch]) / std
                let (m, beta) = (Double(bn.runningMean.scalars[ch]), Double(bn.bias.scalars[ch]))
                out[k] += (r.output[k] - m) * s + beta
                mag[k] += abs(s) * r.magnitude[k] + abs(s * m) + abs(beta)
            } else {
                out[k] += r.output[k]
                mag[k] += r.magnitude[k]
            }
        }
    }
    return (out, mag, shape)
}

/// The error bound of one computed result against the exact value, per output, for `path`:
/// the direct bound `γ(terms+1)·magnitude` plus, on the FFT path, `convs` times the FFT bound of one
/// transform of `transformSize` points against the plane's largest magnitude (Docs/numerics.md).
func errorBound<S: TensorScalar>(_: S.Type, path: ConvolutionPath, terms: Int, magnitude: [Double],
                                 transformSize: Int, convs: Int) -> [Double] {
    let fft = path == .direct ? 0
        : Double(convs) * Tolerance.fft(S.self, transformSize: transformSize, scale: magnitude.max() ?? 0)
    return magnitude.map { Tolerance.direct(S.self, terms: terms, magnitude: $0) + fft }
}

/// The largest `|actual − expected| / bound` (≤ 1 passes) and the largest normwise relative difference
/// `max|actual − expected| / max|expected|`.
func worstRatio<S: TensorScalar>(_ actual: Tensor<S>, _ expected: [Double], bound: [Double])
    -> (ratio: Double, relative: Double) {
    precondition(actual.count == expected.count && bound.count == expected.count,
                 "worstRatio: \(actual.count) vs \(expected.count) vs \(bound.count)")
    var worst = 0.0, diff = 0.0
    let scale = expected.map(abs).max() ?? 0
    for k in 0..<expected.count {
        let d = abs(Double(actual.scalars[k]) - expected[k])
        diff = max(diff, d)
        worst = max(worst, d / max(bound[k], .leastNormalMagnitude))
    }
    return (worst, scale > 0 ? diff / scale : diff)
}

/// The paths every forward is checked on.
let bothPaths: [ConvolutionPath] = [.direct, .fft]

/// A suite whose main check is generic over the scalar type: ``check(_:path:)`` runs it in the precision
/// a test argument names.
protocol PrecisionChecked {
    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws
}

extension PrecisionChecked {
    /// `check(Float.self, path:)` for `.float32`, `check(Double.self, path:)` for `.float64`.
    func check(_ precision: Precision, path: ConvolutionPath) throws {
        switch precision {
        case .float32: try check(Float.self, path: path)
        case .float64: try check(Double.self, path: path)
        }
    }
}

/// Expects a re-parameterisable block's unmerged and merged outputs each within `bound` of the oracle,
/// within `2·bound` of each other, and in Float64 within a normwise relative `1e-12` of each other;
/// `label` names the case in failure messages.
func expectMergedMatchesUnmerged<S: TensorScalar>(unmerged: Tensor<S>, merged: Tensor<S>, oracle: [Double],
                                                 bound: [Double], _ label: String,
                                                 sourceLocation: SourceLocation = #_sourceLocation) {
    let u = worstRatio(unmerged, oracle, bound: bound)
    let m = worstRatio(merged, oracle, bound: bound)
    let both = worstRatio(merged, unmerged.scalars.map { Double($0) }, bound: bound.map { 2 * $0 })
    #expect(u.ratio <= 1, "unmerged vs oracle \(u), \(label)", sourceLocation: sourceLocation)
    #expect(m.ratio <= 1, "merged vs oracle \(m), \(label)", sourceLocation: sourceLocation)
    #expect(both.ratio <= 1, "merged vs unmerged \(both), \(label)", sourceLocation: sourceLocation)
    if S.self == Double.self {
        #expect(both.relative <= 1e-12, "\(label): \(both.relative)", sourceLocation: sourceLocation)
    }
}
