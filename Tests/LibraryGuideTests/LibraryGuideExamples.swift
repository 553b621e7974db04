// Every Swift example of Docs/library.md, verbatim, compiled and run; LibraryGuideDocTests checks
// that each ```swift block of the guide appears in this file character for character (the manifest
// example in Tests/LibraryGuideManifest/Package.swift). Edit the guide and this file together.
// Lines outside the examples (the files an example reads, the #expect checks) are the test's own.
import Foundation
import Testing
import GlobalConv
import LargeKernel
import Backbones

@Suite("Docs/library.md examples")
struct LibraryGuideExamples {
    @Test("depthwise convolution on direct, fft and auto with ExecutionOptions")
    func depthwise() throws {
// nn.Conv2d(64, 64, 31, padding=15, groups=64)
let weight = Tensor<Float>.random(shape: [64, 1, 31, 31], seed: 1)
let bias = Tensor<Float>.random(shape: [64], seed: 2)
let conv = try DepthwiseConvolution2D(weight: weight, bias: bias, padding: Size2D(15))
let x = Tensor<Float>.random(shape: [1, 64, 28, 28], seed: 3)

let options = ExecutionOptions(threads: 2, effort: .estimate, memoryBudget: .gibibytes(1))
let direct = try conv(x, path: .direct, options: options)
let fft = try conv(x, path: .fft, options: options)
let auto = try conv(x, path: .auto, options: options)   // measures both paths once for this shape
// direct.shape == [1, 64, 28, 28]; the three agree to rounding (Docs/numerics.md)

#expect(direct.shape == [1, 64, 28, 28])
#expect(maxDifference(direct, fft) < 1e-3 && maxDifference(direct, auto) < 1e-3)
    }

    @Test("dilation, rectangular kernel, circular padding")
    func dilatedCircular() throws {
// nn.Conv2d(32, 32, (7, 3), dilation=3, padding=(9, 3), padding_mode="circular", groups=32)
let strip = try DepthwiseConvolution2D(weight: Tensor<Double>.random(shape: [32, 1, 7, 3], seed: 4),
                                       dilation: Size2D(3), padding: Size2D(height: 9, width: 3),
                                       paddingMode: .circular)
let y = try strip(Tensor<Double>.random(shape: [2, 32, 20, 20], seed: 5))   // path: .auto, options: .default
// y.shape == [2, 32, 20, 20]

#expect(y.shape == [2, 32, 20, 20])
    }

    @Test("ParC's circular convolution")
    func parc() throws {
// ParC's gcc_conv along H on a 14×14 map: weight [C, 1, 14, 1]
let parc = try CircularConvolution1D(weight: Tensor<Float>.random(shape: [32, 1, 14, 1], seed: 6),
                                     bias: Tensor<Float>.random(shape: [32], seed: 7), axis: .height)
let y = try parc(Tensor<Float>.random(shape: [2, 32, 14, 14], seed: 8), path: .auto)
// y.shape == [2, 32, 14, 14]

#expect(y.shape == [2, 32, 14, 14])
    }

    @Test("GFNet's global filter")
    func globalFilter() throws {
// GFNet's filter.complex_weight for a 14×14 map: [H, W/2 + 1, C, 2] (real, imaginary)
let complexWeight = Tensor<Float>.random(shape: [14, 8, 96, 2], seed: 9)
let filter = try GlobalFilter2D(complexWeight: complexWeight, height: 14, width: 14)
let y = try filter(Tensor<Float>.random(shape: [1, 96, 14, 14], seed: 10), path: .fft)
// y.shape == [1, 96, 14, 14]

#expect(y.shape == [1, 96, 14, 14])
    }

