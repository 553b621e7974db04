import ArgumentParser
import GlobalConv
import GlobalConvTools

/// `globalconv bench`: latency of one block, or one whole model (`--model`), with random weights on one path.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one block or one whole model (random weights, random input) on a path.",
        discussion: """
            The block is built by the Backbones registry from --config (a JSON object with the block's keys) with random weights of order one. \(BlockKeyListing.helpText())

            Examples:
              globalconv bench --block van.block --config '{"dim": 64}' --size 56 --path fft
              globalconv bench --block replknet.block --config '{"in_channels": 64, "dw_channels": 64, "block_lk_size": 31, "small_kernel": 5}'
              globalconv bench --list-blocks

            With --model (a preset such as convnext_tiny or van_b0, or a family id for its defaults) the whole model is timed instead, with random weights made from the model's own key layout; --size defaults to 224 (GFNet and GFNet-H take it as img_size, ParC-ConvNeXt as its stage sizes); --config lays the model's own config keys over the preset, e.g. --model van_b0 --config '{"depths": [1, 1, 1, 1]}'.

            With --baseline FILE (JSON lines as Fixtures/block_bench.py prints them: block, runtime, size, batch, threads, median_ms, min_ms), each peer row for the same block, size, batch and threads is printed beside ours with the ratio peer median / our median. Fixtures/block_compare.py runs both sides interleaved.
            """
    )

    @Option(help: "Block id, e.g. van.block, replknet.large_kernel, gfnet.block; or parc.pair (ParC's two circular halves alone). Required unless --model or --list-blocks.")
    var block: String?

    @Option(help: "Whole model instead of a block: a preset (convnext_tiny, van_b0, SLaK_tiny, gfnet-ti, …) or a family id.")
    var model: String?

    @Option(help: "Block config as a JSON object with the block's keys (see --list-blocks), e.g. '{\"dim\": 64, \"kernel_size\": 21}' for van.block; with --model, config keys (the official constructor names) laid over the preset, e.g. '{\"depths\": [1, 1, 1, 1]}'.")
    var config = "{}"

    @Flag(help: "List every block id with its input channel key, required keys and optional keys (with defaults), and exit.")
    var listBlocks = false

    @Option(help: "Input map size: 'N' or 'HxW' (default 56 for a block, 224 for a model).")
    var size: String?

    @Option(help: "Batch N (1...4096).")
    var batch = 1

    @Option(help: "Path: direct, fft or auto.")
    var path = "auto"

    @Option(help: "Precision: float32 or float64.")
    var dtype = "float32"

    @Option(help: "Worker threads (default: every core).")
    var threads: Int?

    @Option(help: "Timed runs (1...10000).")
    var repeats = 5

    @Option(help: "Untimed runs before the timed ones (0...10000).")
    var warmup = 1

    @Option(help: "Output format: table or json.")
    var format = "table"

    @Option(help: "FFTW planning effort of the FFT plans: estimate, measure or patient.")
    var effort = "estimate"

    @Option(help: "FFTW wisdom file to import first.")
    var wisdom: String?

    @Option(help: "Peer timings (JSON lines from Fixtures/block_bench.py) to print beside ours, with ratios.")
    var baseline: String?

    @Flag(help: "With --model: time the re-parameterised deploy form (RepLKNet, SLaK, UniRepLKNet: every branch and BatchNorm merged).")
    var merged = false

    @Flag(help: "Time even though this is a debug build (the numbers will mislead).")
    var allowDebug = false

    /// The `--format` values this command prints.
    static let formats: [OutputFormat] = [.table, .json]

    func parsedPath() throws(ToolError) -> ConvolutionPath {
        guard let p = ConvolutionPath(rawValue: path) else {
            throw .invalidValue("unknown --path '\(path)': allowed are direct, fft, auto")
        }
        return p
    }

    func makeModelConfiguration() throws(ToolError) -> ModelBenchConfiguration? {
        guard let model else { return nil }
        guard block == nil else { throw .invalidValue("give either --block or --model, not both") }
        guard baseline == nil else { throw .invalidValue("--baseline is for --block; Fixtures/model_compare.py compares whole models") }
        let c = ModelBenchConfiguration(model: model, size: try ValueParsing.size(size ?? "224"), batch: batch, path: try parsedPath(),
                                        precision: try parsePrecision(dtype), threads: try parseThreads(threads),
                                        repeats: repeats, warmup: warmup, effort: try parseEffort(effort), merged: merged,
                                        overrides: config)
        try c.validate()
        return c
    }

    func makeConfiguration() throws(ToolError) -> BlockBenchConfiguration {
        guard let block else {
            throw .invalidValue("give --block (a block id; --list-blocks shows every id and its keys) or --model (a preset or model family)")
        }
        guard !merged else { throw .invalidValue("--merged is for --model; a block's merged form is a config key (see --list-blocks)") }
        let p = try parsedPath()
        let c = BlockBenchConfiguration(block: block, config: config, size: try ValueParsing.size(size ?? "56"), batch: batch, path: p,
                                        precision: try parsePrecision(dtype), threads: try parseThreads(threads),
                                        repeats: repeats, warmup: warmup, effort: try parseEffort(effort))
        try c.validate()
        return c
    }

    func validate() throws {
        if listBlocks { return }
        if try validated({ () throws(ToolError) in try makeModelConfiguration() }) == nil {
            _ = try validated { () throws(ToolError) in try makeConfiguration() }
        }
        try validateFormat(format, allowed: Self.formats)
        try refuseDebugTiming(allowDebug: allowDebug, rerun: "swift run -c release globalconv bench …")
    }

    func run() throws {
        if listBlocks {
            print(BlockKeyListing.table())
            return
        }
        try reportingErrors {
            let format = try parseFormat(format, allowed: Self.formats)
            if let wisdom { try importPlanFile(wisdom) }
            if let m = try makeModelConfiguration() {
                Terminal.progress("bench \(m.model) \(m.path.rawValue)…")
                let result = try ModelBench.run(m)
                Terminal.clearProgress()
                print(try result.rendered(format))
                return
            }
            let c = try makeConfiguration()
            let peers = try baseline.map { (path) throws(ToolError) in try BlockBaselineRow.load(path: path) }
            Terminal.progress("bench \(c.block) \(c.path.rawValue)…")
            var result = try BlockBench.run(c)
            Terminal.clearProgress()
            if let peers, let path = baseline {
                result.baseline = BlockBenchComparison.compare(peers, with: result)
                if result.baseline!.isEmpty {
                    Terminal.error("globalconv: note: \(path) has no row for \(c.block) at \(c.size.height)×\(c.size.width), batch \(c.batch), \(c.threads) threads\n")
                }
            }
            print(try result.rendered(format))
        }
    }
}
