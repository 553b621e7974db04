import Testing
import GlobalConv
import Verification
@testable import Backbones

@Suite("Block plans")
struct BlockPlanTests {
    @Test("a block plan's output is bit for bit the block's forward, and the fixture's within tolerance",
          arguments: [ConvolutionPath.direct, .fft, .auto])
    func sameAsForward(path: ConvolutionPath) throws {
        let name = "van.block.float64.safetensors"
        let f = try Fixture<Double>(file: try SafetensorsFile(atPath: FixtureFiles.path(name)), source: name)
        let block = try VANBlock<Double>(configJSON: f.config, stateDict: f.stateDict)
        let options = ExecutionOptions(threads: 2)
        let plan = try block.plan(for: f.input.shape, path: path, options: options)
        let y = try plan(f.input)
        #expect(y == (try block.forward(f.input, path: path, options: options)))
        // PyTorch's output, within Docs/numerics.md's Float64 tolerance (1e-10 relative to max|y|).
        let scale = f.output.scalars.map(abs).max() ?? 1
        #expect(zip(y.scalars, f.output.scalars).allSatisfy { abs($0 - $1) <= 1e-10 * scale })
        let other = [f.input.shape[0] + 1] + f.input.shape.dropFirst()
        #expect(throws: BackboneError.self) { _ = try plan(Tensor<Double>(zeros: other)) }
    }
}
