import Testing
import GlobalConv

/// One hand-built bad file and the exact reason the reader must give.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: SafetensorsError.Reason
    var testDescription: String { label }

    init(_ label: String, _ bytes: [UInt8], _ expected: SafetensorsError.Reason) {
        self.label = label
        self.bytes = bytes
        self.expected = expected
    }

    init(_ label: String, header: String, data: [UInt8] = [], _ expected: SafetensorsError.Reason) {
        self.init(label, SafetensorsTestBytes.file(header: header, data: data), expected)
    }
}

/// A valid one-element F32 entry, `[begin, begin + 4]`.
private func f32(_ begin: Int = 0, shape: String = "[1]") -> String {
    #"{"dtype":"F32","shape":\#(shape),"data_offsets":[\#(begin),\#(begin + 4)]}"#
}

extension SafetensorsTests {
    @Suite("malformed files")
    struct Malformed {
        static let framing: [MalformedCase] = [
            MalformedCase("empty file", [], .fileTooShort(byteCount: 0)),
            MalformedCase("7-byte file", [2, 0, 0, 0, 0, 0, 0], .fileTooShort(byteCount: 7)),
            MalformedCase("header length 100 with 10 bytes after the prefix",
                          SafetensorsTestBytes.file(header: "{}", data: Array(repeating: 0x20, count: 8), declaredLength: 100),
                          .headerLengthExceedsFile(headerLength: 100, bytesAfterPrefix: 10)),
            MalformedCase("header length 2^64 - 1",
                          SafetensorsTestBytes.file(header: "{}", declaredLength: .max),
                          .headerLengthExceedsFile(headerLength: .max, bytesAfterPrefix: 2)),
            MalformedCase("header length 2^64 - 8, where 8 + N wraps to 0",
                          SafetensorsTestBytes.file(header: "{}", declaredLength: .max - 7),
                          .headerLengthExceedsFile(headerLength: .max - 7, bytesAfterPrefix: 2)),
            MalformedCase("header length 2^63",
                          SafetensorsTestBytes.file(header: "{}", declaredLength: 1 << 63),
                          .headerLengthExceedsFile(headerLength: 1 << 63, bytesAfterPrefix: 2)),
        ]

