import ArgumentParser
import GlobalConvTools

/// `globalconv bench`: latency of one block with random weights.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time one block (random weights) on a path."
    )

    func run() throws {
        try reportingErrors { throw ToolError.notAvailable("bench needs the Backbones library, which is not part of this build") }
    }
}
