/// How often this process has measured to plan: the auto path timing both paths
/// (``ConvolutionPlanner/time(_:)``) or the FFT path timing candidate transform sizes
/// (``FFTSizeChoice``). A server that loaded a plan file for its shapes makes none
/// (`globalconv bench` reports the count as `planning_measurements`). Thread-safe.
package enum PlanningStatistics {
    private static let measurements = Locked(0)

    /// Measurements made since the process started.
    package static var measurementCount: Int { measurements.withLock { $0 } }

    static func countMeasurement() { measurements.withLock { $0 += 1 } }
}
