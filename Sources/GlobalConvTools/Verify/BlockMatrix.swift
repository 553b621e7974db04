import Backbones
import GlobalConv
import Verification

/// The built-in randomised block cases: every block id the registry knows, built with a small config
/// and ``RandomStateDict`` weights, run on a random input. The reference is the block's own direct
/// path in Float64; the FFT and auto paths in Float64 and every path in Float32 are compared with it
/// against the block documentation's relative tolerances (1e-10 Float64, 1e-4 Float32, times
/// `max|reference|`). An id without a built-in case is a failed result, so a new block cannot be
/// skipped silently.
package enum BlockMatrix {
    /// One block case: id, config JSON, input shape `[N, C, H, W]`.
    package struct Case: Sendable {
        package let id: String
        package let config: String
        package let inputShape: [Int]
    }

    /// A case for every block id of Docs/blocks.md (small shapes with maps smaller than some kernels, odd and
    /// rectangular maps).
    package static let cases: [Case] = [
        Case(id: "conv2d.depthwise", config: #"{"channels": 4, "kernel_size": [7, 5], "dilation": [1, 2], "padding": [3, 4], "padding_mode": "zeros", "bias": true}"#, inputShape: [2, 4, 9, 11]),
        Case(id: "parc.op", config: #"{"channels": 4, "axis": "H", "kernel_size": 12, "use_pe": true}"#, inputShape: [1, 4, 9, 10]),
        Case(id: "parc.convnext_block", config: #"{"dim": 8, "kernel_size": 10, "use_pe": true}"#, inputShape: [1, 8, 10, 9]),
        Case(id: "convnext.block", config: #"{"dim": 8, "kernel_size": 7}"#, inputShape: [1, 8, 9, 10]),
        Case(id: "van.lka", config: #"{"dim": 8, "kernel_size": 21, "dilation": 3}"#, inputShape: [1, 8, 12, 14]),
        Case(id: "van.block", config: #"{"dim": 8, "mlp_ratio": 2, "kernel_size": 21, "dilation": 3}"#, inputShape: [1, 8, 12, 14]),
        Case(id: "replknet.large_kernel", config: #"{"channels": 4, "kernel_size": 13, "small_kernel": 5, "reparameterized": false}"#, inputShape: [1, 4, 10, 11]),
        Case(id: "replknet.block", config: #"{"in_channels": 8, "dw_channels": 8, "block_lk_size": 13, "small_kernel": 5, "reparameterized": false}"#, inputShape: [1, 8, 10, 11]),
        Case(id: "replknet.convffn", config: #"{"in_channels": 8, "internal_channels": 16, "out_channels": 8}"#, inputShape: [1, 8, 6, 7]),
        Case(id: "slak.large_kernel", config: #"{"channels": 4, "kernel_size": [13, 5]}"#, inputShape: [1, 4, 11, 12]),
        Case(id: "slak.block", config: #"{"dim": 8, "kernel_size": [13, 5]}"#, inputShape: [1, 8, 11, 12]),
        Case(id: "unireplknet.dilated_reparam", config: #"{"channels": 4, "kernel_size": 13, "reparameterized": false}"#, inputShape: [1, 4, 14, 15]),
        Case(id: "moganet.block", config: #"{"dim": 8, "ffn_ratio": 2, "attn_dw_dilation": [1, 2, 3], "attn_channel_split": [1, 3, 4], "attn_force_fp32": false}"#, inputShape: [1, 8, 12, 13]),
        Case(id: "gfnet.block", config: #"{"dim": 8, "h": 8, "w": 5, "mlp_ratio": 2}"#, inputShape: [1, 8, 8, 8]),
    ]

    /// The relative tolerance of the block documentation for `precision`.
    package static func relativeTolerance(_ precision: Precision) -> Double { FixtureCheck.tolerance(for: precision) }

    /// Runs a case for every registered block id on `paths` (see the type's documentation).
    package static func run(paths: [ConvolutionPath], toleranceScale: Double, seed: UInt64, threads: Int) -> [VerifyResult] {
        var results: [VerifyResult] = []
        for (index, id) in BlockRegistry.ids.enumerated() {
            guard let one = cases.first(where: { $0.id == id }) else {
                results += paths.map { .failure(caseName: "matrix/\(id)", block: id, path: $0.rawValue,
                                                message: "no built-in matrix case for block \(id): add one to BlockMatrix.cases") }
                continue
            }
            results += run(one, paths: paths, scale: toleranceScale, seed: seed &+ UInt64(index) &* 104_729, threads: threads)
        }
        return results
    }

    static func run(_ one: Case, paths: [ConvolutionPath], scale: Double, seed: UInt64, threads: Int) -> [VerifyResult] {
        let name = "matrix/\(one.id)"
        func fail(_ dtype: String, _ path: ConvolutionPath, _ message: String) -> VerifyResult {
            .failure(caseName: name, block: one.id, dtype: dtype, inputShape: one.inputShape, path: path.rawValue, message: message)
        }
        let options = ExecutionOptions(threads: threads)
        let weights32: [String: Tensor<Float>]
        do { weights32 = try RandomStateDict.make(id: one.id, configJSON: one.config, seed: seed) } catch {
            return paths.map { fail("", $0, error.description) }
        }
        let weights64 = weights32.mapValues { $0.converted(to: Double.self) }
        let x32 = Tensor<Float>.random(shape: one.inputShape, seed: seed &+ 99)
        let x64 = x32.converted(to: Double.self)
        let block64: any Block<Double>, block32: any Block<Float>, reference: Tensor<Double>
        do {
            block64 = try BlockRegistry.make(id: one.id, configJSON: one.config, stateDict: weights64)
            block32 = try BlockRegistry.make(id: one.id, configJSON: one.config, stateDict: weights32)
            reference = try block64.forward(x64, path: .direct, options: options)
        } catch {
            return paths.map { fail("float64", $0, error.description) }
        }
        let maxRef = reference.scalars.reduce(0) { max($0, abs($1)) }
        func compare<S: TensorScalar>(_ y: Tensor<S>, _ path: ConvolutionPath) -> VerifyResult {
            guard y.shape == reference.shape else {
                return fail(S.precision.rawValue, path, "output shape \(y.shape), the direct Float64 reference has \(reference.shape)")
            }
            return .compared(caseName: name, block: one.id, dtype: S.precision.rawValue, inputShape: one.inputShape,
                             path: path.rawValue, maxAbsError: Comparison.maxAbsDifference(y.scalars, reference.scalars),
                             maxReference: maxRef, tolerance: scale * relativeTolerance(S.precision) * maxRef)
        }
        var results: [VerifyResult] = []
        for path in paths where path != .direct {   // Float64 direct is the reference itself
            do { results.append(compare(try block64.forward(x64, path: path, options: options), path)) } catch {
                results.append(fail("float64", path, error.description))
            }
        }
        for path in paths {
            do { results.append(compare(try block32.forward(x32, path: path, options: options), path)) } catch {
                results.append(fail("float32", path, error.description))
            }
        }
        return results
    }
}