    @Test("a block out of a whole checkpoint with integer buffers, scoped by prefix, and its merged form")
    func checkpoint() throws {
let checkpointPath = try GuideFiles.replkCheckpoint()
// Every floating-point tensor of the checkpoint; integer and boolean buffers (BatchNorm's I64
// num_batches_tracked) are skipped, as eval-mode PyTorch never reads them. F16/BF16 still throw.
let checkpoint = try SafetensorsFile(atPath: checkpointPath).allTensors(as: Float.self)

// One block out of the whole model: the keys under the prefix, with the prefix removed.
let weights = checkpoint.scoped("stages.2.blocks.5.")
let config = #"{"in_channels": 32, "dw_channels": 32, "block_lk_size": 31, "small_kernel": 5}"#
let block = try BlockRegistry.make(id: "replknet.block", configJSON: config, stateDict: weights)
let y = try block(Tensor<Float>.random(shape: [1, 32, 28, 28], seed: 11), path: .auto)

// The concrete type gives the re-parameterised (merged) form: one 31×31 kernel instead of 31×31 ∥ 5×5.
let merged = try RepLKBlock<Float>(configJSON: config, stateDict: weights).merged()
let z = try merged(Tensor<Float>.random(shape: [1, 32, 28, 28], seed: 11), path: .fft)
// y and z agree to rounding

#expect(checkpoint.keys.contains { $0.hasSuffix("num_batches_tracked") } == false)
#expect(checkpoint.keys.contains("head.weight") && !weights.keys.contains("head.weight"))
#expect(y.shape == [1, 32, 28, 28] && maxDifference(y, z) < 1e-3)
    }

    @Test("a block from its typed config")
    func typedBlockConfig() throws {
let checkpointPath = try GuideFiles.replkCheckpoint()
let checkpoint = try SafetensorsFile(atPath: checkpointPath).allTensors(as: Float.self)
let weights = checkpoint.scoped("stages.2.blocks.5.")
let config = #"{"in_channels": 32, "dw_channels": 32, "block_lk_size": 31, "small_kernel": 5}"#
let y = try RepLKBlock<Float>(configJSON: config, stateDict: weights)(Tensor<Float>.random(shape: [1, 32, 28, 28], seed: 11), path: .direct)

// The same block from its typed config (Codable; JSON is only how files and the CLI spell it).
let typedConfig = RepLKBlockConfig(inChannels: 32, dwChannels: 32, blockLKSize: 31, smallKernel: 5)
let typed = try RepLKBlock<Float>(config: typedConfig, stateDict: weights)
let t = try typed(Tensor<Float>.random(shape: [1, 32, 28, 28], seed: 11), path: .direct)
// JSONEncoder writes typedConfig with the JSON keys above; decoding gives it back.

#expect(t.scalars == y.scalars)
#expect(try JSONDecoder().decode(RepLKBlockConfig.self, from: JSONEncoder().encode(typedConfig)) == typedConfig)
#expect(try JSONDecoder().decode(RepLKBlockConfig.self, from: Data(config.utf8)) == typedConfig)
    }

    @Test("RepLKNet and SLaK merges")
    func merges() throws {
let channels = 16
func batchNorm(_ seed: UInt64) throws -> BatchNormParameters<Float> {
    try BatchNormParameters(weight: .random(shape: [channels], seed: seed), bias: .random(shape: [channels], seed: seed + 1),
                            runningMean: .random(shape: [channels], seed: seed + 2),
                            runningVar: .random(shape: [channels], in: 0.5...1.5, seed: seed + 3))
}
let x = Tensor<Float>.random(shape: [1, channels, 40, 40], seed: 12)

// RepLKNet: BN(DW 31×31) + BN(DW 5×5) → one DW 31×31 with bias (lkb_reparam)
let replk = try ReparamLargeKernelConv<Float>(
    lkbOriginWeight: .random(shape: [channels, 1, 31, 31], seed: 13), lkbOriginBN: batchNorm(20),
    smallConvWeight: .random(shape: [channels, 1, 5, 5], seed: 14), smallConvBN: batchNorm(30))
let replkMerged = replk.merged()
let a = try replk.forward(x, path: .direct)
let b = try replkMerged.forward(x, path: .fft)      // equals a to rounding

// SLaK: BN(DW 51×5) + BN(DW 5×51) + BN(DW 5×5) → one DW 51×51
let slak = try SLaKLargeKernelConv<Float>(
    loRA1Weight: .random(shape: [channels, 1, 51, 5], seed: 15), loRA1BN: batchNorm(40),
    loRA2Weight: .random(shape: [channels, 1, 5, 51], seed: 16), loRA2BN: batchNorm(50),
    smallConvWeight: .random(shape: [channels, 1, 5, 5], seed: 17), smallConvBN: batchNorm(60))
let slakKernel = slak.merged().equivalentKernel()   // a DepthwiseKernel: weight [16, 1, 51, 51] and bias

#expect(maxDifference(a, b) < 1e-3)
#expect(slakKernel.weight.shape == [16, 1, 51, 51] && slakKernel.bias.shape == [16])
    }

