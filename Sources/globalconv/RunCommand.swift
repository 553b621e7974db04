import ArgumentParser
import GlobalConv
import GlobalConvTools

/// `globalconv run`: one forward pass of a whole model from a weights file on an image or tensor.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a whole model (weights from a safetensors file) on an image or tensor; print the top-k classes.",
        discussion: """
            --model is a preset (convnext_tiny, van_b0, replknet_31b, SLaK_tiny, moganet_tiny, gfnet-ti, gfnet-h-ti, …; case and -/_ do not matter) or a family id. The config comes from the weights file's metadata when it has one (Fixtures/convert_checkpoint.py writes it; a model of another family, or another preset, is an error), else from the preset.

            --input: a PNG or JPEG image (decoded by libpng/libjpeg, then the family's evaluation transform: resize the shorter side, centre crop, ImageNet mean/std; Docs/cli.md), a .npy array or a .safetensors tensor ("input", or the only tensor), shaped [3, H, W] or [N, 3, H, W] and used as is.

            Example: globalconv run --model convnext_tiny --weights convnext_tiny.safetensors --input cat.jpg --labels imagenet_classes.txt
            """
    )

    @Option(help: "Preset name or model family id.")
    var model: String

    @Option(help: "Weights: a safetensors state_dict (from Fixtures/convert_checkpoint.py).")
    var weights: String

    @Option(help: "Input: PNG, JPEG, .npy or .safetensors.")
    var input: String

    @Option(help: "Classes to print per image.")
    var topK = 5

    @Option(help: "Write the logits to this .npy or .safetensors file.")
    var output: String?

    @Option(help: "Write the stage maps as features.<s>.npy into this directory.")
    var features: String?

    @Option(help: "Path of every spatial convolution: direct, fft or auto.")
    var path = "auto"

    @Option(help: "Worker threads (default: every core).")
    var threads: Int?

    @Option(help: "Class names, one a line (e.g. the 1000 ImageNet classes).")
    var labels: String?

    @Flag(help: "Run the re-parameterised deploy form of a training checkpoint (RepLKNet, SLaK, UniRepLKNet): the same function to rounding, faster.")
    var merged = false

    func makeConfiguration() throws(ToolError) -> ModelRunConfiguration {
        guard let p = ConvolutionPath(rawValue: path) else {
            throw .invalidValue("unknown --path '\(path)': allowed are direct, fft, auto")
        }
        let c = ModelRunConfiguration(model: model, weights: weights, input: input, topK: topK, output: output, features: features,
                                      path: p, threads: try parseThreads(threads), labels: labels, merged: merged)
        try c.validate()
        return c
    }

    func validate() throws {
        _ = try validated { () throws(ToolError) in try makeConfiguration() }
    }

    func run() throws {
        try reportingErrors {
            let c = try makeConfiguration()
            Terminal.progress("run \(c.model)…")
            let result = try ModelRunner.run(c)
            Terminal.clearProgress()
            print(result.rendered(), terminator: "")
        }
    }
}
