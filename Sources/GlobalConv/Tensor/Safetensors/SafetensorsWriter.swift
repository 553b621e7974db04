/// Builds a safetensors file from `Float` and `Double` tensors.
///
/// Output, byte for byte deterministic for the same contents:
/// - the 8-byte little-endian header length `N`, always a multiple of 8;
/// - the header: compact JSON (no whitespace), `"__metadata__"` first when ``metadata`` is
///   not empty (keys sorted by UTF-8 bytes), then one `{"dtype","shape","data_offsets"}` entry per
///   tensor, names sorted by UTF-8 bytes; padded with spaces (`0x20`) to the multiple of 8, as
///   the reference implementation does;
/// - the data: each tensor's row-major little-endian bytes in name order, contiguous from offset
///   0 (no gaps), `F32` for `Tensor<Float>`, `F64` for `Tensor<Double>`.
///
/// For a file of one precision this is exactly what `safetensors.torch.save_file` writes (it
/// orders tensors by dtype size, then name). Strings are escaped as in `serde_json`.
/// Value type, `Sendable`; not meant to be mutated from several tasks at once.
public struct SafetensorsWriter: Sendable {
    /// A tensor as it is stored: its dtype (`F32` or `F64`), shape and little-endian data bytes.
    struct Stored: Sendable {
        var dtype: SafetensorsDType
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// Written as `__metadata__`; omitted from the header when empty.
    public var metadata: [String: String]
    private var tensors: [String: Stored] = [:]

    /// An empty file with `metadata`.
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// The names added so far, in file order.
    public var names: [String] { tensors.keys.sorted(by: SafetensorsFile.precedes) }

    /// Adds `tensor` as `name`, stored as `F32` or `F64` according to `S.precision`.
    /// - Precondition: `name` is not `__metadata__` and was not added before.
    public mutating func add<S: TensorScalar>(_ tensor: Tensor<S>, named name: String) {
        precondition(name != "__metadata__", "SafetensorsWriter: '__metadata__' is reserved and cannot name a tensor")
        precondition(tensors[name] == nil, "SafetensorsWriter: tensor '\(name)' added twice")
        var bytes: [UInt8] = []
        S._appendLittleEndianBytes(tensor.scalars, to: &bytes)
        tensors[name] = Stored(dtype: SafetensorsDType(S.precision), shape: tensor.shape, bytes: bytes)
    }

    /// The complete file.
    public func serialized() -> [UInt8] {
        let order = names
        var header: [UInt8] = Array("{".utf8)
        var first = true
        func separate() { if !first { header.append(UInt8(ascii: ",")) }; first = false }
        if !metadata.isEmpty {
            separate()
            header += Self.jsonString("__metadata__") + Array(":{".utf8)
            for (k, key) in metadata.keys.sorted(by: SafetensorsFile.precedes).enumerated() {
                if k > 0 { header.append(UInt8(ascii: ",")) }
                header += Self.jsonString(key) + [UInt8(ascii: ":")] + Self.jsonString(metadata[key] ?? "")
            }
            header.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for name in order {
            let stored = tensors[name]!
            let (dtype, shape, byteCount) = (stored.dtype, stored.shape, stored.bytes.count)
            separate()
            let shapeText = shape.map(String.init).joined(separator: ",")
            header += Self.jsonString(name)
            header += Array(":{\"dtype\":\"\(dtype)\",\"shape\":[\(shapeText)],\"data_offsets\":[\(offset),\(offset + byteCount)]}".utf8)
            offset += byteCount
        }
        header.append(UInt8(ascii: "}"))
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var file: [UInt8] = []
        file.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file += $0 }
        file += header
        for name in order { file += tensors[name]!.bytes }
        return file
    }

    /// Writes ``serialized()`` to `path` (atomically: a temporary file renamed into place).
    /// - Throws: ``SafetensorsError/Reason/cannotWrite(_:)`` with `path`.
    public func write(atPath path: String) throws(SafetensorsError) {
        try SafetensorsIO.writeFile(serialized(), to: path)
    }

    /// ``write(atPath:)`` under its former name.
    @available(*, deprecated, renamed: "write(atPath:)")
    public func write(to path: String) throws(SafetensorsError) {
        try write(atPath: path)
    }

    /// `s` as a JSON string literal: `"` and `\` escaped, control characters as `\b \f \n \r \t`
    /// or `\u00XX`, everything else as its UTF-8 bytes (the escaping of `serde_json`).
    static func jsonString(_ s: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x08: out += Array("\\b".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [digits[Int(b >> 4)], digits[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }
}