    @Test("LKA and its fit")
    func lka() throws {
let lka = try LKADecomposition(kernelSize: 21, dilation: 3)   // 5×5 → 7×7 dilated 3 → 1×1 (VAN)
let attention = try LargeKernelAttention<Float>(
    decomposition: lka,
    conv0Weight: .random(shape: [8, 1, 5, 5], seed: 18), conv0Bias: .random(shape: [8], seed: 19),
    convSpatialWeight: .random(shape: [8, 1, 7, 7], seed: 20), convSpatialBias: .random(shape: [8], seed: 21),
    conv1Weight: .random(shape: [8, 8, 1, 1], seed: 22), conv1Bias: .random(shape: [8], seed: 23))
let gated = try attention.forward(Tensor<Float>.random(shape: [1, 8, 24, 24], seed: 24))   // x ⊙ conv1(spatial(x))

// Fit LKA(13, d) to a dense 13×13 depthwise kernel, d the dilation with the fewest parameters.
let dense = try DepthwiseKernel(weight: Tensor<Double>.random(shape: [4, 1, 13, 13], seed: 25))
let d = try LKADecomposition.bestDilation(kernelSize: 13)
let fit = try LKADecomposition(kernelSize: 13, dilation: d).fit(dense)
// fit.relativeError = ‖T − A⊛B‖_F / ‖T‖_F (a random kernel has no structure: close to 1);
// fit.channelErrors per channel; fit.conv0 and fit.convSpatial are the factors

#expect(gated.shape == [1, 8, 24, 24])
#expect(fit.channelErrors.count == 4 && fit.relativeError > 0 && fit.relativeError <= 1)
#expect(d >= 2)
    }

    @Test("plan files: export and import")
    func planFile() throws {
let planPath = GuideFiles.temporaryPath("plan.txt")
// Once, on the machine you deploy to: run the shapes you serve, then save the plans and decisions.
let conv = try DepthwiseConvolution2D(weight: Tensor<Float>.random(shape: [32, 1, 31, 31], seed: 26),
                                      padding: Size2D(15))
let input = Tensor<Float>.random(shape: [1, 32, 28, 28], seed: 27)
_ = try conv(input, path: .auto, options: ExecutionOptions(threads: 2, effort: .measure))
try FFTWisdom.export(atPath: planPath)

// At every start: load it. Decisions from another CPU or library version are skipped with a
// warning (FFTW's wisdom still loads); a malformed file throws FFTWisdomError and installs nothing.
let warnings = try FFTWisdom.import(atPath: planPath)
// warnings.isEmpty on the machine that wrote the file

#expect(warnings.isEmpty)
    }

    @Test("one convolution called from many tasks")
    func threads() async throws {
let shared = try DepthwiseConvolution2D(weight: Tensor<Float>.random(shape: [16, 1, 21, 21], seed: 28),
                                        padding: Size2D(10))
let outputs = try await withThrowingTaskGroup(of: Tensor<Float>.self) { group in
    for request in 0..<4 {
        group.addTask { try shared(Tensor<Float>.random(shape: [1, 16, 24, 24], seed: UInt64(request))) }
    }
    var results: [Tensor<Float>] = []
    for try await y in group { results.append(y) }
    return results
}
// outputs.count == 4

#expect(outputs.count == 4)
    }

    @Test("the memory budget: FFT refused, auto falls back to direct")
    func memory() throws {
let big = try DepthwiseConvolution2D(weight: Tensor<Float>.random(shape: [8, 1, 31, 31], seed: 29),
                                     padding: Size2D(15))
let image = Tensor<Float>.random(shape: [1, 8, 64, 64], seed: 30)
let tight = ExecutionOptions(threads: 1, memoryBudget: MemoryBudget(bytes: 200_000))
var refusal: String?
do throws(ConvolutionError) {
    _ = try big(image, path: .fft, options: tight)
} catch {
    if case .tooLarge(let message) = error { refusal = message }   // names the sizes and the budget
}
let fallback = try big(image, path: .auto, options: tight)   // runs the direct path within the budget

#expect(refusal?.contains("budget") == true, "\(refusal ?? "no refusal")")
#expect(fallback.shape == [1, 8, 64, 64])
    }
}
