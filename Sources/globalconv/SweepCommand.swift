import ArgumentParser
import GlobalConv
import GlobalConvTools

/// `globalconv sweep`: times dense depthwise K×K on each path over a range of K and finds the crossover.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Time depthwise K×K convolution per kernel size and path; find where FFT overtakes direct.",
        discussion: """
            For each K: nn.Conv2d(C, C, K, padding=K/2, groups=C) on a random N×C×H×W input, warm-up runs, then --repeats timed runs (median and min ms), dense-equivalent GFLOP/s (the dense definition's 2·N·C·H·W·K² FLOPs over the median, on every path), and the parameter count. The crossover is the smallest K from which FFT stays faster than direct. Only the result goes to stdout; progress goes to stderr on a terminal.
            """
    )

    @Option(help: "Kernel sizes: a list '3,5,7' or a range 'first...last:step' such as '3...63:2'.")
    var kernels = "3,5,7,9,13,17,21,27,31,41,51,63"

    @Option(help: "Input map size: 'N' (N×N) or 'HxW' such as '56x40'.")
    var size = "56"

    @Option(help: "Channels C (1...65536).")
    var channels = 128

    @Option(help: "Batch N (1...4096).")
    var batch = 1

    @Option(help: "Precision: float32 or float64.")
    var dtype = "float32"

    @Option(help: "Worker threads per call (default: every core).")
    var threads: Int?

    @Option(help: "Timed runs per kernel size and path (1...10000).")
    var repeats = 9

    @Option(help: "Untimed runs before the timed ones, the same for every path (0...10000); auto's planning runs come before and are not counted.")
    var warmup = 5

    @Option(help: "Comma-separated paths from direct, fft, lka, auto, fftw (the FFT path's bare transforms; default: direct, fft, lka, auto).")
    var paths: String?

    @Option(help: "FFTW planning effort: estimate, measure or patient.")
    var effort = "estimate"

    @Option(help: "Output format: table, csv, json or markdown.")
    var format = "table"

    @Option(help: "JSON-lines file of peer timings (peer_baseline.py's output) to show beside ours.")
    var baseline: String?

    @Option(help: "Also write an SVG chart of time vs K to this file.")
    var plot: String?

    @Option(help: "FFTW wisdom file to import before timing.")
    var wisdom: String?

    @Option(help: "Seed of the random input and weights.")
    var seed: UInt64 = 1

    @Flag(help: "Time even though this is a debug build (the numbers will mislead).")
    var allowDebug = false

    /// The `--format` values this command prints.
    static let formats: [OutputFormat] = [.table, .csv, .json, .markdown]

    func makeConfiguration() throws(ToolError) -> SweepConfiguration {
        let config = SweepConfiguration(
            kernels: try ValueParsing.kernels(kernels), size: try ValueParsing.size(size), channels: channels,
            batch: batch, precision: try parsePrecision(dtype), threads: try parseThreads(threads), repeats: repeats,
            warmup: warmup, paths: try paths.map { (p) throws(ToolError) in try ValueParsing.list(p, of: SweepPath.self, what: "path") }
                ?? SweepConfiguration.defaultPaths,
            effort: try parseEffort(effort), seed: seed)
        try config.validate()
        return config
    }

    func validate() throws {
        _ = try validated { () throws(ToolError) in try makeConfiguration() }
        try validateFormat(format, allowed: Self.formats)
        if let plot, !plot.lowercased().hasSuffix(".svg") {
            throw ValidationError("--plot writes SVG: give a file name ending in .svg, got '\(plot)'")
        }
        // An unwritable chart is refused before timing, not after.
        if let plot { _ = try validated { () throws(ToolError) in try FileAccess.checkWritable(path: plot, what: "--plot file") } }
        try refuseDebugTiming(allowDebug: allowDebug, rerun: "swift run -c release globalconv sweep")
    }

    func run() throws {
        try reportingErrors {
            let config = try makeConfiguration()
            let format = try parseFormat(format, allowed: Self.formats)
            let baselineRows = try baseline.map { (path) throws(ToolError) in try BaselineRow.load(path: path) } ?? []
            if let wisdom { try importPlanFile(wisdom) }
            let result = try SweepRunner.run(config) { p in
                Terminal.progress("sweep [\(p.index + 1)/\(p.total)] K=\(p.kernel) \(p.path.rawValue)…")
            }
            Terminal.clearProgress()
            let report = SweepReport(result: result, configuration: config, baseline: baselineRows)
            if let plot { try writeFile(SweepPlot(report: report).svg(), to: plot) }
            print(try report.rendered(format))
        }
    }
}
