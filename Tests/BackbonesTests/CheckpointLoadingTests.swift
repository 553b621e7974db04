import Foundation
import Testing
import GlobalConv
import Verification
@testable import Backbones

/// `fileBytes` (a file from `SafetensorsWriter`) with `extra` tensors of any dtype appended: their
/// entries are added at the end of the writer's header and their raw bytes after its data, so the
/// header stays valid (the writer cannot store integer dtypes itself).
func appendingRawTensors(to fileBytes: [UInt8], _ extra: [(name: String, dtype: String, shape: [Int], bytes: [UInt8])]) -> [UInt8] {
    let headerLength = fileBytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    var header = String(decoding: fileBytes[8..<(8 + headerLength)], as: UTF8.self)
    while header.hasSuffix(" ") { header.removeLast() }
    header.removeLast()  // the closing brace
    var data = Array(fileBytes[(8 + headerLength)...])
    for t in extra {
        let shape = t.shape.map(String.init).joined(separator: ",")
        header += (header == "{" ? "" : ",") + "\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(data.count),\(data.count + t.bytes.count)]}"
        data += t.bytes
    }
    header += "}"
    let headerBytes = Array(header.utf8)
    let length = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * UInt64($0))) }
    return length + headerBytes + data
}

/// The 8 little-endian bytes of an `I64` value.
private func int64Bytes(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * Int64($0))) } }

@Suite("Loading a block out of a whole PyTorch checkpoint")
struct CheckpointLoadingTests {
    static let prefix = "stages.2.blocks.5."

    /// A checkpoint as `torch.save(model.state_dict())` + safetensors gives it: the fixture block's weights
    /// under `stages.2.blocks.5.`, an I64 `num_batches_tracked` for every BatchNorm (also the other
    /// layers'), and tensors of unrelated layers, including a neighbouring `stages.2.blocks.50.` block.
    static func checkpoint(_ f: Fixture<Double>) -> [UInt8] {
        var writer = SafetensorsWriter()
        for (key, t) in f.stateDict { writer.add(t, named: prefix + key) }
        writer.add(Tensor<Double>.random(shape: [8, 3, 4, 4], seed: 7), named: "stem.0.weight")
        writer.add(Tensor<Double>.random(shape: [8], seed: 8), named: "stem.1.running_mean")
        writer.add(Tensor<Double>.random(shape: [16, 8, 1, 1], seed: 9), named: "stages.2.blocks.50.pw1.conv.weight")
        writer.add(Tensor<Double>.random(shape: [16, 8, 1, 1], seed: 10), named: "stages.2.blocks.4.pw1.conv.weight")
        writer.add(Tensor<Double>.random(shape: [1000, 16], seed: 11), named: "head.weight")
        let batchNorms = writer.names.filter { $0.hasSuffix(".running_mean") }.map { String($0.dropLast("running_mean".count)) }
        return appendingRawTensors(to: writer.serialized(), batchNorms.map {
            (name: $0 + "num_batches_tracked", dtype: "I64", shape: [], bytes: int64Bytes(1234))
        } + [(name: "stages.2.blocks.5.attn_mask", dtype: "BOOL", shape: [2], bytes: [1, 0])])
    }

    @Test("every I64 num_batches_tracked and BOOL buffer is skipped, and the scoped block loads strictly and matches PyTorch")
    func scopedBlockFromCheckpoint() throws {
        let f = try Fixture<Double>(file: SafetensorsFile(atPath: FixtureFiles.path("replknet.block.float64.safetensors")))
        let file = try SafetensorsFile(bytes: Self.checkpoint(f))
        let batchNormCount = file.names.filter { $0.hasSuffix("num_batches_tracked") }.count
        #expect(batchNormCount >= 4, "the block should hold several BatchNorms")
        #expect(file.entry(Self.prefix + "pw1.bn.num_batches_tracked")?.dtype == .i64)

        let checkpoint = try file.allTensors(as: Double.self)
        #expect(!checkpoint.keys.contains { $0.hasSuffix("num_batches_tracked") || $0.hasSuffix("attn_mask") })
        let stateDict = checkpoint.scoped(Self.prefix)
        #expect(stateDict == f.stateDict)
        let block = try BlockRegistry.make(id: f.block, configJSON: f.config, stateDict: stateDict)
        let check = try f.check(block: block, path: .direct, options: ExecutionOptions(threads: 1))
        #expect(check.passed, "\(check)")
    }

    @Test("a fixture file holding I64 num_batches_tracked buffers loads")
    func fixtureWithIntegerBuffers() throws {
        let original = try SafetensorsFile(atPath: FixtureFiles.path("replknet.block.float64.safetensors"))
        var writer = SafetensorsWriter(metadata: original.metadata)
        for (name, t) in try original.allTensors(as: Double.self) { writer.add(t, named: name) }
        let bytes = appendingRawTensors(to: writer.serialized(), [(name: "pw1.bn.num_batches_tracked", dtype: "I64", shape: [], bytes: int64Bytes(7))])
        let f = try Fixture<Double>(file: SafetensorsFile(bytes: bytes))
        #expect(f.stateDict["pw1.bn.num_batches_tracked"] == nil)
        #expect(try f.check(path: .direct, options: ExecutionOptions(threads: 1)).passed)
    }

    @Test("scoped keeps exactly the keys under the prefix, stripped")
    func scopedKeys() {
        let t = Tensor<Float>(zeros: [1])
        let sd: [String: Tensor<Float>] = ["a.b.w": t, "a.b.c.w": t, "a.bb.w": t, "a.b.": t, "x.w": t]
        #expect(Set(sd.scoped("a.b.").keys) == ["w", "c.w"])
        #expect(sd.scoped("").count == sd.count)
        #expect(sd.scoped("z.").isEmpty)
    }

    @Test("an F16 weight is still an error: weights are never dropped silently")
    func halfPrecisionStillThrows() throws {
        let bytes = appendingRawTensors(to: SafetensorsWriter().serialized(), [(name: "w", dtype: "F16", shape: [1], bytes: [0, 0x3C])])
        let file = try SafetensorsFile(bytes: bytes)
        #expect(throws: SafetensorsError(.unsupportedDtype(tensor: "w", dtype: .f16))) { try file.allTensors(as: Float.self) }
    }
}
