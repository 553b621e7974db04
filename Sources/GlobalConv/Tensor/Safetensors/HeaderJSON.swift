/// A JSON value of a safetensors header (RFC 8259), as parsed by ``HeaderJSONParser``.
///
/// Objects keep their members in file order, duplicates included, so the caller can reject
/// duplicates with a message naming the key. Numbers keep their literal text: the header's
/// numbers are shape extents and byte offsets, which must be read as exact integers, never
/// through a `Double`.
enum HeaderJSON: Equatable, Sendable {
    case object([Member])
    case array([HeaderJSON])
    case string(String)
    /// The number exactly as written; it matches the JSON number grammar.
    case number(String)
    case bool(Bool)
    case null

    struct Member: Equatable, Sendable {
        var key: String
        var value: HeaderJSON
    }

    /// A short description for error messages, e.g. `an array`, `the string "F16"`, `the number 1.5`.
    var summary: String {
        switch self {
        case .object: "an object"
        case .array(let a): "an array of \(a.count) value\(a.count == 1 ? "" : "s")"
        case .string(let s): "the string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .number(let n): "the number \(n.count > 40 ? String(n.prefix(40)) + "…" : n)"
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }

    /// The value as a non-negative `Int` if it is an integer literal (no sign, fraction or
    /// exponent) that fits, else `nil`. `1.0`, `1e2`, `-1` and `99999999999999999999` are `nil`.
    var nonNegativeInt: Int? {
        guard case .number(let text) = self,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(text)
    }

    /// The value as it appears in an error message: the literal for a number, the summary otherwise.
    var literal: String {
        if case .number(let text) = self { return text }
        return summary
    }
}

/// Why ``HeaderJSONParser`` stopped.
enum HeaderJSONError: Error, Equatable {
    case syntax(offset: Int, problem: String)
    case tooDeep(offset: Int, limit: Int)
}

extension HeaderJSON {
    /// The byte offset of the first invalid UTF-8 sequence in `bytes`, or `nil` if all is valid.
    static func firstInvalidUTF8Offset<C: Collection<UInt8>>(in bytes: C) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
