import ArgumentParser
import GlobalConv
import GlobalConvTools

/// `globalconv wisdom export FILE` / `import FILE`: the plan file — FFTW's measured plans and
/// GlobalConv's measured decisions (auto path, FFT sizes) — saved and checked.
struct WisdomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wisdom",
        abstract: "Save FFTW wisdom measured for given shapes, or check and load a wisdom file.",
        subcommands: [Export.self, Import.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Plan the FFT and auto paths for the given shapes and write FFTW wisdom and the planning decisions to FILE.",
            discussion: "Pass the file to sweep, verify or bench with --wisdom (or FFTWisdom.import(atPath:) in a server) so their plans are instant and nothing is measured again. Decisions measured on another CPU or library version are ignored with a warning."
        )

        @Argument(help: "Wisdom file to write.")
        var file: String

        @Option(help: "Kernel sizes to plan for: '3,5,7' or 'first...last:step'.")
        var kernels = "3,7,13,21,31,51"

        @Option(help: "Map size 'N' or 'HxW'.")
        var size = "56"

        @Option(help: "Channels C.")
        var channels = 128

        @Option(help: "Batch N.")
        var batch = 1

        @Option(help: "Precision: float32 or float64.")
        var dtype = "float32"

        @Option(help: "Worker threads (default: every core).")
        var threads: Int?

        @Option(help: "FFTW planning effort: estimate, measure or patient.")
        var effort = "measure"

        @Option(help: "Existing wisdom file to start from (its wisdom is kept).")
        var merge: String?

        func makeConfiguration() throws(ToolError) -> SweepConfiguration {
            let c = SweepConfiguration(
                kernels: try ValueParsing.kernels(kernels), size: try ValueParsing.size(size), channels: channels,
                batch: batch, precision: try parsePrecision(dtype), threads: try parseThreads(threads),
                repeats: 1, warmup: 0, paths: [.fft, .auto], effort: try parseEffort(effort))
            try c.validate()
            return c
        }

        func validate() throws {
            _ = try validated { () throws(ToolError) in try makeConfiguration() }
            guard !file.isEmpty else { throw ValidationError("give the wisdom file to write") }
            // Refuse an unwritable destination now, before planning (which may take minutes).
            _ = try validated { () throws(ToolError) in try FileAccess.checkWritable(path: file, what: "wisdom file") }
        }

        func run() throws {
            try reportingErrors {
                if let merge { try importPlanFile(merge) }
                let c = try makeConfiguration()
                _ = try SweepRunner.run(c) { p in Terminal.progress("planning [\(p.index + 1)/\(p.total)] K=\(p.kernel)…") }
                Terminal.clearProgress()
                try FFTWisdom.export(atPath: file)
                print("wrote FFTW wisdom and planning decisions for \(c.kernels.count) kernel size(s) on \(c.batch)×\(c.channels)×\(c.size.height)×\(c.size.width) \(c.precision.rawValue), effort \(c.effort.rawValue), to \(file)")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Check that FILE is GlobalConv wisdom FFTW accepts (exit 0) or say why not (exit 1)."
        )

        @Argument(help: "Wisdom file to read.")
        var file: String

        func run() throws {
            try reportingErrors {
                try importPlanFile(file)
                print("imported the plan file \(file): FFTW accepted its wisdom")
            }
        }
    }
}
