import Backbones
import Foundation
import GlobalConv

/// What `globalconv bench --model` times: a whole model (a preset, or a family's defaults) with
/// ``RandomStateDict`` weights made from the model's own key layout, on a random `[N, 3, H, W]` input.
/// GFNet and GFNet-H get `img_size` = the size, ParC-ConvNeXt `stages_rs` = the stage map sizes, so any
/// square size runs. `overrides` (`--config`) is a JSON object of the model's own config keys (the
/// official constructor names, as in a fixture's `config`) laid over the preset: `{"depths": [1, 1, 1, 1]}`
/// times van_b0's widths with one block per stage.
package struct ModelBenchConfiguration: Sendable, Equatable {
    package var model: String
    package var size: Size2D
    package var batch: Int
    package var path: ConvolutionPath
    package var precision: Precision
    package var threads: Int
    package var repeats: Int
    package var warmup: Int
    package var seed: UInt64
    package var effort: PlanningEffort
    /// Time the deploy form (``ModelRegistry/merged(_:)``: RepLKNet, SLaK, UniRepLKNet) instead of the
    /// training form the random weights load as.
    package var merged: Bool
    /// Config keys laid over the preset (a JSON object; `{}`: the preset as it is).
    package var overrides: String

    package init(model: String, size: Size2D = Size2D(224), batch: Int = 1, path: ConvolutionPath = .auto, precision: Precision = .float32,
                 threads: Int = ExecutionOptions.defaultThreads, repeats: Int = 5, warmup: Int = 1, seed: UInt64 = 1,
                 effort: PlanningEffort = .estimate, merged: Bool = false, overrides: String = "{}") {
        (self.model, self.size, self.batch, self.path, self.precision) = (model, size, batch, path, precision)
        (self.threads, self.repeats, self.warmup, self.seed, self.effort, self.merged) = (threads, repeats, warmup, seed, effort, merged)
        self.overrides = overrides
    }

    /// The family, preset and config JSON the bench builds: the preset, the keys the size decides, then
    /// `overrides` (whose keys the model's config parser checks when the weights are made).
    /// - Throws: ``ToolError/invalidValue(_:)`` for a non-square size where the size is a config key,
    ///   `overrides` that is not a JSON object, or an override of `preset` or of a key the size decides.
    package func resolved() throws(ToolError) -> (target: ModelCatalog.Target, config: String) {
        let target = try ModelCatalog.resolve(model)
        var members: [String: Any] = [:]
        if let preset = target.preset { members["preset"] = preset }
        switch target.family {
        case "gfnet", "gfnet_h":
            guard size.height == size.width else { throw .invalidValue("\(target.family) needs a square --size (its img_size), got \(size)") }
            members["img_size"] = size.height
        case "parc_convnext":
            guard size.height == size.width else { throw .invalidValue("parc_convnext needs a square --size (its stages_rs), got \(size)") }
            let s0 = size.height / 4
            members["stages_rs"] = [s0, s0 / 2, s0 / 4, s0 / 8]
        default: break
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(overrides.utf8)) as? [String: Any] else {
            throw .invalidValue("--config is not a JSON object of the model's config keys, such as '{\"depths\": [1, 1, 1, 1]}'")
        }
        for key in object.keys.sorted() {
            guard members[key] == nil else {
                throw .invalidValue("--config cannot set \(key): " + (key == "preset" ? "--model names the preset" : "--size decides it"))
            }
            members[key] = object[key]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys]) else {
            throw .invalidValue("--config holds a value that is not JSON")
        }
        return (target, String(decoding: data, as: UTF8.self))
    }

    /// Checks ranges, the model name and the config keys (not the weights: building them is the expensive part).
    package func validate() throws(ToolError) {
        try BenchRanges.check(size: size, batch: batch, threads: threads, repeats: repeats, warmup: warmup)
        let (n, o) = (batch * 3).multipliedReportingOverflow(by: size.height * size.width)
        guard !o, n <= 1 << 28 else { throw .invalidValue("the input N·3·H·W is larger than 2^28 elements") }
        let (target, config) = try resolved()
        do { try ModelRegistry.checkConfig(id: target.family, configJSON: config) } catch {
            throw .invalidValue("bad --config for \(model): \(error.description)")
        }
        if merged { try ModelCatalog.checkMergeable(family: target.family) }
    }
}