        static let encoding: [MalformedCase] = [
            MalformedCase("byte 0xFF in a key",
                          SafetensorsTestBytes.file(headerBytes: Array(#"{"a"#.utf8) + [0xFF] + Array(#"":1}"#.utf8)),
                          .headerNotUTF8(byteOffset: 3)),
            MalformedCase("overlong encoding of '/'",
                          SafetensorsTestBytes.file(headerBytes: Array(#"{"a"#.utf8) + [0xC0, 0xAF] + Array(#"":1}"#.utf8)),
                          .headerNotUTF8(byteOffset: 3)),
            MalformedCase("UTF-8-encoded surrogate U+D800",
                          SafetensorsTestBytes.file(headerBytes: Array(#"{"ü"#.utf8) + [0xED, 0xA0, 0x80] + Array(#"":1}"#.utf8)),
                          .headerNotUTF8(byteOffset: 4)),
            MalformedCase("header ends inside a two-byte sequence",
                          SafetensorsTestBytes.file(headerBytes: Array(#"{"a":""#.utf8) + [0xC3]),
                          .headerNotUTF8(byteOffset: 6)),
        ]

        /// `problem` texts are not compared (see `comparable`), the offsets are.
        static let syntax: [MalformedCase] = [
            MalformedCase("empty header", header: "", .invalidJSON(byteOffset: 0, problem: "")),
            MalformedCase("header ends after a key", header: #"{"a":"#, .invalidJSON(byteOffset: 5, problem: "")),
            MalformedCase("missing colon", header: #"{"a" 1}"#, .invalidJSON(byteOffset: 5, problem: "")),
            MalformedCase("content after the object", header: "{} x", .invalidJSON(byteOffset: 3, problem: "")),
            MalformedCase("single-quoted key", header: "{'a':1}", .invalidJSON(byteOffset: 1, problem: "")),
            MalformedCase("trailing comma", header: #"{"a":1,}"#, .invalidJSON(byteOffset: 7, problem: "")),
            MalformedCase("raw control character in a string", header: "{\"a\u{01}\":1}", .invalidJSON(byteOffset: 3, problem: "")),
            MalformedCase("invalid escape", header: #"{"a\x":1}"#, .invalidJSON(byteOffset: 4, problem: "")),
            MalformedCase("lone high surrogate escape", header: #"{"\ud800":1}"#, .invalidJSON(byteOffset: 8, problem: "")),
            MalformedCase("lone low surrogate escape", header: #"{"\udc00":1}"#, .invalidJSON(byteOffset: 8, problem: "")),
            MalformedCase("leading zero", header: #"{"a":01}"#, .invalidJSON(byteOffset: 6, problem: "")),
            MalformedCase("no digit after the point", header: #"{"a":1.}"#, .invalidJSON(byteOffset: 7, problem: "")),
            MalformedCase("bare minus", header: #"{"a":-}"#, .invalidJSON(byteOffset: 6, problem: "")),
            MalformedCase("misspelt literal", header: #"{"a":tru}"#, .invalidJSON(byteOffset: 5, problem: "")),
            MalformedCase("unterminated string", header: #"{"a"#, .invalidJSON(byteOffset: 3, problem: "")),
        ]

        /// An entry whose unknown field `x` is about to receive a nested value.
        static let ignoredFieldPrefix = #"{"t":{"dtype":"F32","shape":[],"data_offsets":[0,4],"x":"#

        static let nesting: [MalformedCase] = [
            MalformedCase("100 000 nested arrays", header: String(repeating: "[", count: 100_000),
                          .nestingTooDeep(byteOffset: 64, limit: 64)),
            MalformedCase("100 000 nested objects inside an entry",
                          header: #"{"t":{"x":"# + String(repeating: #"{"a":"#, count: 100_000),
                          .nestingTooDeep(byteOffset: 10 + 62 * 5, limit: 64)),
            // root (1) → entry (2) → 63 arrays (3…65): the 63rd array is one too deep.
            MalformedCase("depth 65 in an ignored field",
                          header: ignoredFieldPrefix + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}}",
                          data: [0, 0, 0, 0], .nestingTooDeep(byteOffset: ignoredFieldPrefix.utf8.count + 62, limit: 64)),
        ]

        static let structure: [MalformedCase] = [
            MalformedCase("header is an array", header: "[]", .headerNotObject(found: "an array of 0 values")),
            MalformedCase("header is a string", header: #""F32""#, .headerNotObject(found: #"the string "F32""#)),
            MalformedCase("header is null", header: "null", .headerNotObject(found: "null")),
            MalformedCase("tensor name twice", header: #"{"a":\#(f32()),"a":\#(f32())}"#, data: Array(repeating: 0, count: 4),
                          .duplicateKey(key: "a", object: "the header")),
            MalformedCase("__metadata__ twice", header: #"{"__metadata__":{},"__metadata__":{}}"#,
                          .duplicateKey(key: "__metadata__", object: "the header")),
            MalformedCase("metadata key twice", header: #"{"__metadata__":{"k":"1","k":"2"}}"#,
                          .duplicateKey(key: "k", object: "__metadata__")),
            MalformedCase("entry field twice",
                          header: #"{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                          data: [0, 0, 0, 0], .duplicateKey(key: "dtype", object: "tensor 'a'")),
            MalformedCase("__metadata__ is an array", header: #"{"__metadata__":["k"]}"#,
                          .invalidMetadata(key: nil, found: "an array of 1 value")),
            MalformedCase("metadata value is a number", header: #"{"__metadata__":{"k":1}}"#,
                          .invalidMetadata(key: "k", found: "the number 1")),
            MalformedCase("metadata value is null", header: #"{"__metadata__":{"k":null}}"#,
                          .invalidMetadata(key: "k", found: "null")),
            MalformedCase("entry is an array", header: #"{"a":[1]}"#, .entryNotObject(tensor: "a", found: "an array of 1 value")),
        ]

        static let fields: [MalformedCase] = [
            MalformedCase("dtype missing", header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0],
                          .missingField(tensor: "a", field: "dtype")),
            MalformedCase("shape missing", header: #"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0],
                          .missingField(tensor: "a", field: "shape")),
            MalformedCase("data_offsets missing", header: #"{"a":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0],
                          .missingField(tensor: "a", field: "data_offsets")),
            MalformedCase("dtype is a number", header: #"{"a":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#,
                          .wrongFieldType(tensor: "a", field: "dtype", expected: "a string", found: "the number 32")),
            MalformedCase("shape is a string", header: #"{"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}"#,
                          .wrongFieldType(tensor: "a", field: "shape", expected: "an array of integers", found: #"the string "1""#)),
            MalformedCase("one data offset", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4]}}"#,
                          .wrongFieldType(tensor: "a", field: "data_offsets", expected: "an array of 2 integers", found: "an array of 1 value")),
            MalformedCase("three data offsets", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#,
                          .wrongFieldType(tensor: "a", field: "data_offsets", expected: "an array of 2 integers", found: "an array of 3 values")),
            MalformedCase("data_offsets is an object", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":{}}}"#,
                          .wrongFieldType(tensor: "a", field: "data_offsets", expected: "an array of 2 integers", found: "an object")),
            MalformedCase("dtype F128", header: #"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,4]}}"#,
                          .unknownDtype(tensor: "a", dtype: "F128")),
            MalformedCase("dtype in lower case", header: #"{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#,
                          .unknownDtype(tensor: "a", dtype: "f32")),
            MalformedCase("sub-byte dtype F4", header: #"{"a":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}}"#,
                          .unknownDtype(tensor: "a", dtype: "F4")),
        ]

        static let numbers: [MalformedCase] = [
            MalformedCase("negative extent", header: #"{"a":\#(f32(shape: "[2,-1]"))}"#,
                          .invalidShapeExtent(tensor: "a", index: 1, value: "-1")),
            MalformedCase("fractional extent", header: #"{"a":\#(f32(shape: "[1.0]"))}"#,
                          .invalidShapeExtent(tensor: "a", index: 0, value: "1.0")),
            MalformedCase("extent with exponent", header: #"{"a":\#(f32(shape: "[1e0]"))}"#,
                          .invalidShapeExtent(tensor: "a", index: 0, value: "1e0")),
            MalformedCase("extent is a string", header: #"{"a":\#(f32(shape: #"["1"]"#))}"#,
                          .invalidShapeExtent(tensor: "a", index: 0, value: #"the string "1""#)),
            MalformedCase("extent 2^63 does not fit in Int", header: #"{"a":\#(f32(shape: "[9223372036854775808]"))}"#,
                          .invalidShapeExtent(tensor: "a", index: 0, value: "9223372036854775808")),
            MalformedCase("negative offset", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#,
                          .invalidOffset(tensor: "a", index: 0, value: "-4")),
            MalformedCase("fractional offset", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}"#,
                          .invalidOffset(tensor: "a", index: 1, value: "4.0")),
            MalformedCase("offset beyond UInt64", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999999]}}"#,
                          .invalidOffset(tensor: "a", index: 1, value: "99999999999999999999999")),
            MalformedCase("element count 2^32 · 2^32 overflows", header: #"{"a":\#(f32(shape: "[4294967296,4294967296]"))}"#,
                          .elementCountOverflow(tensor: "a", shape: [1 << 32, 1 << 32])),
            MalformedCase("overflow before a zero extent", header: #"{"a":\#(f32(shape: "[4611686018427387904,4,0]"))}"#,
                          .elementCountOverflow(tensor: "a", shape: [1 << 62, 4, 0])),
            MalformedCase("Int.max F32 elements overflow in bytes", header: #"{"a":\#(f32(shape: "[9223372036854775807]"))}"#,
                          .byteCountOverflow(tensor: "a", elementCount: .max, dtype: .f32)),
            MalformedCase("2^60 F64 elements overflow in bytes",
                          header: #"{"a":{"dtype":"F64","shape":[1152921504606846976],"data_offsets":[0,8]}}"#,
                          .byteCountOverflow(tensor: "a", elementCount: 1 << 60, dtype: .f64)),
        ]

        static let ranges: [MalformedCase] = [
            MalformedCase("begin after end", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#,
                          data: Array(repeating: 0, count: 8), .offsetsReversed(tensor: "a", begin: 8, end: 4)),
            MalformedCase("end beyond the data", header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                          data: [0, 0, 0, 0], .offsetsBeyondData(tensor: "a", end: 8, dataLength: 4)),
            MalformedCase("end at Int.max", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775803,9223372036854775807]}}"#,
                          data: [0, 0, 0, 0], .offsetsBeyondData(tensor: "a", end: .max, dataLength: 4)),
            MalformedCase("range longer than the shape needs", header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#,
                          data: Array(repeating: 0, count: 8),
                          .byteLengthMismatch(tensor: "a", dtype: .f32, shape: [1], expected: 4, actual: 8)),
            MalformedCase("F64 tensor with F32 byte count", header: #"{"a":{"dtype":"F64","shape":[2,3],"data_offsets":[0,24]}}"#,
                          data: Array(repeating: 0, count: 24),
                          .byteLengthMismatch(tensor: "a", dtype: .f64, shape: [2, 3], expected: 48, actual: 24)),
            MalformedCase("zero-size tensor with bytes", header: #"{"a":{"dtype":"F32","shape":[0,3],"data_offsets":[0,4]}}"#,
                          data: [0, 0, 0, 0], .byteLengthMismatch(tensor: "a", dtype: .f32, shape: [0, 3], expected: 0, actual: 4)),
            MalformedCase("partly overlapping tensors",
                          header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                          data: Array(repeating: 0, count: 12),
                          .overlappingTensors(first: "a", firstRange: 0..<8, second: "b", secondRange: 4..<12)),
            MalformedCase("two tensors on the same bytes", header: #"{"b":\#(f32()),"a":\#(f32())}"#, data: [0, 0, 0, 0],
                          .overlappingTensors(first: "a", firstRange: 0..<4, second: "b", secondRange: 0..<4)),
            MalformedCase("zero-size tensor inside another",
                          header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#,
                          data: Array(repeating: 0, count: 8),
                          .overlappingTensors(first: "a", firstRange: 0..<8, second: "e", secondRange: 4..<4)),
            MalformedCase("gap between tensors", header: #"{"a":\#(f32(0)),"b":\#(f32(8))}"#, data: Array(repeating: 0, count: 12),
                          .uncoveredBytes(4..<8)),
            MalformedCase("gap before the first tensor", header: #"{"a":\#(f32(4))}"#, data: Array(repeating: 0, count: 8),
                          .uncoveredBytes(0..<4)),
            MalformedCase("trailing bytes", header: #"{"a":\#(f32(0))}"#, data: Array(repeating: 0, count: 9),
                          .uncoveredBytes(4..<9)),
            MalformedCase("data but no tensors", header: "{}", data: [1, 2, 3], .uncoveredBytes(0..<3)),
        ]

        /// `invalidJSON` is compared by offset only; its wording may change.
        static func comparable(_ reason: SafetensorsError.Reason?) -> SafetensorsError.Reason? {
            if case .invalidJSON(let offset, _)? = reason { return .invalidJSON(byteOffset: offset, problem: "") }
            return reason
        }

        @Test("a file is rejected with the exact reason",
              arguments: framing + encoding + syntax + nesting + structure + fields + numbers + ranges)
        func rejects(_ c: MalformedCase) {
            let reason = SafetensorsTestBytes.rejection(c.bytes)
            #expect(Self.comparable(reason) == c.expected)
        }

        @Test("every rejection's description names the problem")
        func descriptions() throws {
            let bytes = SafetensorsTestBytes.file(header: #"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,40]}}"#,
                                                  data: Array(repeating: 0, count: 40))
            let error = try #require(throws: SafetensorsError.self) { try SafetensorsFile(bytes: bytes) }
            #expect(error.description == "safetensors: tensor 'w': data_offsets hold 40 bytes, but F32 [2, 3] needs 24")
            let all = Self.framing + Self.encoding + Self.syntax + Self.nesting + Self.structure + Self.fields + Self.numbers + Self.ranges
            for c in all {
                let message = SafetensorsError(c.expected).description
                #expect(message.count > 30, "\(c.label): \(message)")
                if case .invalidJSON = c.expected { continue }
                if let name = c.expected.tensorName { #expect(message.contains("'\(name)'"), "\(c.label): \(message)") }
            }
        }

        @Test("nesting of exactly the limit is accepted")
        func nestingAtLimit() throws {
            // root (1) → entry (2) → 62 arrays (3…64).
            let header = Self.ignoredFieldPrefix + String(repeating: "[", count: 62) + String(repeating: "]", count: 62) + "}}"
            let file = try SafetensorsFile(bytes: SafetensorsTestBytes.file(header: header, data: SafetensorsTestBytes.f32([1.5])))
            #expect(try file.tensor("t", as: Float.self).scalars == [1.5])
            #expect(SafetensorsFile.maximumHeaderNestingDepth == 64)
        }

        @Test("asking for an absent tensor lists the names present")
        func absentTensor() throws {
            let file = try SafetensorsFile(bytes: SafetensorsTestBytes.file(
                header: #"{"b":\#(f32(0)),"a":\#(f32(4))}"#, data: Array(repeating: 0, count: 8)))
            #expect(throws: SafetensorsError(.noSuchTensor(name: "c", available: ["a", "b"]))) {
                try file.tensor("c", as: Float.self)
            }
        }
    }
}

extension SafetensorsError.Reason {
    /// The tensor a reason is about, if any (for checking that messages name it).
    var tensorName: String? {
        switch self {
        case .entryNotObject(let t, _), .missingField(let t, _), .wrongFieldType(let t, _, _, _), .unknownDtype(let t, _),
             .invalidShapeExtent(let t, _, _), .invalidOffset(let t, _, _), .elementCountOverflow(let t, _),
             .byteCountOverflow(let t, _, _), .offsetsReversed(let t, _, _), .offsetsBeyondData(let t, _, _),
             .byteLengthMismatch(let t, _, _, _, _), .unsupportedDtype(let t, _), .overlappingTensors(let t, _, _, _):
            t
        default:
            nil
        }
    }
}
