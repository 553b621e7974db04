/// Why a safetensors file could not be read or written, with the file path when one is known.
///
/// Every problem a file can have is a ``Reason`` carrying the offending names and numbers, so a
/// hostile or truncated file produces a message, never a crash. ``description`` reads like
/// `"weights.safetensors: tensor 'conv.weight': data_offsets [0, 40] hold 40 bytes, but F32 [2, 3] needs 24"`.
public struct SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong. Byte offsets in `headerNotUTF8`, `invalidJSON` and `nestingTooDeep` count from
    /// the first header byte (file offset 8); data offsets and ranges count from the first data byte.
    public enum Reason: Sendable, Equatable {
        /// Nothing exists at the path (`ENOENT`): `"missing.safetensors: no such file"`.
        case noSuchFile
        /// The file exists but could not be read; the payload is the system's reason, e.g.
        /// `"permission denied"`, `"is a directory"`.
        case cannotRead(String)
        /// The file could not be written; the payload is the system's message.
        case cannotWrite(String)
        /// Fewer than the 8 bytes of the header-length prefix.
        case fileTooShort(byteCount: Int)
        /// The prefix announces a header longer than the bytes that follow it.
        case headerLengthExceedsFile(headerLength: UInt64, bytesAfterPrefix: Int)
        /// The header is not valid UTF-8; the first bad sequence starts at `byteOffset`.
        case headerNotUTF8(byteOffset: Int)
        /// The header is not valid JSON.
        case invalidJSON(byteOffset: Int, problem: String)
        /// Objects and arrays nest deeper than `limit` (``SafetensorsFile/maximumHeaderNestingDepth``).
        case nestingTooDeep(byteOffset: Int, limit: Int)
        /// The header's top-level value is not an object; `found` describes it.
        case headerNotObject(found: String)
        /// A key appears twice in one object; `object` names the object (`header`, `__metadata__`, `tensor 'w'`).
        case duplicateKey(key: String, object: String)
        /// `__metadata__` is not an object (`key == nil`) or the value of `key` is not a string.
        case invalidMetadata(key: String?, found: String)
        /// A tensor's entry is not an object.
        case entryNotObject(tensor: String, found: String)
        /// A tensor's entry lacks `dtype`, `shape` or `data_offsets`.
        case missingField(tensor: String, field: String)
        /// A field of a tensor's entry has the wrong JSON type or length.
        case wrongFieldType(tensor: String, field: String, expected: String, found: String)
        /// A dtype string this reader does not know.
        case unknownDtype(tensor: String, dtype: String)
        /// `shape[index]` is not a non-negative integer that fits in `Int`; `value` is as written.
        case invalidShapeExtent(tensor: String, index: Int, value: String)
        /// `data_offsets[index]` is not a non-negative integer that fits in `Int`; `value` is as written.
        case invalidOffset(tensor: String, index: Int, value: String)
        /// The product of the extents overflows `Int`.
        case elementCountOverflow(tensor: String, shape: [Int])
        /// `elementCount × byteWidth` overflows `Int`.
        case byteCountOverflow(tensor: String, elementCount: Int, dtype: SafetensorsDType)
        /// `data_offsets` has `begin > end`.
        case offsetsReversed(tensor: String, begin: Int, end: Int)
        /// `data_offsets` ends after the data section.
        case offsetsBeyondData(tensor: String, end: Int, dataLength: Int)
        /// The byte range's length is not `elementCount × byteWidth`.
        case byteLengthMismatch(tensor: String, dtype: SafetensorsDType, shape: [Int], expected: Int, actual: Int)
        /// Two tensors' byte ranges overlap (ordered by start offset).
        case overlappingTensors(first: String, firstRange: Range<Int>, second: String, secondRange: Range<Int>)
        /// Bytes of the data section that no tensor covers (a gap or trailing bytes).
        case uncoveredBytes(Range<Int>)
        /// The tensor exists but its dtype is not `F32` or `F64`.
        case unsupportedDtype(tensor: String, dtype: SafetensorsDType)
        /// No tensor of that name; `available` lists the file's names (sorted).
        case noSuchTensor(name: String, available: [String])
    }

    /// What is wrong.
    public var reason: Reason
    /// The file the problem is in, when the bytes came from (or were going to) a file.
    public var path: String?

    public init(_ reason: Reason, path: String? = nil) {
        self.reason = reason
        self.path = path
    }

    public var description: String {
        let message = reason.message
        guard let path else { return "safetensors: \(message)" }
        return "\(path): \(message)"
    }
}

