import Backbones
import Foundation
import GlobalConv

/// What `globalconv bench` times: one block from the registry with ``RandomStateDict`` weights on a
/// random `[N, C, H, W]` input (`C` from the block's input channel key: `in_channels`, `dim` or
/// `channels` depending on the block, ``BlockKeyListing``).
package struct BlockBenchConfiguration: Sendable, Equatable {
    package var block: String
    package var config: String
    package var size: Size2D
    package var batch: Int
    package var path: ConvolutionPath
    package var precision: Precision
    package var threads: Int
    package var repeats: Int
    package var warmup: Int
    package var seed: UInt64
    /// FFTW planning effort of the plans the block's FFT paths create.
    package var effort: PlanningEffort

    package init(block: String, config: String = "{}", size: Size2D = Size2D(56), batch: Int = 1, path: ConvolutionPath = .auto,
                precision: Precision = .float32, threads: Int = ExecutionOptions.defaultThreads, repeats: Int = 5,
                warmup: Int = 1, seed: UInt64 = 1, effort: PlanningEffort = .estimate) {
        self.block = block
        self.config = config
        self.size = size
        self.batch = batch
        self.path = path
        self.precision = precision
        self.threads = threads
        self.repeats = repeats
        self.warmup = warmup
        self.seed = seed
        self.effort = effort
    }

    /// The input channels the config gives under the block's own input channel key
    /// (``BlockRegistry/inputChannels(id:configJSON:)``; `channels` for `parc.pair`).
    package func inputChannels() throws(ToolError) -> Int {
        let object: Any?
        do { object = try JSONSerialization.jsonObject(with: Data(config.utf8)) } catch {
            throw .invalidValue("--config is not valid JSON: expected an object such as '{\"dim\": 64}'")
        }
        guard let dict = object as? [String: Any] else {
            throw .invalidValue("--config must be a JSON object such as '{\"dim\": 64}'")
        }
        if block == ParCPairBench.id {
            guard let n = dict["channels"] as? Int else {
                throw .invalidValue("--config of \(block) must give \"channels\" (e.g. '{\"channels\": 64}')")
            }
            return n
        }
        do { return try BlockRegistry.inputChannels(id: block, configJSON: config) } catch {
            throw .invalidValue("bad --config for \(block): \(error.description). \(Self.keysHint)")
        }
    }

    /// Where a user finds every block's keys.
    static let keysHint = "Every block's keys: globalconv bench --list-blocks; their meaning: Docs/blocks.md"

    /// Checks ranges, that the block id exists and that the config is valid for it.
    package func validate() throws(ToolError) {
        try BenchRanges.check(size: size, batch: batch, threads: threads, repeats: repeats, warmup: warmup)
        guard BlockRegistry.ids.contains(block) || block == ParCPairBench.id else {
            throw .invalidValue("unknown --block '\(block)': allowed are \((BlockRegistry.ids + [ParCPairBench.id]).joined(separator: ", "))")
        }
        let channels = try inputChannels()
        guard channels >= 1 else { throw .invalidValue("the config's channels must be ≥ 1, got \(channels)") }
        let (n, o) = (batch * channels).multipliedReportingOverflow(by: size.height * size.width)
        guard !o, n <= 1 << 28 else { throw .invalidValue("the input N·C·H·W is larger than 2^28 elements") }
        if block == ParCPairBench.id {
            guard channels % 2 == 0 else { throw .invalidValue("\(block) needs an even \"channels\" (two halves), got \(channels)") }
            return
        }
        do { _ = try RandomStateDict.shapes(id: block, configJSON: config) } catch {
            throw .invalidValue("bad --config for \(block): \(error.description). \(Self.keysHint)")
        }
    }
}

