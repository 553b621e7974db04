import Testing
import GlobalConv
import Verification
@testable import Backbones

/// Many tasks running blocks at once on shared weights — and so on the engine's shared plan cache,
/// kernel spectrum caches and planner — must give results bit-identical to the single-threaded run.
@Suite("Block concurrency")
struct BlockConcurrencyTests {
    /// A mix of blocks over every kind of spatial mixing: depthwise (direct/FFT), global filter, ParC's
    /// circular 1-D, LKA's dilated chain, RepLK's merged kernels, both precisions.
    static let fixtures = [
        "convnext.block-k13.float32.safetensors", "gfnet.block.float64.safetensors", "moganet.block.float32.safetensors",
        "van.block.float64.safetensors", "replknet.block.float32.safetensors", "parc.convnext_block.float64.safetensors",
        "slak.block.float32.safetensors", "conv2d.depthwise-circular.float64.safetensors",
    ]

    /// A type-erased runner: the block built once and shared by every task, its input, and the
    /// single-threaded outputs per path (compared bit for bit, as Float64 arrays).
    struct Runner: Sendable {
        let name: String
        let run: @Sendable (ConvolutionPath, Int) throws -> [Double]
    }

    static func runner<S: TensorScalar>(_ f: Fixture<S>) throws -> Runner {
        let block = try BlockRegistry.make(id: f.block, configJSON: f.config, stateDict: f.stateDict)
        let input = f.input
        return Runner(name: f.source) { path, threads in
            try block.forward(input, path: path, options: .init(threads: threads)).scalars.map(Double.init)
        }
    }

    static func runners() throws -> [Runner] {
        try fixtures.map { name in
            let file = try SafetensorsFile(atPath: FixtureFiles.path(name))
            return file.metadata["dtype"] == "float32"
                ? try runner(Fixture<Float>(file: file, source: name)) : try runner(Fixture<Double>(file: file, source: name))
        }
    }

    @Test("64 tasks × 8 blocks × {direct, fft} with 1–3 threads each equal the single-threaded run bit for bit")
    func blocks() async throws {
        let runners = try Self.runners()
        let paths: [ConvolutionPath] = [.direct, .fft]
        var expected: [[[Double]]] = []
        for r in runners { expected.append(try paths.map { try r.run($0, 1) }) }
        let table = expected
        try await withThrowingTaskGroup(of: (Int, Int, [Double]).self) { group in
            for t in 0..<64 {
                group.addTask {
                    let (b, p) = (t % runners.count, (t / runners.count) % 2)
                    return (b, p, try runners[b].run(paths[p], 1 + t % 3))
                }
            }
            var seen = 0
            for try await (b, p, y) in group {
                #expect(y == table[b][p], "\(runners[b].name) \(paths[p])")
                seen += 1
            }
            #expect(seen == 64)
        }
    }

    @Test("concurrent first calls of the auto planner each return one path's exact output, then all agree")
    func autoPlanner() async throws {
        // Shapes no other test uses, so the planner has not seen them: the racing tasks measure.
        let shapes = [[1, 6, 23, 29], [2, 6, 19, 31]]
        let conv = try DepthwiseConvolution2D(weight: Tensor<Float>.random(shape: [6, 1, 9, 9], seed: 91),
                                              bias: .random(shape: [6], seed: 92), padding: Size2D(4))
        let inputs = shapes.enumerated().map { Tensor<Float>.random(shape: $0.element, seed: UInt64(93 + $0.offset)) }
        let direct = try inputs.map { try conv($0, path: .direct, options: .init(threads: 1)) }
        let fft = try inputs.map { try conv($0, path: .fft, options: .init(threads: 1)) }
        try await withThrowingTaskGroup(of: (Int, Tensor<Float>).self) { group in
            for t in 0..<32 {
                group.addTask { (t % 2, try conv(inputs[t % 2], path: .auto, options: .init(threads: 1))) }
            }
            for try await (i, y) in group {
                #expect(y == direct[i] || y == fft[i], "auto must return one path's output exactly")
            }
        }
        // Once decided, every call gives the remembered path's output.
        for i in 0..<2 {
            let y = try conv(inputs[i], path: .auto, options: .init(threads: 1))
            #expect(y == direct[i] || y == fft[i])
            #expect(try conv(inputs[i], path: .auto, options: .init(threads: 1)) == y)
        }
    }
}