/// A whole model's latency. JSON fields: `model` (family id), `preset` (or null), `config`, `path`,
/// `merged` (the deploy form was timed), `size` `[H, W]`, `batch`, `threads`, `dtype`, `parameters` (weights in the state_dict, BN running
/// statistics included), `median_ms`, `min_ms`, and the parallel runtime's counters as in the block
/// bench: `regions_per_run`, `worker_joins_per_run`, `mean_region_us`, `planning_measurements`.
package struct ModelBenchResult: Sendable, Equatable, Codable {
    package var model: String
    package var preset: String?
    package var config: String
    package var path: String
    package var merged: Bool
    package var size: [Int]
    package var batch: Int
    package var threads: Int
    package var dtype: String
    package var parameters: Int
    package var medianMs: Double
    package var minMs: Double
    package var regionsPerRun: Double?
    package var meanRegionMicroseconds: Double?
    package var workerJoinsPerRun: Double?
    package var planningMeasurements: Int?

    enum CodingKeys: String, CodingKey {
        case model, preset, config, path, merged, size, batch, threads, dtype, parameters, medianMs = "median_ms", minMs = "min_ms"
        case regionsPerRun = "regions_per_run", meanRegionMicroseconds = "mean_region_us", workerJoinsPerRun = "worker_joins_per_run"
        case planningMeasurements = "planning_measurements"
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(preset, forKey: .preset)   // null, not absent, for a family's defaults
        try c.encode(config, forKey: .config)
        try c.encode(path, forKey: .path)
        try c.encode(merged, forKey: .merged)
        try c.encode(size, forKey: .size)
        try c.encode(batch, forKey: .batch)
        try c.encode(threads, forKey: .threads)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(medianMs, forKey: .medianMs)
        try c.encode(minMs, forKey: .minMs)
        try c.encodeIfPresent(regionsPerRun, forKey: .regionsPerRun)
        try c.encodeIfPresent(meanRegionMicroseconds, forKey: .meanRegionMicroseconds)
        try c.encodeIfPresent(workerJoinsPerRun, forKey: .workerJoinsPerRun)
        try c.encodeIfPresent(planningMeasurements, forKey: .planningMeasurements)
    }

    /// Renders as `table` or `json`.
    package func rendered(_ format: OutputFormat) throws(ToolError) -> String {
        switch format {
        case .json:
            var r = self
            r.medianMs = NumberFormatting.rounded(medianMs, 4)
            r.minMs = NumberFormatting.rounded(minMs, 4)
            return JSONOutput.encode(r)
        case .table:
            var t = TextTable(header: ["model", "path", "size", "batch", "threads", "dtype", "params", "median_ms", "min_ms"])
            t.append([(preset ?? model) + (merged ? " (merged)" : ""), path, "\(size[0])×\(size[1])", "\(batch)", "\(threads)", dtype, "\(parameters)",
                      NumberFormatting.milliseconds(medianMs), NumberFormatting.milliseconds(minMs)])
            return t.rendered()
        case .csv, .markdown, .junit:
            throw .invalidValue("bench output formats are table, json; not \(format.rawValue)")
        }
    }
}

/// Times one whole model (``ModelBenchConfiguration``): `warmup` untimed runs (plus, for `auto`,
/// ``PlanningStatistics/callsUntilSettled`` more, so no planner measurement is timed), then `repeats` timed runs.
package enum ModelBench {
    package static func run(_ c: ModelBenchConfiguration) throws(ToolError) -> ModelBenchResult {
        try c.validate()
        let (target, config) = try c.resolved()
        let weights = try RandomStateDict.makeModel(id: target.family, configJSON: config, seed: c.seed)
        let measurementsBefore = PlanningStatistics.measurementCount
        let stats: TimingStatistics
        switch c.precision {
        case .float32: stats = try time(c, family: target.family, config: config, weights: weights, as: Float.self)
        case .float64: stats = try time(c, family: target.family, config: config, weights: weights, as: Double.self)
        }
        var r = ModelBenchResult(model: target.family, preset: target.preset, config: config, path: c.path.rawValue, merged: c.merged,
                                 size: [c.size.height, c.size.width], batch: c.batch, threads: c.threads, dtype: c.precision.rawValue,
                                 parameters: weights.values.reduce(0) { $0 + $1.count }, medianMs: stats.medianMilliseconds,
                                 minMs: stats.minimumMilliseconds)
        // The parallel runtime's counters over the timed runs, as for blocks.
        (r.regionsPerRun, r.workerJoinsPerRun, r.meanRegionMicroseconds) = stats.regionCountersPerRun
        r.planningMeasurements = PlanningStatistics.measurementCount - measurementsBefore
        return r
    }

    static func time<S: TensorScalar>(_ c: ModelBenchConfiguration, family: String, config: String,
                                      weights: [String: Tensor<Float>], as _: S.Type) throws(ToolError) -> TimingStatistics {
        let x = Tensor<S>.random(shape: [c.batch, 3, c.size.height, c.size.width], seed: c.seed &+ 1)
        let options = try ExecutionOptions.tool(threads: c.threads, effort: c.effort)
        do throws(BackboneError) {
            var model = try ModelRegistry.make(id: family, configJSON: config, stateDict: weights.mapValues { $0.converted(to: S.self) })
            if c.merged, let deploy = try ModelRegistry.merged(model) { model = deploy }
            // A dense-prediction form (no classifier, no logits) is timed on its output, the stage maps.
            let dense = model.isDensePrediction
            func output(_ path: ConvolutionPath) throws(BackboneError) {
                if dense { _ = try model.features(x, path: path, options: options) } else { _ = try model.forward(x, path: path, options: options) }
            }
            if c.path == .auto { for _ in 0..<PlanningStatistics.callsUntilSettled { try output(.auto) } }
            return try TimingStatistics.measure(warmup: c.warmup, repeats: c.repeats) { () throws(BackboneError) in try output(c.path) }
        } catch {
            throw .failed(error.description)
        }
    }
}
