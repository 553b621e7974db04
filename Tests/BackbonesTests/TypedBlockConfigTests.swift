import Foundation
import Testing
import GlobalConv
import Verification
@testable import Backbones

/// One Float64 fixture built from a typed config written in Swift.
private struct TypedCase: Sendable {
    /// Builds the block from the typed config.
    var build: @Sendable ([String: Tensor<Double>]) throws -> any Block<Double>
    /// Encode → decode gives the config back.
    var roundTrips: @Sendable () throws -> Bool
    /// The fixture's JSON config text, decoded with `JSONDecoder`, is the typed config.
    var decodes: @Sendable (String) throws -> Bool
    /// The JSON config parsed by the block's `parse` (today's `BlockConfig` checks) is the typed config.
    var parses: @Sendable (String) throws -> Bool

    init<C: Codable & Sendable & Equatable, B: Block<Double>>(
        _ config: C, _ make: @escaping @Sendable (C, [String: Tensor<Double>]) throws -> B,
        parse: @escaping @Sendable (BlockConfig) throws -> C, id: String
    ) {
        build = { try make(config, $0) }
        roundTrips = { try JSONDecoder().decode(C.self, from: JSONEncoder().encode(config)) == config }
        decodes = { try JSONDecoder().decode(C.self, from: Data($0.utf8)) == config }
        parses = { try parse(BlockConfig(block: id, json: $0)) == config }
    }
}

