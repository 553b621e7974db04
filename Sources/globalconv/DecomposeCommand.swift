import ArgumentParser
import GlobalConvTools

/// `globalconv decompose`: parameter and FLOP counts of a K×K kernel's decompositions, or an LKA fit.
struct DecomposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decompose",
        abstract: "Parameters and FLOPs of dense K×K vs LKA, SLaK and RepLK; or LKA-fit a stored kernel."
    )

    func run() throws {
        try reportingErrors { throw ToolError.notAvailable("decompose needs the LargeKernel library, which is not part of this build") }
    }
}
