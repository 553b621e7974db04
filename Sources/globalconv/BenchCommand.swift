import ArgumentParser
import GlobalConv
import GlobalConvTools

/// `globalconv bench`: latency of one block with random weights on one path.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one block (random weights, random input) on a path.",
        discussion: """
            The block is built by the Backbones registry from --config (FIXTURES.md's keys; the input channels come from "in_channels", "dim" or "channels") with random weights of order one.

            Example: globalconv bench --block van.block --config '{"dim": 64}' --size 56 --path fft
            """
    )

    @Option(help: "Block id, e.g. van.block, replknet.large_kernel, gfnet.block; or parc.pair (ParC's two circular halves alone).")
    var block: String

    @Option(help: "Block config as a JSON object, e.g. '{\"dim\": 64, \"kernel_size\": 21}'.")
    var config = "{}"

    @Option(help: "Input map size: 'N' or 'HxW'.")
    var size = "56"

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

    @Flag(help: "Time even though this is a debug build (the numbers will mislead).")
    var allowDebug = false

    /// The `--format` values this command prints.
    static let formats: [OutputFormat] = [.table, .json]

    func makeConfiguration() throws(ToolError) -> BlockBenchConfiguration {
        guard let p = ConvolutionPath(rawValue: path) else {
            throw .invalidValue("unknown --path '\(path)': allowed are direct, fft, auto")
        }
        let c = BlockBenchConfiguration(block: block, config: config, size: try ValueParsing.size(size), batch: batch, path: p,
                                        precision: try parsePrecision(dtype), threads: try parseThreads(threads),
                                        repeats: repeats, warmup: warmup, effort: try parseEffort(effort))
        try c.validate()
        return c
    }

    func validate() throws {
        _ = try validated { () throws(ToolError) in try makeConfiguration() }
        try validateFormat(format, allowed: Self.formats)
        try refuseDebugTiming(allowDebug: allowDebug, rerun: "swift run -c release globalconv bench …")
    }

    func run() throws {
        try reportingErrors {
            let c = try makeConfiguration()
            let format = try parseFormat(format, allowed: Self.formats)
            if let wisdom { try FFTWisdom.import(fromFile: wisdom) }
            Terminal.progress("bench \(c.block) \(c.path.rawValue)…")
            let result = try BlockBench.run(c)
            Terminal.clearProgress()
            print(try result.rendered(format))
        }
    }
}
