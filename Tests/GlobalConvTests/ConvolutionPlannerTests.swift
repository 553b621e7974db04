import Testing
@testable import GlobalConv
import TestSupport

@Suite("Convolution planner")
struct ConvolutionPlannerTests {
    @Test("auto returns exactly the output of the path it chose, and remembers the choice")
    func autoMatchesItsChoice() throws {
        let conv = try DepthwiseConvolution2D(weight: .random(shape: [4, 1, 11, 11], seed: 1),
                                              bias: Tensor<Double>.random(shape: [4], seed: 2), padding: Size2D(5))
        let x = Tensor<Double>.random(shape: [1, 4, 23, 17], seed: 3)
        let options = ExecutionOptions(threads: 1)
        let key = ConvolutionPlanner.Key(precision: .float64, inputShape: x.shape, geometry: conv.geometry, threads: 1)
        let first = try conv(x, path: .auto, options: options)
        let chosen = try #require(ConvolutionPlanner.shared.remembered(key))
        #expect(first == (try conv(x, path: chosen, options: options)))
        #expect(try conv(x, path: .auto, options: options) == first)
    }

    @Test("a decisive cost model skips measurement; a close one asks for it")
    func costModelGate() throws {
        let planner = ConvolutionPlanner()
        let key = ConvolutionPlanner.Key(precision: .float32, inputShape: [1, 1, 8, 8],
                                         geometry: try .same(kernel: Size2D(3)), threads: 1)
        #expect(planner.decision(for: key, directCost: 100, fftCost: 1) == .use(.fft))
        #expect(planner.decision(for: key, directCost: 1, fftCost: 100) == .use(.direct))
        #expect(planner.decision(for: key, directCost: 10, fftCost: 9) == .measure)
        planner.record(.direct, for: key)
        #expect(planner.decision(for: key, directCost: 100, fftCost: 1) == .use(.direct))
    }
}