private let cases: [String: TypedCase] = [
    "conv2d.depthwise-circular": TypedCase(
        DepthwiseConvolutionBlockConfig(channels: 8, kernelSize: [13, 9], dilation: [1, 2], padding: [6, 8], paddingMode: .circular),
        { try DepthwiseConvolutionBlock(config: $0, stateDict: $1) }, parse: { try DepthwiseConvolutionBlockConfig.parse($0) }, id: "conv2d.depthwise"),
    "conv2d.depthwise-even": TypedCase(
        DepthwiseConvolutionBlockConfig(channels: 8, kernelSize: [4, 6], dilation: [2, 1], padding: [3, 2], bias: false),
        { try DepthwiseConvolutionBlock(config: $0, stateDict: $1) }, parse: { try DepthwiseConvolutionBlockConfig.parse($0) }, id: "conv2d.depthwise"),
    "conv2d.depthwise": TypedCase(
        DepthwiseConvolutionBlockConfig(channels: 8, kernelSize: [13, 13], padding: [6, 6]),
        { try DepthwiseConvolutionBlock(config: $0, stateDict: $1) }, parse: { try DepthwiseConvolutionBlockConfig.parse($0) }, id: "conv2d.depthwise"),
    "convnext.block-k13": TypedCase(ConvNeXtBlockConfig(dim: 16, kernelSize: 13),
        { try ConvNeXtBlock(config: $0, stateDict: $1) }, parse: { try ConvNeXtBlockConfig.parse($0) }, id: "convnext.block"),
    "convnext.block": TypedCase(ConvNeXtBlockConfig(dim: 16),
        { try ConvNeXtBlock(config: $0, stateDict: $1) }, parse: { try ConvNeXtBlockConfig.parse($0) }, id: "convnext.block"),
    "gfnet.block-odd": TypedCase(GFNetBlockConfig(dim: 8, h: 9, w: 6),
        { try GFNetBlock(config: $0, stateDict: $1) }, parse: { try GFNetBlockConfig.parse($0) }, id: "gfnet.block"),
    "gfnet.block-rect": TypedCase(GFNetBlockConfig(dim: 8, h: 7, w: 7),
        { try GFNetBlock(config: $0, stateDict: $1) }, parse: { try GFNetBlockConfig.parse($0) }, id: "gfnet.block"),
    "gfnet.block": TypedCase(GFNetBlockConfig(dim: 8, h: 10, w: 6),
        { try GFNetBlock(config: $0, stateDict: $1) }, parse: { try GFNetBlockConfig.parse($0) }, id: "gfnet.block"),
    "moganet.block": TypedCase(MogaBlockConfig(dim: 16),
        { try MogaBlock(config: $0, stateDict: $1) }, parse: { try MogaBlockConfig.parse($0) }, id: "moganet.block"),
    "parc.convnext_block-resize": TypedCase(ParCConvNeXtBlockConfig(dim: 16, kernelSize: 12),
        { try ParCConvNeXtBlock(config: $0, stateDict: $1) }, parse: { try ParCConvNeXtBlockConfig.parse($0) }, id: "parc.convnext_block"),
    "parc.convnext_block": TypedCase(ParCConvNeXtBlockConfig(dim: 16, kernelSize: 10),
        { try ParCConvNeXtBlock(config: $0, stateDict: $1) }, parse: { try ParCConvNeXtBlockConfig.parse($0) }, id: "parc.convnext_block"),
    "parc.op-W": TypedCase(ParCBlockConfig(channels: 8, axis: .w, kernelSize: 11),
        { try ParCBlock(config: $0, stateDict: $1) }, parse: { try ParCBlockConfig.parse($0) }, id: "parc.op"),
    "parc.op-nope": TypedCase(ParCBlockConfig(channels: 8, axis: .h, kernelSize: 9, usePE: false),
        { try ParCBlock(config: $0, stateDict: $1) }, parse: { try ParCBlockConfig.parse($0) }, id: "parc.op"),
    "parc.op-resize-H": TypedCase(ParCBlockConfig(channels: 8, axis: .h, kernelSize: 14),
        { try ParCBlock(config: $0, stateDict: $1) }, parse: { try ParCBlockConfig.parse($0) }, id: "parc.op"),
    "parc.op-resize-W": TypedCase(ParCBlockConfig(channels: 8, axis: .w, kernelSize: 7),
        { try ParCBlock(config: $0, stateDict: $1) }, parse: { try ParCBlockConfig.parse($0) }, id: "parc.op"),
    "parc.op": TypedCase(ParCBlockConfig(channels: 8, axis: .h, kernelSize: 9),
        { try ParCBlock(config: $0, stateDict: $1) }, parse: { try ParCBlockConfig.parse($0) }, id: "parc.op"),
    "replknet.block-merged": TypedCase(RepLKBlockConfig(inChannels: 8, dwChannels: 16, blockLKSize: 13, smallKernel: 5, reparameterized: true),
        { try RepLKBlock(config: $0, stateDict: $1) }, parse: { try RepLKBlockConfig.parse($0) }, id: "replknet.block"),
    "replknet.block": TypedCase(RepLKBlockConfig(inChannels: 8, dwChannels: 16, blockLKSize: 13, smallKernel: 5),
        { try RepLKBlock(config: $0, stateDict: $1) }, parse: { try RepLKBlockConfig.parse($0) }, id: "replknet.block"),
    "replknet.convffn": TypedCase(ConvFFNBlockConfig(inChannels: 8, internalChannels: 32, outChannels: 8),
        { try ConvFFNBlock(config: $0, stateDict: $1) }, parse: { try ConvFFNBlockConfig.parse($0) }, id: "replknet.convffn"),
    "replknet.large_kernel-merged": TypedCase(RepLKLargeKernelBlockConfig(channels: 8, kernelSize: 31, smallKernel: 5, reparameterized: true),
        { try RepLKLargeKernelBlock(config: $0, stateDict: $1) }, parse: { try RepLKLargeKernelBlockConfig.parse($0) }, id: "replknet.large_kernel"),
    "replknet.large_kernel": TypedCase(RepLKLargeKernelBlockConfig(channels: 8, kernelSize: 31, smallKernel: 5),
        { try RepLKLargeKernelBlock(config: $0, stateDict: $1) }, parse: { try RepLKLargeKernelBlockConfig.parse($0) }, id: "replknet.large_kernel"),
    "slak.block": TypedCase(SLaKBlockConfig(dim: 8, kernelSize: [13, 5]),
        { try SLaKBlock(config: $0, stateDict: $1) }, parse: { try SLaKBlockConfig.parse($0) }, id: "slak.block"),
    "slak.large_kernel": TypedCase(SLaKLargeKernelBlockConfig(channels: 8, kernelSize: [51, 5]),
        { try SLaKLargeKernelBlock(config: $0, stateDict: $1) }, parse: { try SLaKLargeKernelBlockConfig.parse($0) }, id: "slak.large_kernel"),
    "unireplknet.dilated_reparam-k9-merged": TypedCase(DilatedReparamConvBlockConfig(channels: 8, kernelSize: 9, reparameterized: true),
        { try DilatedReparamConvBlock(config: $0, stateDict: $1) }, parse: { try DilatedReparamConvBlockConfig.parse($0) }, id: "unireplknet.dilated_reparam"),
    "unireplknet.dilated_reparam-k9": TypedCase(DilatedReparamConvBlockConfig(channels: 8, kernelSize: 9),
        { try DilatedReparamConvBlock(config: $0, stateDict: $1) }, parse: { try DilatedReparamConvBlockConfig.parse($0) }, id: "unireplknet.dilated_reparam"),
    "unireplknet.dilated_reparam-merged": TypedCase(DilatedReparamConvBlockConfig(channels: 8, kernelSize: 13, reparameterized: true),
        { try DilatedReparamConvBlock(config: $0, stateDict: $1) }, parse: { try DilatedReparamConvBlockConfig.parse($0) }, id: "unireplknet.dilated_reparam"),
    "unireplknet.dilated_reparam": TypedCase(DilatedReparamConvBlockConfig(channels: 8, kernelSize: 13),
        { try DilatedReparamConvBlock(config: $0, stateDict: $1) }, parse: { try DilatedReparamConvBlockConfig.parse($0) }, id: "unireplknet.dilated_reparam"),
    "van.block": TypedCase(VANBlockConfig(dim: 8),
        { try VANBlock(config: $0, stateDict: $1) }, parse: { try VANBlockConfig.parse($0) }, id: "van.block"),
    "van.lka": TypedCase(LKABlockConfig(dim: 8),
        { try LKABlock(config: $0, stateDict: $1) }, parse: { try LKABlockConfig.parse($0) }, id: "van.lka"),
]

