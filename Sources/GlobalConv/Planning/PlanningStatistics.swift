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

    static func countMeasurement() { measurements.withLock { $0 += 1 } }
}
