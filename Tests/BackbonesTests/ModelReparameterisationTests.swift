import Testing
import GlobalConv
import Verification
import LargeKernel
@testable import Backbones

/// Re-parameterising a loaded training-form model for deployment: the merged model is the same
/// function to rounding, and it reproduces PyTorch's logits within the model tolerance.
@Suite("Model re-parameterisation")
struct ModelReparameterisationTests {
    static func fixture(_ name: String) throws -> ModelFixture<Double> {
        try ModelFixture<Double>(file: try SafetensorsFile(atPath: ModelFixtureFiles.path(name)), source: name)
    }

    /// max|a − b| / max|b|.
    static func relative(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
        let scale = b.scalars.map(abs).max() ?? 1
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max()! / scale
    }

    @Test("the families with a deploy form are RepLKNet, SLaK and UniRepLKNet, read from the MergeableModel conformances")
    func mergeableFamilies() {
        #expect(ModelRegistry.mergeableIDs == ["replknet", "slak", "unireplknet"])
    }

    @Test("RepLKNet: merged equals the training form to rounding and PyTorch's merged model within tolerance",
          arguments: [ConvolutionPath.direct, .fft])
    func replknet(path: ConvolutionPath) throws {
        let f = try Self.fixture("replknet-odd.float64.safetensors")
        let model = try RepLKNetModel<Double>(configJSON: f.config, stateDict: f.stateDict)
        let merged = model.merged()
        #expect(merged.config.smallKernelMerged && !model.config.smallKernelMerged)
        let options = ExecutionOptions(threads: 2)
        let (a, b) = (try model.forward(f.input, path: path, options: options), try merged.forward(f.input, path: path, options: options))
        // The merge is exact algebra; only the rounding of the merged taps and the order of additions
        // change, within the model tolerance of Docs/numerics.md §5 (1e-9 relative in Float64).
        #expect(Self.relative(b, a) <= ModelFixture<Double>.tolerance)
        #expect(Self.relative(b, f.output) <= ModelFixture<Double>.tolerance)
        // The reference's own merge of the same weights, as a fixture: our merge gives its logits too.
        let m = try Self.fixture("replknet-odd-merged.float64.safetensors")
        #expect(Self.relative(b, m.output) <= ModelFixture<Double>.tolerance)
    }

    @Test("RepLKNet's BN-fused key sets (the official deep_fuse_BN, with and without the merge) are the training model's function; the unmerged one merges to the merged one",
          arguments: [ConvolutionPath.direct, .fft])
    func replknetBatchNormFused(path: ConvolutionPath) throws {
        let training = try Self.fixture("replknet-odd.float64.safetensors")
        let fusedMerged = try Self.fixture("replknet-odd-fused.float64.safetensors")
        let fusedUnmerged = try Self.fixture("replknet-odd-fused-unmerged.float64.safetensors")
        #expect(fusedMerged.input == training.input && fusedUnmerged.input == training.input)
        #expect(!fusedMerged.stateDict.keys.contains { $0.contains(".bn.") } && !fusedUnmerged.stateDict.keys.contains { $0.contains(".bn.") })
        let options = ExecutionOptions(threads: 2)
        let unmerged = try RepLKNetModel<Double>(configJSON: fusedUnmerged.config, stateDict: fusedUnmerged.stateDict)
        guard case .unmergedFused = unmerged.stages[1][0].0.largeKernel.form else {
            Issue.record("the BN-fused unmerged large kernel must load as its own form"); return
        }
        let merged = unmerged.merged()
        guard case .merged = merged.stages[1][0].0.largeKernel.form else { Issue.record("merged() must merge the biased branches"); return }
        let (a, b) = (try unmerged.forward(training.input, path: path, options: options), try merged.forward(training.input, path: path, options: options))
        // Each against PyTorch's BN-fused models and the training model (1e-9 relative: Docs/numerics.md §5).
        #expect(Self.relative(a, fusedUnmerged.output) <= ModelFixture<Double>.tolerance)
        #expect(Self.relative(b, fusedMerged.output) <= ModelFixture<Double>.tolerance)
        #expect(Self.relative(b, training.output) <= ModelFixture<Double>.tolerance)
    }

