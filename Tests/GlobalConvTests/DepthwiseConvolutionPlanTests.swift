import Testing
@testable import GlobalConv
import Verification

@Suite("Depthwise convolution plans")
struct DepthwiseConvolutionPlanTests {
    static func conv(_ k: Int, channels: Int = 6, mode: PaddingMode = .zeros) throws -> DepthwiseConvolution2D<Double> {
        try DepthwiseConvolution2D(weight: .random(shape: [channels, 1, k, k], seed: UInt64(k)),
                                   bias: .random(shape: [channels], seed: 77), dilation: Size2D(1),
                                   padding: Size2D(k / 2), paddingMode: mode)
    }

    @Test("a plan's output is bit for bit the convolution's on the path the plan resolved",
          arguments: [ConvolutionPath.direct, .fft, .auto], [PaddingMode.zeros, .circular])
    func sameAsCall(path: ConvolutionPath, mode: PaddingMode) throws {
        let conv = try Self.conv(9, mode: mode)
        let x = Tensor<Double>.random(shape: [2, 6, 19, 23], seed: 5)
        let options = ExecutionOptions(threads: 2)
        let plan = try conv.plan(for: x.shape, path: path, options: options)
        #expect(plan.path != .auto)
        #expect(plan.outputShape == (try conv.outputShape(for: x.shape)))
        #expect((plan.transformSize != nil) == (plan.path == .fft))
        let y = try plan(x)
        #expect(y == (try conv(x, path: plan.path, options: options)))
        // And the definition, within the path's documented bound (Docs/numerics.md).
        let reference = Reference.depthwise2D(input: x, weight: conv.weight, bias: conv.bias, geometry: conv.geometry)
        let scale = reference.magnitude.max() ?? 0
        let bound = plan.transformSize.map { Tolerance.fft(Double.self, transformSize: $0.height * $0.width, scale: scale) }
            ?? Tolerance.direct(Double.self, terms: 81, magnitude: scale)
        #expect(reference.shape == y.shape)
        #expect(zip(y.scalars, reference.output).allSatisfy { abs($0 - $1) <= bound })
    }

    @Test("a plan refuses an input of another shape with an error naming both shapes")
    func wrongShape() throws {
        let plan = try Self.conv(5).plan(for: [1, 6, 16, 16], path: .direct)
        #expect { try plan(Tensor<Double>(zeros: [1, 6, 16, 17])) } throws: {
            ($0 as? ConvolutionError).map { "\($0)".contains("[1, 6, 16, 16]") && "\($0)".contains("[1, 6, 16, 17]") } ?? false
        }
        #expect(throws: ConvolutionError.self) { try Self.conv(5).plan(for: [1, 5, 16, 16]) }  // channels do not fit
    }

    @Test("planning checks the memory budget before anything runs")
    func budget() throws {
        let options = ExecutionOptions(threads: 1, memoryBudget: MemoryBudget(bytes: 1024))
        #expect(throws: ConvolutionError.self) { try Self.conv(31).plan(for: [1, 6, 64, 64], path: .fft, options: options) }
    }

    @Test("one plan run from many tasks at once gives identical outputs")
    func concurrentRuns() async throws {
        let conv = try Self.conv(13)
        let x = Tensor<Double>.random(shape: [1, 6, 30, 30], seed: 9)
        let plan = try conv.plan(for: x.shape, path: .fft, options: ExecutionOptions(threads: 2))
        let expected = try plan(x)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<24 { group.addTask { try plan(x) == expected } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 24 && results.allSatisfy { $0 })
    }

    @Test("with the auto decision loaded from a plan file, making a plan measures nothing")
    func planFromFileMeasuresNothing() throws {
        let conv = try Self.conv(11, channels: 3)
        let shape = [1, 3, 21, 27]
        let key = conv.plannerKey(inputShape: shape, threads: 3)
        let text = "globalconv-wisdom 2\n0\n0\n"
        let decisions = "machine \(MachineIdentity.cpu)\nlibrary \(MachineIdentity.library)\n"
            + "path depthwise float64 1,3,21,27 11x11 1x1 5x5 zeros 3 900 100 1\n"
        try FFTWisdom.importText(text + "\(decisions.utf8.count)\n" + decisions)
        let loaded = try #require(ConvolutionPlanner.shared.measurement(key))
        #expect(loaded.winner == .fft)
        let plan = try conv.plan(for: shape, options: ExecutionOptions(threads: 3))
        #expect(plan.path == .fft)
        // Had the plan measured the paths, the record would hold two measurements and new minima.
        #expect(ConvolutionPlanner.shared.measurement(key) == loaded)
    }
}
