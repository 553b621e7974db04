/// A validated safetensors file: its metadata, its tensor entries and their bytes — in memory (``init(bytes:)``)
/// or, for a file opened with ``init(atPath:)``, left in the file and read tensor by tensor when asked for
/// (only the prefix and header are read up front, so decoding a checkpoint's state_dict holds the decoded
/// tensors and one buffer of file bytes at a time, never the whole file beside them).
///
/// Layout (<https://huggingface.co/docs/safetensors>): an 8-byte little-endian `UInt64` header
/// length `N`; `N` bytes of UTF-8 JSON, an object mapping each tensor name to
/// `{"dtype": "F32", "shape": [d0, d1, …], "data_offsets": [begin, end]}` plus an optional
/// `"__metadata__": {string: string}`; then the data section, the tensors' raw little-endian,
/// row-major bytes. `data_offsets` count from the first data byte, `end` exclusive.
///
/// Validation happens once, in the initialisers, and is as strict as the reference (Rust)
/// implementation, or stricter:
/// - every tensor's byte range lies in the data section and holds exactly
///   `Π shape × byteWidth(dtype)` bytes (products checked for overflow);
/// - the ranges, ordered by `begin`, tile the data section **without gaps or overlaps** and
///   end exactly at its end, as the reference requires (so trailing bytes are an error);
/// - duplicate keys (tensor names, metadata keys, entry fields) are errors (the reference keeps
///   the last one); keys are compared as Swift `String`s, i.e. up to Unicode canonical equivalence;
/// - JSON nesting deeper than ``maximumHeaderNestingDepth`` is an error;
/// - unknown fields in a tensor's entry are ignored, as in the reference;
/// - zero-size tensors (`begin == end`) and rank-0 tensors (`shape == []`, one element) are legal.
///
/// Tensors of every dtype in ``SafetensorsDType`` are validated, so a file holding, say, an
/// `I64` `num_batches_tracked` opens; only F32 and F64 tensors can be read into a ``Tensor``, and
/// ``allTensors(as:)`` skips integer and boolean tensors (a checkpoint's state_dict without them).
///
/// Value type, immutable, `Sendable`: share it freely across tasks.
public struct SafetensorsFile: Sendable {
    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        /// The tensor's name (its key in the header).
        public let name: String
        /// The stored element type.
        public let dtype: SafetensorsDType
        /// The extents, outermost first (`[]` for a scalar).
        public let shape: [Int]
        /// The tensor's bytes, relative to the first data byte (`data_offsets`).
        public let dataOffsets: Range<Int>
        /// `Π shape` (1 for rank 0).
        public let elementCount: Int
    }

    /// The deepest nesting of JSON objects and arrays a header may have. A valid header needs 3
    /// (header → entry → shape); the limit bounds the reader's recursion on hostile input.
    public static let maximumHeaderNestingDepth = 64

    /// `__metadata__`, empty when the header has none.
    public let metadata: [String: String]
    /// The tensor names, sorted by their UTF-8 bytes.
    public let names: [String]
    /// The file the bytes came from (used in error messages), `nil` for ``init(bytes:)``.
    public let path: String?

    let entriesByName: [String: Entry]
    /// Where the bytes are; the data section starts at file offset ``dataStart``.
    let storage: Storage
    let dataStart: Int

    /// The file's bytes: all of them in memory, or an open file read on demand.
    enum Storage: Sendable {
        case memory([UInt8])
        case file(SafetensorsIO.OpenFile)
    }

    /// Parses and validates a safetensors file held in `bytes`.
    /// - Throws: ``SafetensorsError`` naming the problem (see ``SafetensorsError/Reason``).
    public init(bytes: [UInt8]) throws(SafetensorsError) {
        try self.init(bytes: bytes, path: nil)
    }

    /// Reads, parses and validates the safetensors file at `path`.
    /// - Throws: ``SafetensorsError`` with `path` set, for an unreadable or invalid file.
    public init(atPath path: String) throws(SafetensorsError) {
        let file = try SafetensorsIO.OpenFile(path: path)
        try self.init(head: file.prefixAndHeader(), fileLength: file.length, storage: .file(file), path: path)
    }

    /// ``init(atPath:)`` under its former name.
    @available(*, deprecated, renamed: "init(atPath:)")
    public init(contentsOf path: String) throws(SafetensorsError) {
        try self.init(atPath: path)
    }

    private init(bytes: [UInt8], path: String?) throws(SafetensorsError) {
        try self.init(head: bytes, fileLength: bytes.count, storage: .memory(bytes), path: path)
    }

    /// A file of `fileLength` bytes starting with `head` (the whole file, or its prefix and header),
    /// its bytes in `storage`.
    private init(head: [UInt8], fileLength: Int, storage: Storage, path: String?) throws(SafetensorsError) {
        do {
            let layout = try Self.parse(head, fileLength: fileLength)
            self.metadata = layout.metadata
            self.entriesByName = layout.entries
            self.names = layout.entries.keys.sorted(by: Self.precedes)
            self.dataStart = layout.dataStart
        } catch {
            throw SafetensorsError(error.reason, path: path)
        }
        self.storage = storage
        self.path = path
    }

    /// The entries of all tensors, in ``names`` order.
    public var entries: [Entry] { names.compactMap { entriesByName[$0] } }

    /// The entry of tensor `name`, or `nil` if the file has none of that name.
    public func entry(_ name: String) -> Entry? { entriesByName[name] }

    /// Whether the file holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { entriesByName[name] != nil }

    /// The order of ``names`` and of the writer's output: lexicographic by UTF-8 bytes.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// Parsing and validating the prefix and header of a safetensors file (see ``SafetensorsFile``