    @Test("SLaK: every block's branches merged into one kernel give the same logits to rounding — the released decomposed form, the undecomposed (falsy Decom) and the BatchNorm-less (bn false) one",
          arguments: ["slak-odd", "slak-undecomposed", "slak-nobn"], [ConvolutionPath.direct, .fft])
    func slak(name: String, path: ConvolutionPath) throws {
        let f = try Self.fixture("\(name).float64.safetensors")
        let model = try SLaKModel<Double>(configJSON: f.config, stateDict: f.stateDict)
        let options = ExecutionOptions(threads: 2)
        let merged = model.merged()
        // Every block runs one merged kernel now (a structural check: equal outputs are possible in principle).
        let forms = merged.trunk.stages.flatMap { $0 }.compactMap { (block) -> SLaKLargeKernelConv<Double>.Form? in
            if case .slak(let b) = block { return b.largeKernel.form }
            return nil
        }
        #expect(!forms.isEmpty && forms.allSatisfy { if case .merged = $0 { true } else { false } })
        let a = try model.forward(f.input, path: path, options: options)
        let b = try merged.forward(f.input, path: path, options: options)
        #expect(Self.relative(b, a) <= ModelFixture<Double>.tolerance)
        #expect(Self.relative(b, f.output) <= ModelFixture<Double>.tolerance)
    }

    @Test("UniRepLKNet: the deploy form made from the training weights equals the training form and the reference's deploy model",
          arguments: ["unireplknet-odd", "unireplknet-k0"], [ConvolutionPath.direct, .fft])
    func unireplknet(name: String, path: ConvolutionPath) throws {
        // unireplknet-k0: blocks of kernel size 0 (no mixer, no norm) beside 5×5 and dilated 7×7 ones.
        let f = try Self.fixture("\(name).float64.safetensors")
        let model = try UniRepLKNetModel<Double>(configJSON: f.config, stateDict: f.stateDict)
        let merged = try model.merged()
        #expect(merged.config.deploy && !model.config.deploy)
        let options = ExecutionOptions(threads: 2)
        let a = try model.forward(f.input, path: path, options: options)
        let b = try merged.forward(f.input, path: path, options: options)
        #expect(a != b, "the merged model must really run other weights")
        #expect(Self.relative(b, a) <= ModelFixture<Double>.tolerance)
        #expect(Self.relative(b, f.output) <= ModelFixture<Double>.tolerance)
        let deploy = try Self.fixture("\(name)-deploy.float64.safetensors")
        #expect(deploy.input == f.input)
        #expect(Self.relative(b, deploy.output) <= ModelFixture<Double>.tolerance)
        // Merging twice changes nothing.
        #expect(try merged.merged().forward(f.input, path: path, options: options) == b)
    }

    @Test("a merged/deploy key set loaded as the training form (and the reverse) is one error naming the flag")
    func wrongKeySet() throws {
        let merged = try Self.fixture("replknet-odd-merged.float64.safetensors")
        let training = try Self.fixture("replknet-odd.float64.safetensors")
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        let a = message { _ = try RepLKNetModel<Double>(configJSON: training.config, stateDict: merged.stateDict) }
        #expect(a.contains("small_kernel_merged") && a.contains("true"), "\(a)")
        let b = message { _ = try RepLKNetModel<Double>(configJSON: merged.config, stateDict: training.stateDict) }
        #expect(b.contains("small_kernel_merged") && b.contains("merged()"), "\(b)")
        let deploy = try Self.fixture("unireplknet-odd-deploy.float64.safetensors")
        let train = try Self.fixture("unireplknet-odd.float64.safetensors")
        let c = message { _ = try UniRepLKNetModel<Double>(configJSON: train.config, stateDict: deploy.stateDict) }
        #expect(c.contains("\"deploy\": true"), "\(c)")
    }
}