/// A block's latency. JSON fields: `block`, `path`, `size` `[H, W]`, `batch`, `threads`, `dtype`,
/// `median_ms`, `min_ms`, `regions_per_run`, `worker_joins_per_run` and `mean_region_us` (the parallel runtime's
/// debug counters over the timed runs: parallel regions one forward starts, bodies pool workers ran, and the
/// regions' mean wall time), `planning_measurements` (times the auto path or the FFT size choice measured
/// during the command — 0 when a plan file already held every decision), and `baseline`
/// (the peers' times beside ours, ``BlockBenchComparison``) when a baseline was given.
package struct BlockBenchResult: Sendable, Equatable, Codable {
    package var block: String
    package var path: String
    package var size: [Int]
    package var batch: Int
    package var threads: Int
    package var dtype: String
    package var medianMs: Double
    package var minMs: Double
    package var regionsPerRun: Double?
    package var meanRegionMicroseconds: Double?
    package var workerJoinsPerRun: Double?
    package var planningMeasurements: Int?
    package var baseline: [BlockBenchComparison]?

    package init(block: String, path: String, size: [Int], batch: Int, threads: Int, dtype: String, medianMs: Double, minMs: Double,
                baseline: [BlockBenchComparison]? = nil) {
        (self.block, self.path, self.size, self.batch, self.threads, self.dtype) = (block, path, size, batch, threads, dtype)
        (self.medianMs, self.minMs, self.baseline) = (medianMs, minMs, baseline)
    }

    enum CodingKeys: String, CodingKey {
        case block, path, size, batch, threads, dtype, medianMs = "median_ms", minMs = "min_ms", baseline
        case regionsPerRun = "regions_per_run", meanRegionMicroseconds = "mean_region_us", workerJoinsPerRun = "worker_joins_per_run"
        case planningMeasurements = "planning_measurements"
    }

    /// Renders as `table` or `json`.
    package func rendered(_ format: OutputFormat) throws(ToolError) -> String {
        switch format {
        case .json:
            var r = self
            r.medianMs = NumberFormatting.rounded(medianMs, 4)
            r.minMs = NumberFormatting.rounded(minMs, 4)
            r.baseline = baseline?.map {
                var c = $0
                (c.medianMs, c.minMs, c.ratio) = (NumberFormatting.rounded(c.medianMs, 4), NumberFormatting.rounded(c.minMs, 4),
                                                  NumberFormatting.rounded(c.ratio, 3))
                return c
            }
            return JSONOutput.encode(r)
        case .table:
            var t = TextTable(header: ["block", "path", "size", "batch", "threads", "dtype", "median_ms", "min_ms"])
            t.append([block, path, "\(size[0])×\(size[1])", "\(batch)", "\(threads)", dtype,
                      NumberFormatting.milliseconds(medianMs), NumberFormatting.milliseconds(minMs)])
            guard let baseline, !baseline.isEmpty else { return t.rendered() }
            var peers = TextTable(header: ["peer", "median_ms", "min_ms", "peer / ours"])
            for c in baseline {
                peers.append([c.runtime, NumberFormatting.milliseconds(c.medianMs), NumberFormatting.milliseconds(c.minMs),
                              String(format: "%.2f×", c.ratio)])
            }
            return t.rendered() + "\n" + peers.rendered()
        case .csv, .markdown, .junit:
            throw .invalidValue("bench output formats are table, json; not \(format.rawValue)")
        }
    }
}

/// Times one block (see ``BlockBenchConfiguration``): `warmup` untimed runs (plus, for `auto`,
/// ``PlanningStatistics/callsUntilSettled`` more, so no planner measurement is timed), then `repeats` runs
/// timed with `ContinuousClock`.
package enum BlockBench {
    package static func run(_ c: BlockBenchConfiguration) throws(ToolError) -> BlockBenchResult {
        try c.validate()
        let stats: TimingStatistics
        let measurementsBefore = PlanningStatistics.measurementCount
        switch c.precision {
        case .float32: stats = try time(c, as: Float.self)
        case .float64: stats = try time(c, as: Double.self)
        }
        var result = BlockBenchResult(block: c.block, path: c.path.rawValue, size: [c.size.height, c.size.width], batch: c.batch,
                                threads: c.threads, dtype: c.precision.rawValue, medianMs: stats.medianMilliseconds,
                                minMs: stats.minimumMilliseconds)
        (result.regionsPerRun, result.workerJoinsPerRun, result.meanRegionMicroseconds) = stats.regionCountersPerRun
        result.planningMeasurements = PlanningStatistics.measurementCount - measurementsBefore
        return result
    }

    static func time<S: TensorScalar>(_ c: BlockBenchConfiguration, as _: S.Type) throws(ToolError) -> TimingStatistics {
        if c.block == ParCPairBench.id { return try ParCPairBench.time(c, as: S.self) }
        let weights = try RandomStateDict.make(id: c.block, configJSON: c.config, seed: c.seed).mapValues { $0.converted(to: S.self) }
        let x = Tensor<S>.random(shape: [c.batch, try c.inputChannels(), c.size.height, c.size.width], seed: c.seed &+ 1)
        let options = try ExecutionOptions.tool(threads: c.threads, effort: c.effort)
        do throws(BackboneError) {
            let block = try BlockRegistry.make(id: c.block, configJSON: c.config, stateDict: weights)
            if c.path == .auto { for _ in 0..<PlanningStatistics.callsUntilSettled { _ = try block.forward(x, path: .auto, options: options) } }
            return try TimingStatistics.measure(warmup: c.warmup, repeats: c.repeats) { () throws(BackboneError) in
                _ = try block.forward(x, path: c.path, options: options)
            }
        } catch {
            throw .failed(error.description)
        }
    }
}