/// for the rules). Every check runs before any tensor byte is touched; each failure throws a
/// ``SafetensorsError`` (without a path; the initialiser adds it).
extension SafetensorsFile {
    /// What a valid header describes.
    struct Layout {
        var metadata: [String: String]
        var entries: [String: Entry]
        /// File offset of the first data byte: `8 + N`.
        var dataStart: Int
    }

    /// `N`, the little-endian `UInt64` of a file's first 8 bytes (`prefix.count ≥ 8`).
    static func headerLength(prefix: [UInt8]) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(prefix[$1]) << (8 * UInt64($1)) }
    }

    /// The layout of a file of `fileLength` bytes that starts with `bytes`: the whole file, or at least its
    /// prefix and, when the prefix's header length fits the file, the header
    /// (``SafetensorsIO/OpenFile/prefixAndHeader()``).
    static func parse(_ bytes: [UInt8], fileLength: Int) throws(SafetensorsError) -> Layout {
        guard fileLength >= 8, bytes.count >= 8 else { throw SafetensorsError(.fileTooShort(byteCount: fileLength)) }
        let headerLength = Self.headerLength(prefix: bytes)
        // Compare in UInt64 before converting: `8 + N` would overflow for N near 2⁶⁴.
        let afterPrefix = fileLength - 8
        guard headerLength <= UInt64(afterPrefix) else {
            throw SafetensorsError(.headerLengthExceedsFile(headerLength: headerLength, bytesAfterPrefix: afterPrefix))
        }
        let dataStart = 8 + Int(headerLength)
        precondition(bytes.count >= dataStart, "SafetensorsFile.parse: the header's bytes must be given")
        let header = bytes[8..<dataStart]
        let dataLength = fileLength - dataStart

        if let offset = HeaderJSON.firstInvalidUTF8Offset(in: header) {
            throw SafetensorsError(.headerNotUTF8(byteOffset: offset))
        }
        var parser = HeaderJSONParser(header, depthLimit: maximumHeaderNestingDepth)
        let root: HeaderJSON
        do {
            root = try parser.parseDocument()
        } catch {
            switch error {
            case .syntax(let offset, let problem): throw SafetensorsError(.invalidJSON(byteOffset: offset, problem: problem))
            case .tooDeep(let offset, let limit): throw SafetensorsError(.nestingTooDeep(byteOffset: offset, limit: limit))
            }
        }
        guard case .object(let members) = root else { throw SafetensorsError(.headerNotObject(found: root.summary)) }

        var metadata: [String: String] = [:]
        var entries: [String: Entry] = [:]
        var seen = Set<String>()
        for member in members {
            guard seen.insert(member.key).inserted else {
                throw SafetensorsError(.duplicateKey(key: member.key, object: "the header"))
            }
            if member.key == "__metadata__" {
                metadata = try parseMetadata(member.value)
            } else {
                entries[member.key] = try parseEntry(named: member.key, member.value, dataLength: dataLength)
            }
        }
        try checkCoverage(of: entries.values, dataLength: dataLength)
        return Layout(metadata: metadata, entries: entries, dataStart: dataStart)
    }

    /// `__metadata__` must be an object whose values are all strings.
    private static func parseMetadata(_ value: HeaderJSON) throws(SafetensorsError) -> [String: String] {
        guard case .object(let members) = value else {
            throw SafetensorsError(.invalidMetadata(key: nil, found: value.summary))
        }
        var metadata: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value else {
                throw SafetensorsError(.invalidMetadata(key: member.key, found: member.value.summary))
            }
            guard metadata.updateValue(text, forKey: member.key) == nil else {
                throw SafetensorsError(.duplicateKey(key: member.key, object: "__metadata__"))
            }
        }
        return metadata
    }

    /// One tensor's `{"dtype", "shape", "data_offsets"}`, checked against itself and the data length.
    private static func parseEntry(named name: String, _ value: HeaderJSON, dataLength: Int) throws(SafetensorsError) -> Entry {
        guard case .object(let members) = value else {
            throw SafetensorsError(.entryNotObject(tensor: name, found: value.summary))
        }
        var fields: [String: HeaderJSON] = [:]
        for member in members where fields.updateValue(member.value, forKey: member.key) != nil {
            throw SafetensorsError(.duplicateKey(key: member.key, object: "tensor '\(name)'"))
        }
        func field(_ key: String) throws(SafetensorsError) -> HeaderJSON {
            guard let v = fields[key] else { throw SafetensorsError(.missingField(tensor: name, field: key)) }
            return v
        }

        let dtypeValue = try field("dtype")
        guard case .string(let dtypeText) = dtypeValue else {
            throw SafetensorsError(.wrongFieldType(tensor: name, field: "dtype", expected: "a string", found: dtypeValue.summary))
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeText) else {
            throw SafetensorsError(.unknownDtype(tensor: name, dtype: dtypeText))
        }

        let shapeValue = try field("shape")
        guard case .array(let extents) = shapeValue else {
            throw SafetensorsError(.wrongFieldType(tensor: name, field: "shape", expected: "an array of integers", found: shapeValue.summary))
        }
        var shape: [Int] = []
        shape.reserveCapacity(extents.count)
        for (i, extent) in extents.enumerated() {
            guard let n = extent.nonNegativeInt else {
                throw SafetensorsError(.invalidShapeExtent(tensor: name, index: i, value: extent.literal))
            }
            shape.append(n)
        }

        let offsetsValue = try field("data_offsets")
        guard case .array(let offsets) = offsetsValue, offsets.count == 2 else {
            throw SafetensorsError(.wrongFieldType(tensor: name, field: "data_offsets", expected: "an array of 2 integers", found: offsetsValue.summary))
        }
        var bounds: [Int] = []
        for (i, offset) in offsets.enumerated() {
            guard let n = offset.nonNegativeInt else {
                throw SafetensorsError(.invalidOffset(tensor: name, index: i, value: offset.literal))
            }
            bounds.append(n)
        }
        let (begin, end) = (bounds[0], bounds[1])

        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw SafetensorsError(.elementCountOverflow(tensor: name, shape: shape)) }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow else { throw SafetensorsError(.byteCountOverflow(tensor: name, elementCount: count, dtype: dtype)) }
        guard begin <= end else { throw SafetensorsError(.offsetsReversed(tensor: name, begin: begin, end: end)) }
        guard end <= dataLength else { throw SafetensorsError(.offsetsBeyondData(tensor: name, end: end, dataLength: dataLength)) }
        guard end - begin == byteCount else {
            throw SafetensorsError(.byteLengthMismatch(tensor: name, dtype: dtype, shape: shape, expected: byteCount, actual: end - begin))
        }
        return Entry(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end, elementCount: count)
    }

    /// The ranges, ordered by `(begin, end, name)`, must tile `0..<dataLength` exactly. A
    /// zero-size range strictly inside another counts as an overlap, as in the reference.
    private static func checkCoverage(of entries: some Collection<Entry>, dataLength: Int) throws(SafetensorsError) {
        let ordered = entries.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound)
                || ($0.dataOffsets == $1.dataOffsets && precedes($0.name, $1.name))
        }
        var cursor = 0
        var previous: Entry?
        for entry in ordered {
            let range = entry.dataOffsets
            if range.lowerBound < cursor, let previous {
                throw SafetensorsError(.overlappingTensors(
                    first: previous.name, firstRange: previous.dataOffsets, second: entry.name, secondRange: range))
            }
            if range.lowerBound > cursor { throw SafetensorsError(.uncoveredBytes(cursor..<range.lowerBound)) }
            cursor = range.upperBound
            previous = entry
        }
        if cursor < dataLength { throw SafetensorsError(.uncoveredBytes(cursor..<dataLength)) }
    }
}

