/// A recursive-descent JSON parser (RFC 8259) for safetensors headers, with a nesting limit.
///
/// Every byte access is bounds-checked through ``peek()``; recursion is bounded by `depthLimit`
/// (an object or array at depth `depthLimit + 1` throws ``HeaderJSONError/tooDeep(offset:limit:)``),
/// so a hostile header can neither read out of bounds nor exhaust the stack. Whitespace before
/// and after the top-level value is allowed (safetensors pads headers with spaces); anything else
/// after it is an error. Strings may contain any escape, including surrogate pairs; lone
/// surrogates and raw control characters are errors. Input must already be valid UTF-8.
struct HeaderJSONParser {
    private let bytes: [UInt8]
    private let depthLimit: Int
    private var index = 0

    init<C: Collection<UInt8>>(_ bytes: C, depthLimit: Int) {
        self.bytes = Array(bytes)
        self.depthLimit = depthLimit
    }

    /// Parses the whole input as one JSON value.
    mutating func parseDocument() throws(HeaderJSONError) -> HeaderJSON {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        if index != bytes.count { throw fail("unexpected \(describeByte()) after the top-level value") }
        return value
    }

    // MARK: Values

    private mutating func parseValue(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard let b = peek() else { throw fail("unexpected end of header, expected a value") }
        switch b {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: throw fail("unexpected \(describeByte()), expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard depth <= depthLimit else { throw .tooDeep(offset: index, limit: depthLimit) }
        index += 1  // '{'
        var members: [HeaderJSON.Member] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string key, found \(describeByte())") }
            let key = try parseString()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\", found \(describeByte())") }
            index += 1
            skipWhitespace()
            members.append(.init(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw fail("expected ',' or '}' in object, found \(describeByte())")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard depth <= depthLimit else { throw .tooDeep(offset: index, limit: depthLimit) }
        index += 1  // '['
        var elements: [HeaderJSON] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw fail("expected ',' or ']' in array, found \(describeByte())")
            }
        }
    }

    // MARK: Scalars

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func parseNumber() throws(HeaderJSONError) -> String {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else if skipDigits() == 0 {
            throw fail("expected a digit in number, found \(describeByte())")
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            if skipDigits() == 0 { throw fail("expected a digit after '.', found \(describeByte())") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            if skipDigits() == 0 { throw fail("expected a digit in exponent, found \(describeByte())") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func skipDigits() -> Int {
        var n = 0
        while let b = peek(), b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") { index += 1; n += 1 }
        return n
    }

    private mutating func parseString() throws(HeaderJSONError) -> String {
        index += 1  // '"'
        var utf8: [UInt8] = []
        while true {
            guard let b = peek() else { throw fail("unterminated string") }
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0..<0x20:
                index -= 1
                throw fail("raw control character 0x\(hex(b)) in string (must be escaped)")
            default:
                utf8.append(b)
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(HeaderJSONError) {
        guard let e = peek() else { throw fail("unterminated escape") }
        index += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = UInt32(try parseHex4())
            if (0xD800...0xDBFF).contains(code) {
                guard peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                    throw fail("high surrogate \\u\(hex4(code)) not followed by a low surrogate")
                }
                index += 2
                let low = UInt32(try parseHex4())
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("high surrogate \\u\(hex4(code)) followed by \\u\(hex4(low)), not a low surrogate")
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw fail("lone low surrogate \\u\(hex4(code))")
            }
            // Every value left is a Unicode scalar: surrogates were handled above.
            guard let scalar = Unicode.Scalar(code) else { throw fail("invalid code point \(code)") }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            index -= 1
            throw fail("invalid escape '\\\(describeByte())'")
        }
    }

    private mutating func parseHex4() throws(HeaderJSONError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let b = peek() else { throw fail("unterminated \\u escape") }
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw fail("expected a hex digit in \\u escape, found \(describeByte())")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private mutating func expectLiteral(_ word: String) throws(HeaderJSONError) {
        for (k, expected) in word.utf8.enumerated() where peek(k) != expected {
            throw fail("invalid literal, expected '\(word)'")
        }
        index += word.utf8.count
    }

    // MARK: Bytes

    /// The byte `ahead` positions after the cursor, or `nil` past the end.
    private func peek(_ ahead: Int = 0) -> UInt8? {
        let i = index + ahead
        return i < bytes.count ? bytes[i] : nil
    }

    private mutating func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
    }

    private func describeByte() -> String {
        guard let b = peek() else { return "end of header" }
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(hex(b))"
    }

    private func fail(_ problem: String) -> HeaderJSONError {
        .syntax(offset: index, problem: problem)
    }

    private func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }

    private func hex4(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }
}
