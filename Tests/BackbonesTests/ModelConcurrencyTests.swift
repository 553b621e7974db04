import Testing
import GlobalConv
import Verification
@testable import Backbones

/// Whole models shared by many tasks — on the engine's shared plan and spectrum caches, the parallel
/// runtime and OpenBLAS — give logits bit-identical to one single-threaded call.
@Suite("Model concurrency")
struct ModelConcurrencyTests {
    static func logits<S: TensorScalar>(_ f: ModelFixture<S>) throws -> @Sendable (ConvolutionPath, Int) throws -> [Double] {
        let model = try ModelRegistry.make(id: f.model, configJSON: f.config, stateDict: f.stateDict)
        let input = f.input
        return { path, threads in try model.forward(input, path: path, options: .init(threads: threads)).scalars.map(Double.init) }
    }

    @Test("16 tasks × {van, replknet, gfnet_h, unireplknet} × {direct, fft} with 1–2 threads equal the single-threaded run bit for bit")
    func concurrentCallsAgree() async throws {
        var runs: [@Sendable (ConvolutionPath, Int) throws -> [Double]] = []
        for name in ["van-odd.float32.safetensors", "replknet-odd-merged.float64.safetensors", "gfnet_h-odd.float32.safetensors",
                     "unireplknet-odd.float64.safetensors"] {
            let file = try SafetensorsFile(atPath: ModelFixtureFiles.path(name))
            runs.append(file.metadata["dtype"] == "float32" ? try Self.logits(ModelFixture<Float>(file: file, source: name))
                                                            : try Self.logits(ModelFixture<Double>(file: file, source: name)))
        }
        let paths: [ConvolutionPath] = [.direct, .fft]
        var expected: [[[Double]]] = []
        for run in runs { expected.append(try paths.map { try run($0, 1) }) }
        let snapshot = expected, models = runs
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<16 {
                group.addTask {
                    let (m, p) = (task % models.count, (task / models.count) % paths.count)
                    return try models[m](paths[p], 1 + task % 2) == snapshot[m][p]
                }
            }
            for try await same in group { #expect(same) }
        }
    }
}