extension SafetensorsError.Reason {
    /// The human-readable message, without the file path.
    var message: String {
        switch self {
        case .noSuchFile:
            "no such file"
        case .cannotRead(let m):
            "cannot read: \(m)"
        case .cannotWrite(let m):
            "cannot write file: \(m)"
        case .fileTooShort(let n):
            "file is \(n) bytes long, shorter than the 8-byte header-length prefix"
        case .headerLengthExceedsFile(let n, let available):
            "header length \(n) exceeds the \(available) bytes after the 8-byte prefix (truncated or not a safetensors file)"
        case .headerNotUTF8(let offset):
            "header is not valid UTF-8 (first invalid byte at header offset \(offset))"
        case .invalidJSON(let offset, let problem):
            "header is not valid JSON at header offset \(offset): \(problem)"
        case .nestingTooDeep(let offset, let limit):
            "header JSON nests deeper than \(limit) levels (at header offset \(offset))"
        case .headerNotObject(let found):
            "header must be a JSON object, found \(found)"
        case .duplicateKey(let key, let object):
            "key '\(key)' appears more than once in \(object)"
        case .invalidMetadata(nil, let found):
            "__metadata__ must be an object of strings, found \(found)"
        case .invalidMetadata(let key?, let found):
            "__metadata__ value of '\(key)' must be a string, found \(found)"
        case .entryNotObject(let t, let found):
            "tensor '\(t)': entry must be an object with dtype, shape and data_offsets, found \(found)"
        case .missingField(let t, let field):
            "tensor '\(t)': missing field '\(field)'"
        case .wrongFieldType(let t, let field, let expected, let found):
            "tensor '\(t)': '\(field)' must be \(expected), found \(found)"
        case .unknownDtype(let t, let dtype):
            "tensor '\(t)': unknown dtype '\(dtype)' (known: \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .invalidShapeExtent(let t, let i, let value):
            "tensor '\(t)': shape[\(i)] = \(value) is not a non-negative integer that fits in Int"
        case .invalidOffset(let t, let i, let value):
            "tensor '\(t)': data_offsets[\(i)] = \(value) is not a non-negative integer that fits in Int"
        case .elementCountOverflow(let t, let shape):
            "tensor '\(t)': the element count of shape \(shape) overflows Int"
        case .byteCountOverflow(let t, let count, let dtype):
            "tensor '\(t)': \(count) elements of \(dtype) (\(dtype.byteWidth) bytes each) overflow Int"
        case .offsetsReversed(let t, let begin, let end):
            "tensor '\(t)': data_offsets [\(begin), \(end)] begin after they end"
        case .offsetsBeyondData(let t, let end, let length):
            "tensor '\(t)': data_offsets end at \(end), beyond the \(length)-byte data section"
        case .byteLengthMismatch(let t, let dtype, let shape, let expected, let actual):
            "tensor '\(t)': data_offsets hold \(actual) bytes, but \(dtype) \(shape) needs \(expected)"
        case .overlappingTensors(let a, let ra, let b, let rb):
            "tensors '\(a)' (bytes \(ra.lowerBound)..<\(ra.upperBound)) and '\(b)' (bytes \(rb.lowerBound)..<\(rb.upperBound)) overlap"
        case .uncoveredBytes(let r):
            "data bytes \(r.lowerBound)..<\(r.upperBound) belong to no tensor (the data section must be covered without gaps)"
        case .unsupportedDtype(let t, let dtype):
            "tensor '\(t)' has dtype \(dtype); GlobalConv reads only F32 and F64 tensors"
        case .noSuchTensor(let name, let available):
            "no tensor named '\(name)' (the file has \(Self.list(available)))"
        }
    }

    private static func list(_ names: [String]) -> String {
        if names.isEmpty { return "no tensors" }
        let shown = names.prefix(12).map { "'\($0)'" }.joined(separator: ", ")
        return names.count > 12 ? "\(shown), … \(names.count) in all" : shown
    }
}