/// Reading F32 and F64 tensors out of a validated ``SafetensorsFile``.
extension SafetensorsFile {
    /// Tensor `name` as a `Tensor<S>`, in the file's shape and row-major order.
    ///
    /// `F32` data read as `Float` and `F64` data read as `Double` are bit-exact (NaN payloads,
    /// signed zeros and infinities included). Across precisions each element is converted with
    /// `S(x)`: `Float → Double` is exact, `Double → Float` rounds to nearest even.
    /// - Throws: ``SafetensorsError/Reason/noSuchTensor(name:available:)`` or
    ///   ``SafetensorsError/Reason/unsupportedDtype(tensor:dtype:)`` for any dtype but F32/F64.
    public func tensor<S: TensorScalar>(_ name: String, as _: S.Type = S.self) throws(SafetensorsError) -> Tensor<S> {
        guard let entry = entriesByName[name] else {
            throw SafetensorsError(.noSuchTensor(name: name, available: names), path: path)
        }
        return try tensor(entry, as: S.self)
    }

    /// Every floating-point tensor of the file, by name, converted to `S` as ``tensor(_:as:)`` does:
    /// the checkpoint's weights and buffers as a state_dict.
    ///
    /// Tensors whose dtype is not floating point (``SafetensorsDType/isFloatingPoint``: `I64`, `I32`,
    /// `BOOL`, `U8`, …) are **skipped**, not an error. A real PyTorch checkpoint holds such buffers —
    /// every BatchNorm's `I64` `num_batches_tracked`, which only training's momentum-free averaging reads
    /// and which eval-mode inference, like `load_state_dict` in eval use, ignores. Their names stay in
    /// ``names`` and ``entries``; ask ``tensor(_:as:)`` for one to get the `unsupportedDtype` error.
    /// - Throws: ``SafetensorsError/Reason/unsupportedDtype(tensor:dtype:)`` for a floating-point tensor
    ///   this reader cannot convert (`F16`, `BF16`, the `F8` formats, `C64`): skipping those would drop
    ///   weights silently.
    public func allTensors<S: TensorScalar>(as _: S.Type = S.self) throws(SafetensorsError) -> [String: Tensor<S>] {
        var result: [String: Tensor<S>] = [:]
        for entry in entries where entry.dtype.isFloatingPoint {
            result[entry.name] = try tensor(entry, as: S.self)
        }
        return result
    }

