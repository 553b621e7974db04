import Testing
#if canImport(Glibc)
import Glibc
#endif
import GlobalConv
import Verification
@testable import Backbones

/// The whole-model fixtures under `Fixtures/models/` (`<model>-<variant>.<dtype>.safetensors`).
enum ModelFixtureFiles {
    static let directory = FixturesDirectory.file("models")

    static let all: [String] = FixturesDirectory.safetensorsNames(in: "models")

    static func modelID(_ name: String) -> String { String(name.prefix { $0 != "-" && $0 != "." }) }
    static func path(_ name: String) -> String { directory + "/" + name }
}

/// Every model fixture × {direct, fft, auto}: logits and per-stage maps within the model tolerances
/// (Docs/numerics.md §5: 1e-9 of max|reference| in Float64, 1e-4 in Float32).
@Suite("Model fixtures")
struct ModelFixtureTests {
    @Test("Fixtures/models holds a Float32 and a Float64 fixture of every registered model")
    func fixturesArePresent() {
        #expect(!ModelFixtureFiles.all.isEmpty, "no model fixture in \(ModelFixtureFiles.directory)")
        for id in ModelRegistry.ids {
            for dtype in ["float32", "float64"] {
                #expect(ModelFixtureFiles.all.contains { ModelFixtureFiles.modelID($0) == id && $0.hasSuffix(".\(dtype).safetensors") },
                        "no \(dtype) fixture for \(id)")
            }
        }
    }

    @Test("the model reproduces PyTorch's logits and stage maps on every path", arguments: ModelFixtureFiles.all)
    func matchesPyTorch(file: String) throws {
        let f = try SafetensorsFile(atPath: ModelFixtureFiles.path(file))
        if f.metadata["dtype"] == "float32" { try run(ModelFixture<Float>(file: f, source: file)) } else { try run(ModelFixture<Double>(file: f, source: file)) }
    }

    private func run<S: TensorScalar>(_ fixture: ModelFixture<S>) throws {
        #expect(fixture.features.count == (fixture.model == "gfnet" ? 1 : 4))   // GFNet is isotropic: one map
        let model = try ModelRegistry.make(id: fixture.model, configJSON: fixture.config, stateDict: fixture.stateDict)
        for path in ConvolutionPath.allCases {
            let options = ExecutionOptions(threads: 2)
            let check = try fixture.check(model: model, path: path, options: options)
            print("model-fixture-check \(check)")
            #expect(check.passed, "\(check)")
            for stage in try fixture.featureChecks(model: model, path: path, options: options) {
                print("model-fixture-check \(stage)")
                #expect(stage.passed, "\(stage)")
            }
        }
        // The registry's one-call form agrees.
        let viaFile = try ModelRegistry.runFixture(atPath: ModelFixtureFiles.path(fixture.source), using: [.direct])
        #expect(viaFile.count == 1 && viaFile[0].passed)
    }

    /// Batching is the same function per image: code that treats one image specially (UniRepLKNet fuses
    /// its SE gate and GRN into the 1×1 convolutions' input then; the 1×1 kernel splits small maps over
    /// channel blocks) must agree with the batched form to the model tolerance.
    @Test("a batch of two images gives each image's logits as that image alone",
          arguments: ModelFixtureFiles.all.filter { $0.hasSuffix(".float64.safetensors") })
    func batchOfTwo(file: String) throws {
        let fixture = try ModelFixture<Double>(file: SafetensorsFile(atPath: ModelFixtureFiles.path(file)), source: file)
        let model = try ModelRegistry.make(id: fixture.model, configJSON: fixture.config, stateDict: fixture.stateDict)
        let x = fixture.input
        let other = Tensor<Double>(shape: x.shape, scalars: x.scalars.reversed().map { 0.5 * $0 })
        let n = x.shape[0], per = x.count / n
        let batch = Tensor<Double>(shape: [2 * n] + x.shape.dropFirst(), scalars: x.scalars + other.scalars)
        let options = ExecutionOptions(threads: 2)
        for path in ConvolutionPath.allCases {
            let both = try model.forward(batch, path: path, options: options)
            for index in 0..<(2 * n) {
                let image = Tensor<Double>(shape: [1] + x.shape.dropFirst(), scalars: Array(batch.scalars[(index * per)..<((index + 1) * per)]))
                let alone = try model.forward(image, path: path, options: options).scalars
                let row = Array(both.scalars[(index * alone.count)..<((index + 1) * alone.count)])
                let scale = alone.map(abs).max() ?? 0
                let worst = zip(row, alone).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= ModelFixture<Double>.tolerance * scale, "\(file) \(path) image \(index): \(worst) of max \(scale)")
            }
        }
    }

    /// One order-one weight of the stem changed by 1e-3 moves the logits far above the Float64 tolerance.
    @Test("a Float64 model fixture with one stem weight changed by 1e-3 fails its check",
          arguments: ModelFixtureFiles.all.filter { $0.hasSuffix(".float64.safetensors") })
    func perturbedFixtureFails(file: String) throws {
        var fixture = try ModelFixture<Double>(file: SafetensorsFile(atPath: ModelFixtureFiles.path(file)), source: file)
        #expect(try fixture.check(path: .direct).passed)
        let stemWeight = ["van": "patch_embed1.proj.weight", "convnext": "downsample_layers.0.0.weight", "replknet": "stem.0.conv.weight",
                          "slak": "downsample_layers.0.0.weight", "parc_convnext": "downsample_layers.0.0.weight",
                          "moganet": "patch_embed1.projection.0.weight", "gfnet": "patch_embed.proj.weight",
                          "gfnet_h": "patch_embed.0.proj.weight", "unireplknet": "downsample_layers.0.0.weight",
                          "convnextv2": "downsample_layers.0.0.weight"]
        let key = try #require(stemWeight[fixture.model], "no stem weight named for \(fixture.model)")
        fixture.stateDict[key]!.scalars[0] += 1e-3
        let check = try fixture.check(path: .direct)
        print("perturbed \(file) \(key): rel_error \(check.relativeError) (tolerance \(check.tolerance))")
        #expect(!check.passed, "changing \(key)[0] by 1e-3 went unnoticed: \(check)")
    }
}
