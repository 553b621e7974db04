import Testing
import GlobalConv
import Verification
@testable import Backbones

/// Every block returns an empty output of the right shape for an empty batch, as PyTorch does; the
/// shape is the fixture output's with `N = 0`.
@Suite("Blocks on an empty batch")
struct EmptyBatchBlockTests {
    @Test("every registered fixture block maps [0, C, H, W] to an empty output on every path",
          arguments: FixtureFiles.registered.filter { $0.hasSuffix(".float64.safetensors") })
    func emptyBatch(file: String) throws {
        let f = try Fixture<Double>(file: SafetensorsFile(atPath: FixtureFiles.path(file)))
        let block = try BlockRegistry.make(id: f.block, configJSON: f.config, stateDict: f.stateDict)
        let x = Tensor<Double>(zeros: [0] + f.input.shape.dropFirst())
        for path in ConvolutionPath.allCases {
            let y = try block.forward(x, path: path, options: ExecutionOptions(threads: 2))
            #expect(y.shape == [0] + f.output.shape.dropFirst() && y.count == 0, "\(file) \(path)")
        }
    }

    @Test("an empty map is still refused")
    func emptyMap() throws {
        let f = try Fixture<Double>(file: SafetensorsFile(atPath: FixtureFiles.path("convnext.block.float64.safetensors")))
        let block = try BlockRegistry.make(id: f.block, configJSON: f.config, stateDict: f.stateDict)
        #expect(throws: BackboneError.self) { try block.forward(Tensor(zeros: [1, f.input.shape[1], 0, 4]), path: .direct, options: .default) }
    }
}