    private func tensor<S: TensorScalar>(_ entry: Entry, as _: S.Type) throws(SafetensorsError) -> Tensor<S> {
        let start = dataStart + entry.dataOffsets.lowerBound
        let n = entry.elementCount
        let scalars: [S]
        switch entry.dtype {
        case .f32:
            scalars = try decode(count: n, at: start, width: 4) { raw, offset in
                S(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
            }
        case .f64:
            scalars = try decode(count: n, at: start, width: 8) { raw, offset in
                S(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        default:
            throw SafetensorsError(.unsupportedDtype(tensor: entry.name, dtype: entry.dtype), path: path)
        }
        // The header validation already guarantees the count; a file's shape still takes the throwing form.
        do { return try Tensor(validatingShape: entry.shape, scalars: scalars) } catch {
            throw SafetensorsError(.elementCountOverflow(tensor: entry.name, shape: entry.shape), path: path)
        }
    }

    /// `count` elements of `width` bytes from file offset `start`; the header validation
    /// guarantees that they lie in the file, which is re-checked here. From a file they are read a
    /// buffer of at most ``SafetensorsIO/OpenFile/chunkBytes`` at a time.
    /// - Throws: ``SafetensorsError/Reason/cannotRead(_:)`` when the file cannot be read there any more
    ///   (it shrank or failed after it was opened and validated).
    private func decode<S>(
        count: Int, at start: Int, width: Int,
        _ element: (UnsafeRawBufferPointer, Int) -> S
    ) throws(SafetensorsError) -> [S] {
        // An empty array must not come from `unsafeUninitializedCapacity: 0`: that writes the count into
        // the runtime's shared empty-array storage, a (benign) data race the thread sanitizer reports.
        guard count > 0 else { return [] }
        switch storage {
        case .memory(let bytes):
            precondition(start >= 0 && start + count * width <= bytes.count, "SafetensorsFile: validated range out of bounds")
            return bytes.withUnsafeBytes { raw in
                [S](unsafeUninitializedCapacity: count) { buffer, initialized in
                    for i in 0..<count { buffer[i] = element(raw, start + i * width) }
                    initialized = count
                }
            }
        case .file(let file):
            precondition(start >= 0 && start + count * width <= file.length, "SafetensorsFile: validated range out of bounds")
            var result = [S]()
            result.reserveCapacity(count)
            let perChunk = max(1, SafetensorsIO.OpenFile.chunkBytes / width)
            var chunk = [UInt8](repeating: 0, count: min(count, perChunk) * width)
            var done = 0
            while done < count {
                let n = min(perChunk, count - done)
                do { try file.read(into: &chunk, count: n * width, at: start + done * width) } catch {
                    throw SafetensorsError(error.reason, path: path)
                }
                chunk.withUnsafeBytes { raw in for i in 0..<n { result.append(element(raw, i * width)) } }
                done += n
            }
            return result
        }
    }
}
