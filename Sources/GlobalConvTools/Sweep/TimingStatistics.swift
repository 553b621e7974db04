import GlobalConv
/// Wall-clock statistics of repeated runs of one piece of work.
package struct TimingStatistics: Sendable, Equatable {
    /// Median of the timed runs in milliseconds (the mean of the two middle runs for an even count).
    package let medianMilliseconds: Double
    /// Fastest timed run in milliseconds.
    package let minimumMilliseconds: Double
    /// Every timed run in milliseconds, in the order run.
    package let samplesMilliseconds: [Double]
    /// The parallel runtime's counters over the timed runs alone (``measure(warmup:repeats:_:)``), or nil.
    package var regions: ParallelRuntime.Statistics?

    /// Statistics of `samples` (milliseconds). - Precondition: at least one sample.
    package init(samplesMilliseconds samples: [Double]) {
        precondition(!samples.isEmpty, "TimingStatistics needs at least one sample")
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        medianMilliseconds = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        minimumMilliseconds = sorted[0]
        samplesMilliseconds = samples
    }

    /// Runs `body` `warmup` times untimed, then `repeats` times each timed with `ContinuousClock`.
    /// - Precondition: `warmup ≥ 0`, `repeats ≥ 1`.
    package static func measure<E: Error>(warmup: Int, repeats: Int, _ body: () throws(E) -> Void) throws(E) -> TimingStatistics {
        precondition(warmup >= 0 && repeats >= 1, "measure: warmup must be ≥ 0 and repeats ≥ 1")
        for _ in 0..<warmup { try body() }
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(repeats)
        let before = ParallelRuntime.statistics
        for _ in 0..<repeats {
            let start = clock.now
            try body()
            samples.append((clock.now - start).milliseconds)
        }
        var stats = TimingStatistics(samplesMilliseconds: samples)
        stats.regions = ParallelRuntime.statistics - before
        return stats
    }
}

extension Duration {
    /// This duration in milliseconds.
    var milliseconds: Double {
        let (s, attos) = components
        return Double(s) * 1e3 + Double(attos) * 1e-15
    }
}

extension TimingStatistics {
    /// The parallel runtime's counters per timed run, as `bench` reports them: regions started, region
    /// bodies run by pool workers (both rounded to 0.1), and the regions' mean wall time in µs (rounded to
    /// 0.01; nil when no region ran).
    package var regionCountersPerRun: (regions: Double, workerJoins: Double, meanRegionMicroseconds: Double?) {
        let r = regions ?? .zero, runs = Double(samplesMilliseconds.count)
        return (NumberFormatting.rounded(Double(r.regions) / runs, 1), NumberFormatting.rounded(Double(r.workerJoins) / runs, 1),
                r.regions == 0 ? nil : NumberFormatting.rounded(Double(r.regionNanoseconds) / Double(r.regions) / 1000, 2))
    }
}
