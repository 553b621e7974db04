/// A validated safetensors file in memory: its metadata, its tensor entries and their bytes.
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
    /// The whole file; the data section starts at ``dataStart``.
    let bytes: [UInt8]
    let dataStart: Int

    /// Parses and validates a safetensors file held in `bytes`.
    /// - Throws: ``SafetensorsError`` naming the problem (see ``SafetensorsError/Reason``).
    public init(bytes: [UInt8]) throws(SafetensorsError) {
        try self.init(bytes: bytes, path: nil)
    }

    /// Reads, parses and validates the safetensors file at `path`.
    /// - Throws: ``SafetensorsError`` with `path` set, for an unreadable or invalid file.
    public init(atPath path: String) throws(SafetensorsError) {
        let bytes = try SafetensorsIO.readFile(at: path)
        try self.init(bytes: bytes, path: path)
    }

    /// ``init(atPath:)`` under its former name.
    @available(*, deprecated, renamed: "init(atPath:)")
    public init(contentsOf path: String) throws(SafetensorsError) {
        try self.init(atPath: path)
    }

    private init(bytes: [UInt8], path: String?) throws(SafetensorsError) {
        do {
            let layout = try Self.parse(bytes)
            self.metadata = layout.metadata
            self.entriesByName = layout.entries
            self.names = layout.entries.keys.sorted(by: Self.precedes)
            self.dataStart = layout.dataStart
        } catch {
            throw SafetensorsError(error.reason, path: path)
        }
        self.bytes = bytes
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
