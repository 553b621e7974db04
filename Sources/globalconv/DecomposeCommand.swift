import ArgumentParser
import GlobalConvTools

/// `globalconv decompose`: parameter and FLOP counts of a K×K kernel's decompositions, or an LKA fit.
struct DecomposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decompose",
        abstract: "Parameters and FLOPs of dense K×K vs LKA, SLaK and RepLK; or LKA-fit a stored kernel.",
        discussion: """
            Counts: globalconv decompose --kernel 31 --channels 64 --size 56
              dense K×K, LKA(K, d) for each useful dilation d (the one with the fewest parameters marked *),
              SLaK with N = 5 and RepLKNet with its 5×5 small kernel (training forms).
            Fit:    globalconv decompose --fit weights.safetensors --key stages.0.lk.weight [--kernel K] [--dilation d]
              fits LKA(K, d) (K defaults to the stored kernel's size, d to the best dilation) to the dense
              [C, 1, t, t] kernel NAME and prints the relative error per channel (min/median/max) and overall.
            """
    )

    @Option(help: "Kernel size K (required for counts; for --fit, the LKA's K, default: the stored kernel's size).")
    var kernel: Int?

    @Option(help: "Channels C (counts only).")
    var channels = 64

    @Option(help: "Map size 'N' or 'HxW' for FLOPs (counts only).")
    var size = "56"

    @Option(help: "safetensors file holding a dense depthwise kernel to LKA-fit.")
    var fit: String?

    @Option(help: "Name of the kernel tensor in the --fit file.")
    var key: String?

    @Option(help: "LKA dilation d for --fit (default: the one with the fewest parameters).")
    var dilation: Int?

    @Option(help: "Output format: table or json.")
    var format = "table"

    /// The `--format` values this command prints.
    static let formats: [OutputFormat] = [.table, .json]

    func validate() throws {
        try validateFormat(format, allowed: Self.formats)
        if fit != nil {
            guard let key, !key.isEmpty else { throw ValidationError("--fit needs --key NAME: the tensor to fit") }
            if let kernel, !(1...4096).contains(kernel) { throw ValidationError("--kernel must be in 1...4096, got \(kernel)") }
            if let dilation, dilation < 1 || dilation > (kernel ?? 4096) {
                throw ValidationError("--dilation must be in 1...K, got \(dilation)")
            }
        } else {
            if key != nil { throw ValidationError("--key is only used with --fit FILE") }
            if dilation != nil { throw ValidationError("--dilation is only used with --fit FILE (counts list every useful d)") }
            guard let kernel else { throw ValidationError("give --kernel K (and --channels, --size), or --fit FILE --key NAME") }
            _ = try validated { () throws(ToolError) in
                try KernelCosts(kernel: kernel, channels: channels, size: (1, 1))
            }
            _ = try validated { () throws(ToolError) in try ValueParsing.size(size) }
        }
    }

    func run() throws {
        try reportingErrors {
            let format = try parseFormat(format, allowed: Self.formats)
            if let fit, let key {
                Terminal.progress("fitting LKA to '\(key)'…")
                let report = try LKAFitReport.run(file: fit, key: key, kernel: kernel, dilation: dilation)
                Terminal.clearProgress()
                print(try report.rendered(format))
            } else if let kernel {
                let s = try ValueParsing.size(size)
                print(try KernelCosts(kernel: kernel, channels: channels, size: (s.height, s.width)).rendered(format))
            }
        }
    }
}
