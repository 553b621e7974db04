import ArgumentParser
import GlobalConv

/// `globalconv`: the command-line face of GlobalConv. Every subcommand only parses, validates, calls
/// the GlobalConvTools library and prints; results go to stdout, progress and errors to stderr.
@main
struct GlobalConvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "globalconv",
        abstract: "Fast, exactly-PyTorch large-kernel and global depthwise convolutions: check, time, decompose.",
        discussion: """
            Examples:
              swift run -c release globalconv sweep
              globalconv verify --format junit > verify.xml
              globalconv decompose --kernel 21 --channels 64 --size 56
              globalconv bench --block van.lka --config '{"dim": 64}' --size 56
              globalconv run --model convnext_tiny --weights convnext_tiny.safetensors --input cat.jpg
            See Docs/cli.md for every flag and the JSON schemas.
            """,
        version: GlobalConvVersion.string,
        subcommands: [SweepCommand.self, VerifyCommand.self, DecomposeCommand.self, BenchCommand.self, RunCommand.self, WisdomCommand.self]
    )
}
