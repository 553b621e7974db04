import Foundation
import Testing
import GlobalConv

/// Hand-built safetensors bytes for the Safetensors tests: the layout is written out here
/// (8-byte little-endian length, header text, data), independently of `SafetensorsWriter`.
enum SafetensorsTestBytes {
    /// A file whose header is `header` (UTF-8) and whose prefix declares `declaredLength`
    /// (default: the true header length).
    static func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        file(headerBytes: Array(header.utf8), data: data, declaredLength: declaredLength)
    }

    static func file(headerBytes: [UInt8], data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        littleEndian(declaredLength ?? UInt64(headerBytes.count)) + headerBytes + data
    }

    /// The 8 little-endian bytes of `n`, built by shifting (not via the host's byte order).
    static func littleEndian(_ n: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
    }

    /// IEEE 754 binary32 values as little-endian bytes.
    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
    }

    /// IEEE 754 binary64 values as little-endian bytes.
    static func f64(_ values: [Double]) -> [UInt8] {
        values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt64($0))) } }
    }

    /// The reason `SafetensorsFile(bytes:)` rejects `bytes`, or `nil` if it accepts them.
    static func rejection(_ bytes: [UInt8]) -> SafetensorsError.Reason? {
        do {
            _ = try SafetensorsFile(bytes: bytes)
            return nil
        } catch {
            return error.reason
        }
    }

    /// Bytes from base64 lines (fixtures written by Python, pasted into the tests).
    static func base64(_ lines: [String]) -> [UInt8] {
        guard let data = Data(base64Encoded: lines.joined()) else { fatalError("bad base64 in test source") }
        return [UInt8](data)
    }
}

/// The parent suite of every safetensors test (`swift test --filter Safetensors`).
@Suite("Safetensors")
enum SafetensorsTests {}
