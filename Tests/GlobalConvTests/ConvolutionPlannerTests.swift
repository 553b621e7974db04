import Foundation
import Testing
@testable import GlobalConv
import Verification

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

    @Test("times each path at least three times, alternating, and keeps each one's minimum")
    func timingRounds() throws {
        var order: [ConvolutionPath] = []
        let best = try ConvolutionPlanner.time { (path) throws(ConvolutionError) in order.append(path) }
        #expect(order.count >= 6)
        #expect(order.count % 2 == 0)
        #expect(order.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0 ? .direct : .fft) })
        #expect(best.direct >= .zero && best.fft >= .zero)
    }

    @Test("a decision within 10 % is measured again on later calls, keeping each path's minimum")
    func closeDecisionsAreRemeasured() throws {
        let planner = ConvolutionPlanner()
        let key = ConvolutionPlanner.Key(precision: .float32, inputShape: [1, 1, 8, 8],
                                         geometry: try .same(kernel: Size2D(3)), threads: 1)
        // 100 µs vs 105 µs: close; FFT ahead.
        #expect(planner.record(direct: .microseconds(105), fft: .microseconds(100), for: key) == .fft)
        #expect(planner.decision(for: key, directCost: 1, fftCost: 1) == .measure)
        // A second, noisier measurement does not erase the first one's minima; direct's new minimum wins.
        #expect(planner.record(direct: .microseconds(98), fft: .microseconds(140), for: key) == .direct)
        #expect(planner.measurement(key) == .init(direct: .microseconds(98), fft: .microseconds(100), count: 2))
        #expect(planner.decision(for: key, directCost: 1, fftCost: 1) == .measure)
        planner.record(direct: .microseconds(99), fft: .microseconds(101), for: key)
        // Three measurements: final even though close.
        #expect(planner.decision(for: key, directCost: 1, fftCost: 1) == .use(.direct))
    }

    @Test("a decision with a clear margin is final after one measurement")
    func clearDecisionsAreFinal() throws {
        let planner = ConvolutionPlanner()
        let key = ConvolutionPlanner.Key(precision: .float64, inputShape: [1, 2, 8, 8],
                                         geometry: try .same(kernel: Size2D(5)), threads: 2)
        planner.record(direct: .microseconds(150), fft: .microseconds(100), for: key)
        #expect(planner.decision(for: key, directCost: 1, fftCost: 1) == .use(.fft))
    }

    @Test("measurements(during:) counts the calling task's measurements, not another thread's made meanwhile")
    func scopedMeasurementCount() {
        let (_, own) = PlanningStatistics.measurements {
            PlanningStatistics.countMeasurement()
            PlanningStatistics.countMeasurement()
        }
        #expect(own == 2)
        let before = PlanningStatistics.measurementCount
        let (_, meanwhile) = PlanningStatistics.measurements {
            let done = DispatchSemaphore(value: 0)
            let other = Thread {
                for _ in 0..<100 { PlanningStatistics.countMeasurement() }
                done.signal()
            }
            other.start()
            done.wait()
        }
        #expect(meanwhile == 0)
        #expect(PlanningStatistics.measurementCount - before >= 100)
    }
}
