/// How often this process has measured to plan: the auto path timing both paths
/// (``ConvolutionPlanner/time(_:)``) or the FFT path timing candidate transform sizes
/// (``FFTSizeChoice``). A server that loaded a plan file for its shapes makes none
/// (`globalconv bench` reports the count as `planning_measurements`). Thread-safe.
package enum PlanningStatistics {
    private static let measurements = Locked(0)

    /// Measurements made since the process started.
    package static var measurementCount: Int { measurements.withLock { $0 } }

    /// Calls of the same `.auto` problem after which every decision is final: a close one is measured on
    /// up to this many calls (``ConvolutionPlanner/measurementsForCloseCalls``). Benchmarks run this many
    /// untimed calls first, so that no timed run includes a measurement.
    package static var callsUntilSettled: Int { ConvolutionPlanner.measurementsForCloseCalls }

    /// The counter of the innermost ``measurements(during:)`` on this task, if any.
    @TaskLocal private static var scopeCounter: Locked<Int>?

    /// `body`'s result and the measurements made on the calling task while it ran — not those of other
    /// tasks measuring at the same time, which ``measurementCount`` also counts (measurements happen on
    /// the thread that asks for a plan).
    package static func measurements<R, E: Error>(during body: () throws(E) -> R) throws(E) -> (result: R, count: Int) {
        let counter = Locked(0)
        // `withValue` rethrows untyped errors: the outcome crosses it as a Result.
        let outcome = $scopeCounter.withValue(counter) { () -> Result<R, E> in
            do throws(E) { return .success(try body()) } catch { return .failure(error) }
        }
        return (try outcome.get(), counter.withLock { $0 })
    }

    static func countMeasurement() {
        measurements.withLock { $0 += 1 }
        scopeCounter?.withLock { $0 += 1 }
    }
}