@Suite("Typed block configs")
struct TypedBlockConfigTests {
    static let float64Fixtures = FixtureFiles.registered.filter { $0.hasSuffix(".float64.safetensors") }

    @Test("every block id has a typed config case")
    func everyBlock() {
        let covered = Set(Self.float64Fixtures.map(FixtureFiles.blockID))
        #expect(covered == Set(BlockRegistry.ids))
        for name in Self.float64Fixtures { #expect(cases[String(name.dropLast(".float64.safetensors".count))] != nil, "\(name)") }
    }

    @Test("the typed config gives the JSON config's block, bit for bit, on the Float64 fixture", arguments: float64Fixtures)
    func bitIdentical(name: String) throws {
        let f = try Fixture<Double>(file: try SafetensorsFile(atPath: FixtureFiles.path(name)), source: name)
        let c = try #require(cases[String(name.dropLast(".float64.safetensors".count))])
        let json = try BlockRegistry.make(id: f.block, configJSON: f.config, stateDict: f.stateDict)
        let typed = try c.build(f.stateDict)
        for path in [ConvolutionPath.direct, .fft] {
            let a = try json(f.input, path: path), b = try typed(f.input, path: path)
            #expect(a.shape == b.shape)
            #expect(a.scalars.map(\.bitPattern) == b.scalars.map(\.bitPattern), "\(name) \(path)")
        }
        #expect(try c.roundTrips(), "\(name): encode → decode")
        #expect(try c.decodes(f.config), "\(name): JSONDecoder on the fixture's config")
        #expect(try c.parses(f.config), "\(name): parse(BlockConfig) of the fixture's config")
    }

    @Test("decoding gives missing keys their documented defaults")
    func defaults() throws {
        func decode<C: Decodable>(_: C.Type, _ json: String) throws -> C { try JSONDecoder().decode(C.self, from: Data(json.utf8)) }
        #expect(try decode(VANBlockConfig.self, #"{"dim": 8}"#) == VANBlockConfig(dim: 8, mlpRatio: 4, kernelSize: 21, dilation: 3))
        #expect(try decode(GFNetBlockConfig.self, #"{"dim": 8}"#) == GFNetBlockConfig(dim: 8, h: 14, w: 8, mlpRatio: 4, layerNormEps: 1e-6))
        #expect(try decode(MogaBlockConfig.self, #"{"dim": 8}"#).attnChannelSplit == [1, 3, 4])
        #expect(try decode(RepLKLargeKernelBlockConfig.self, #"{"channels": 8, "kernel_size": 31}"#).smallKernel == nil)
        #expect(try decode(DepthwiseConvolutionBlockConfig.self, #"{"channels": 2, "kernel_size": [3, 3]}"#)
                == DepthwiseConvolutionBlockConfig(channels: 2, kernelSize: [3, 3], dilation: [1, 1], padding: [0, 0], paddingMode: .zeros, bias: true))
        // A pair may be one integer, as PyTorch's `_pair`.
        #expect(try decode(DepthwiseConvolutionBlockConfig.self, #"{"channels": 2, "kernel_size": 3, "padding": 1}"#)
                == DepthwiseConvolutionBlockConfig(channels: 2, kernelSize: [3, 3], padding: [1, 1]))
        #expect(try decode(SLaKBlockConfig.self, #"{"dim": 4, "kernel_size": 5}"#) == SLaKBlockConfig(dim: 4, kernelSize: [5, 5]))
        #expect(try decode(DepthwiseConvolutionBlockConfig.self, #"{"channels": 2, "kernel_size": [3, 3], "dilation": null}"#).dilation == [1, 1])
        // The JSON path's defaults are the typed ones.
        #expect(try VANBlockConfig.parse(BlockConfig(block: "van.block", json: #"{"dim": 8}"#)) == VANBlockConfig(dim: 8))
        #expect(try GFNetBlockConfig.parse(BlockConfig(block: "gfnet.block", json: #"{"dim": 8}"#)) == GFNetBlockConfig(dim: 8))
        #expect(try MogaBlockConfig.parse(BlockConfig(block: "moganet.block", json: #"{"dim": 8}"#)) == MogaBlockConfig(dim: 8))
    }

    @Test("the typed path keeps the value checks")
    func typedChecks() {
        #expect(throws: BackboneError.self) { try ConvNeXtBlock<Double>(config: ConvNeXtBlockConfig(dim: 4, kernelSize: 6), stateDict: [:]) }
        #expect(throws: BackboneError.self) {
            try ConvFFNBlock<Double>(config: ConvFFNBlockConfig(inChannels: 4, internalChannels: 8, outChannels: 5), stateDict: [:])
        }
        #expect(throws: BackboneError.self) { try SLaKBlock<Double>(config: SLaKBlockConfig(dim: 4, kernelSize: [5, 7]), stateDict: [:]) }
        #expect(throws: BackboneError.self) {
            try DepthwiseConvolutionBlock<Double>(config: DepthwiseConvolutionBlockConfig(channels: 2, kernelSize: [3]), stateDict: [:])
        }
        // The ranges BlockConfig checks, with its messages.
        func message(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { if case .config(_, let m)? = error as? BackboneError { return m }; return "\(error)" }
        }
        #expect(message { _ = try ConvNeXtBlock<Double>(config: ConvNeXtBlockConfig(dim: 0), stateDict: [:]) } == "\"dim\" must be ≥ 1, got 0")
        #expect(message { _ = try VANBlock<Double>(config: VANBlockConfig(dim: 4, mlpRatio: .infinity), stateDict: [:]) }
                == "\"mlp_ratio\" must be a finite number, got inf")
        #expect(message { _ = try DepthwiseConvolutionBlock<Double>(config: DepthwiseConvolutionBlockConfig(channels: 2, kernelSize: [3, 3], padding: [-1, 0]), stateDict: [:]) }
                == "\"padding\" must hold integers ≥ 0, got [-1, 0]")
        #expect(message { _ = try RepLKBlock<Double>(config: RepLKBlockConfig(inChannels: 4, dwChannels: 4, blockLKSize: 5, smallKernel: -3), stateDict: [:]) }
                == "\"small_kernel\" must be ≥ 1, got -3")
        #expect(message { _ = try GFNetBlock<Double>(config: GFNetBlockConfig(dim: 4, h: 0), stateDict: [:]) } == "\"h\" must be ≥ 1, got 0")
    }
}
