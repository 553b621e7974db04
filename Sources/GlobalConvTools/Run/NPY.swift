import GlobalConv

/// A small, strict reader and writer of NumPy's `.npy` format (format versions 1.0, 2.0 and 3.0):
/// little-endian `float32` (`'<f4'`) or `float64` (`'<f8'`) arrays in C order, nothing else.
///
/// The header must be the dictionary `np.save` writes — exactly the keys `descr`, `fortran_order` and
/// `shape`, in any order — and the data must be exactly `prod(shape) · itemsize` bytes: a truncated
/// file, trailing bytes, a big-endian or integer dtype, Fortran order, an object array or a malformed
/// header is a ``ToolError/invalidValue(_:)`` that names the file and the problem.
package enum NPY {
    /// A decoded array: its shape and values (widened to Double), and its element type.
    package struct Array: Sendable, Equatable {
        package var shape: [Int]
        package var values: [Double]
        /// `"<f4"` or `"<f8"`.
        package var descr: String
    }

    static let magic: [UInt8] = [0x93] + Swift.Array("NUMPY".utf8)

    /// Reads the `.npy` file at `path`. - Throws: ``ToolError/io(_:)`` when it cannot be read,
    /// ``ToolError/invalidValue(_:)`` when it is not a valid float32/float64 C-order `.npy`.
    package static func read(path: String) throws(ToolError) -> Array {
        let bytes = try FileAccess.readBytes(path: path, what: ".npy file")
        do { return try decode(bytes) } catch { throw .invalidValue("\(path): \(error.description)") }
    }

    /// Decodes `.npy` bytes (see ``read(path:)``).
    package static func decode(_ bytes: [UInt8]) throws(ToolError) -> Array {
        guard bytes.count >= 8, Swift.Array(bytes[0..<6]) == magic else {
            throw .invalidValue("not a .npy file (it does not start with \\x93NUMPY)")
        }
        let (major, minor) = (bytes[6], bytes[7])
        guard [1, 2, 3].contains(major), minor == 0 else {
            throw .invalidValue(".npy format version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw .invalidValue("truncated .npy header") }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard headerLength <= bytes.count - start else {
            throw .invalidValue("truncated .npy header: it declares \(headerLength) bytes, the file has \(bytes.count - start) after the length")
        }
        let headerBytes = bytes[start..<(start + headerLength)]
        if major < 3, headerBytes.contains(where: { $0 >= 0x80 }) {
            throw .invalidValue("the .npy \(major).0 header must be ASCII")
        }
        guard let header = String(validating: headerBytes, as: UTF8.self) else { throw .invalidValue("the .npy header is not UTF-8") }
        guard header.hasSuffix("\n") else { throw .invalidValue("the .npy header does not end with a newline") }
        var parser = HeaderParser(text: header)
        let dict = try parser.parseDictionary()
        guard Set(dict.keys) == ["descr", "fortran_order", "shape"] else {
            throw .invalidValue("the .npy header must have exactly the keys 'descr', 'fortran_order', 'shape'; it has \(dict.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))")
        }
        guard case .string(let descr) = dict["descr"]! else { throw .invalidValue("the .npy 'descr' must be a string such as '<f4'") }
        guard case .bool(let fortran) = dict["fortran_order"]! else { throw .invalidValue("the .npy 'fortran_order' must be True or False") }
        guard case .tuple(let shape) = dict["shape"]! else { throw .invalidValue("the .npy 'shape' must be a tuple of integers") }
        let itemSize: Int
        switch descr {
        case "<f4": itemSize = 4
        case "<f8": itemSize = 8
        case ">f4", ">f8": throw .invalidValue("big-endian arrays ('\(descr)') are not supported; save with .astype('<f4')")
        default: throw .invalidValue("dtype '\(descr)' is not supported: only float32 ('<f4') and float64 ('<f8')")
        }
        guard !fortran else { throw .invalidValue("Fortran-order arrays are not supported; save np.ascontiguousarray(x)") }
        var count = 1
        for d in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= 1 << 31 else { throw .invalidValue("the .npy shape \(shape) is too large") }
            count = p
        }
        let dataStart = start + headerLength
        let have = bytes.count - dataStart
        let need = count * itemSize
        guard have >= need else {
            throw .invalidValue("truncated: shape \(shape) of '\(descr)' needs \(need) bytes of data, the file has \(have)")
        }
        guard have == need else { throw .invalidValue("\(have - need) unexpected bytes after the data of shape \(shape)") }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart
            if itemSize == 4 {
                for i in 0..<count {
                    values[i] = Double(Float(bitPattern: UInt32(littleEndian: (base + 4 * i).loadUnaligned(as: UInt32.self))))
                }
            } else {
                for i in 0..<count {
                    values[i] = Double(bitPattern: UInt64(littleEndian: (base + 8 * i).loadUnaligned(as: UInt64.self)))
                }
            }
        }
        return Array(shape: shape, values: values, descr: descr)
    }

    /// The `.npy` (format 1.0) bytes of `tensor`: `'<f4'` for Float, `'<f8'` for Double; header padded
    /// to a multiple of 64 bytes as `np.save` does.
    package static func encode<S: TensorScalar>(_ tensor: Tensor<S>) -> [UInt8] {
        let descr = S.precision == .float64 ? "<f8" : "<f4"
        let dims = tensor.shape.map(String.init)
        let shape = dims.count == 1 ? "(\(dims[0]),)" : "(" + dims.joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = magic + [1, 0]
        let n = header.utf8.count
        out += [UInt8(n & 0xFF), UInt8(n >> 8)]
        out += Swift.Array(header.utf8)
        out.reserveCapacity(out.count + tensor.count * (S.precision == .float64 ? 8 : 4))
        for v in tensor.scalars {
            if S.precision == .float64 {
                withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { out += $0 }
            } else {
                withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out += $0 }
            }
        }
        return out
    }

    /// Writes `tensor` to `path` (see ``encode(_:)``).
    package static func write<S: TensorScalar>(_ tensor: Tensor<S>, to path: String) throws(ToolError) {
        try FileAccess.writeBytes(encode(tensor), path: path, what: ".npy file")
    }

    /// The header's Python literal: a dict of string keys to strings, booleans or tuples of integers.
    enum Value: Equatable { case string(String), bool(Bool), tuple([Int]) }

    struct HeaderParser {
        let chars: [Character]
        var i = 0
        init(text: String) { chars = Swift.Array(text) }

        mutating func skipSpace() { while i < chars.count, chars[i] == " " || chars[i] == "\n" || chars[i] == "\t" { i += 1 } }

        mutating func expect(_ c: Character) throws(ToolError) {
            skipSpace()
            guard i < chars.count, chars[i] == c else { throw malformed("expected '\(c)'") }
            i += 1
        }

        func malformed(_ what: String) -> ToolError {
            .invalidValue("malformed .npy header at character \(i): \(what) in \(String(chars).trimmingSuffixNewline.debugDescription)")
        }

        mutating func parseDictionary() throws(ToolError) -> [String: Value] {
            try expect("{")
            var out: [String: Value] = [:]
            while true {
                skipSpace()
                guard i < chars.count else { throw malformed("unterminated dictionary") }
                if chars[i] == "}" { i += 1; break }
                let key = try parseString()
                guard out[key] == nil else { throw malformed("duplicate key '\(key)'") }
                try expect(":")
                out[key] = try parseValue()
                skipSpace()
                guard i < chars.count else { throw malformed("unterminated dictionary") }
                if chars[i] == "," { i += 1; continue }
                if chars[i] == "}" { i += 1; break }
                throw malformed("expected ',' or '}'")
            }
            skipSpace()
            guard i == chars.count else { throw malformed("text after the dictionary") }
            return out
        }

        mutating func parseString() throws(ToolError) -> String {
            skipSpace()
            guard i < chars.count, chars[i] == "'" || chars[i] == "\"" else { throw malformed("expected a quoted string") }
            let quote = chars[i]
            i += 1
            var s = ""
            while i < chars.count, chars[i] != quote {
                guard chars[i] != "\\" else { throw malformed("escapes are not supported in strings") }
                s.append(chars[i]); i += 1
            }
            guard i < chars.count else { throw malformed("unterminated string") }
            i += 1
            return s
        }

        mutating func parseValue() throws(ToolError) -> Value {
            skipSpace()
            guard i < chars.count else { throw malformed("missing value") }
            switch chars[i] {
            case "'", "\"": return .string(try parseString())
            case "T", "F":
                for (word, value) in [("True", true), ("False", false)] where String(chars[i..<min(chars.count, i + word.count)]) == word {
                    i += word.count
                    return .bool(value)
                }
                throw malformed("expected True or False")
            case "(":
                i += 1
                var dims: [Int] = []
                while true {
                    skipSpace()
                    guard i < chars.count else { throw malformed("unterminated tuple") }
                    if chars[i] == ")" { i += 1; break }
                    var digits = ""
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber { digits.append(chars[i]); i += 1 }
                    guard !digits.isEmpty, digits.count <= 12, let d = Int(digits) else { throw malformed("expected a non-negative integer dimension") }
                    dims.append(d)
                    skipSpace()
                    guard i < chars.count else { throw malformed("unterminated tuple") }
                    if chars[i] == "," { i += 1; continue }
                    if chars[i] == ")" { i += 1; break }
                    throw malformed("expected ',' or ')' in the shape")
                }
                return .tuple(dims)
            default:
                throw malformed("unsupported value")
            }
        }
    }
}

extension String {
    fileprivate var trimmingSuffixNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
