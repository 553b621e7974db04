import ArgumentParser
import GlobalConv
import GlobalConvTools

/// `globalconv verify`: every fixture on every path plus the built-in randomised matrix; exit 0 only
/// if every result passes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every path against PyTorch fixtures and a Float64 reference; exit 0 only if all pass.",
        discussion: """
            With no options: every Fixtures/*.safetensors (relative to the working directory) on direct, fft and auto, then the built-in randomised matrix. One result per (case, path); a fixture that cannot be read or names an unknown block is a failed result, not a crash.

            A fixture carries its block id and config; the config takes the block's own keys (a missing required key or an unknown key fails the fixture, all of them named). \(BlockKeyListing.helpText())
            """
    )

    @Option(name: .customLong("fixture"), help: "A fixture file to check (repeatable); only these are checked.")
    var fixture: [String] = []

    @Option(help: "Directory whose *.safetensors fixtures are checked.")
    var fixtures = "Fixtures"

    @Option(help: "Path to check: direct, fft, auto or all.")
    var path = "all"

    @Option(help: "Output format: table, json or junit.")
    var format = "table"

    @Option(help: "Multiply every documented tolerance by this factor in (0, 1] (tighten only).")
    var toleranceScale = 1.0

    @Flag(help: "Skip the built-in randomised matrix.")
    var noMatrix = false

    @Option(help: "Seed of the randomised matrix.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads per call (default: every core).")
    var threads: Int?

    @Option(help: "FFTW wisdom file to import first.")
    var wisdom: String?

    /// The `--format` values this command prints.
    static let formats: [OutputFormat] = [.table, .json, .junit]

    func makeOptions() throws(ToolError) -> VerifyOptions {
        let paths: [ConvolutionPath]
        if path == "all" {
            paths = ConvolutionPath.allCases
        } else if let p = ConvolutionPath(rawValue: path) {
            paths = [p]
        } else {
            throw .invalidValue("unknown --path '\(path)': allowed are direct, fft, auto, all")
        }
        let options = VerifyOptions(paths: paths, toleranceScale: toleranceScale, fixtureFiles: fixture,
                                    fixturesDirectory: fixtures, includeMatrix: !noMatrix, seed: seed,
                                    threads: try parseThreads(threads))
        try options.validate()
        return options
    }

    func validate() throws {
        _ = try validated { () throws(ToolError) in try makeOptions() }
        try validateFormat(format, allowed: Self.formats)
    }

    func run() throws {
        var status: Int32 = 1
        try reportingErrors {
            let options = try makeOptions()
            let format = try parseFormat(format, allowed: Self.formats)
            if let wisdom { try importPlanFile(wisdom) }
            let report = try VerifyRunner.run(options) { Terminal.progress("verify: \($0)…") }
            Terminal.clearProgress()
            print(try report.rendered(format))
            status = report.exitStatus
        }
        if status != 0 { throw ExitCode(status) }
    }
}
