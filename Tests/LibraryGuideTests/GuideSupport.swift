import Foundation
import GlobalConv
import Backbones

/// The largest |a − b| over two tensors of the same shape.
func maxDifference<S: TensorScalar>(_ a: Tensor<S>, _ b: Tensor<S>) -> Double {
    precondition(a.shape == b.shape, "shapes differ: \(a.shape) vs \(b.shape)")
    return zip(a.scalars, b.scalars).reduce(0) { max($0, abs(Double($1.0) - Double($1.1))) }
}

/// Files the guide's examples read: a whole-model checkpoint and paths in a fresh temporary directory
/// (removed when the test process exits).
enum GuideFiles {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("library-guide-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: GuideFiles.directory) }
        return url
    }()

    static func temporaryPath(_ name: String) -> String {
        directory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// A checkpoint as `safetensors.torch.save_file(model.state_dict())` gives it: a `replknet.block`
    /// (in 32, dw 32, 31×31 with a 5×5) under `stages.2.blocks.5.`, random weights of order one (the
    /// keys and shapes asked from the block's strict loader), a neighbouring `stages.2.blocks.50.`
    /// tensor, a head, and an I64 `num_batches_tracked` beside every BatchNorm.
    static func replkCheckpoint() throws -> String {
        let config = #"{"in_channels": 32, "dw_channels": 32, "block_lk_size": 31, "small_kernel": 5}"#
        var needed: [(key: String, shape: [Int])] = []
        do {
            _ = try BlockRegistry.make(id: "replknet.block", configJSON: config, stateDict: [String: Tensor<Float>]())
        } catch {
            guard case .stateDict(let e) = error else { throw error }
            for case .missing(let key, let shape) in e.problems { needed.append((key, shape)) }
        }
        var writer = SafetensorsWriter()
        for (index, entry) in needed.sorted(by: { $0.key < $1.key }).enumerated() {
            var t = Tensor<Float>.random(shape: entry.shape, seed: UInt64(100 + index))
            if entry.key.hasSuffix("running_var") {
                t = Tensor(shape: t.shape, scalars: t.scalars.map { 1 + 0.5 * $0 })
            } else if entry.shape.count >= 2 {
                let scale = 1 / Float(entry.shape.dropFirst().reduce(1, *)).squareRoot()
                t = Tensor(shape: t.shape, scalars: t.scalars.map { $0 * scale })
            }
            writer.add(t, named: "stages.2.blocks.5." + entry.key)
        }
        writer.add(Tensor<Float>.random(shape: [32, 32, 1, 1], seed: 7), named: "stages.2.blocks.50.pw1.conv.weight")
        writer.add(Tensor<Float>.random(shape: [10, 32], seed: 8), named: "head.weight")
        let batchNorms = writer.names.filter { $0.hasSuffix(".running_mean") }.map { String($0.dropLast("running_mean".count)) }
        let bytes = appendingInt64Scalars(to: writer.serialized(), named: batchNorms.map { $0 + "num_batches_tracked" })
        let path = temporaryPath("model.safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `fileBytes` (a `SafetensorsWriter` file) with I64 scalars (value 1234) appended under `names`:
    /// the writer stores floating-point tensors only, as GlobalConv reads only those.
    private static func appendingInt64Scalars(to fileBytes: [UInt8], named names: [String]) -> [UInt8] {
        let headerLength = fileBytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = String(decoding: fileBytes[8..<(8 + headerLength)], as: UTF8.self)
        while header.hasSuffix(" ") { header.removeLast() }
        header.removeLast()  // the closing brace
        var data = Array(fileBytes[(8 + headerLength)...])
        for name in names {
            header += ",\"\(name)\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[\(data.count),\(data.count + 8)]}"
            data += (0..<8).map { UInt8(truncatingIfNeeded: Int64(1234) >> (8 * Int64($0))) }
        }
        header += "}"
        let headerBytes = Array(header.utf8)
        let length = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * UInt64($0))) }
        return length + headerBytes + data
    }
}
