import GlobalConv
@testable import GlobalConvTools
import Testing

@Suite("sweep warm-up")
struct SweepWarmupTests {
    @Test("every path gets the same warm-up count; auto's planning runs come first and are not counted as warm-up")
    func perPath() {
        for planning in [false, true] {
            var bodyCalls = 0, planningCalls = 0
            let stats = SweepRunner.timePath(
                warmup: 3, repeats: 5,
                planningRun: planning ? { planningCalls += 1; return planningCalls < 2 } : nil,   // measures once, then settles
                body: { bodyCalls += 1 })
            #expect(bodyCalls == 3 + 5, "planning \(planning)")
            #expect(stats.samplesMilliseconds.count == 5)
            #expect(planningCalls == (planning ? 2 : 0))
        }
    }

    @Test("the planning runs stop after maximumPlanningRuns even if the planner keeps measuring")
    func planningBounded() {
        var planningCalls = 0, bodyCalls = 0
        _ = SweepRunner.timePath(warmup: 0, repeats: 1, planningRun: { planningCalls += 1; return true }, body: { bodyCalls += 1 })
        #expect(planningCalls == SweepRunner.maximumPlanningRuns && bodyCalls == 1)
    }

    @Test("the default warm-up is 5 runs per path")
    func defaults() {
        #expect(SweepConfiguration().warmup == 5)
    }

    @Test("a planning run reports whether the planner measured during it")
    func planningRunReportsMeasurements() throws {
        let conv = try SweepRunner.denseConvolution(kernel: 9, channels: 3, seed: 5, as: Double.self)
        let x = Tensor<Double>.random(shape: [1, 3, 13, 11], seed: 2)
        let options = ExecutionOptions(threads: 1)
        let run = SweepRunner.planning { () throws(ConvolutionError) in _ = try conv(x, path: .direct, options: options) }
        #expect(try run() == false)   // the direct path never plans
    }
}
