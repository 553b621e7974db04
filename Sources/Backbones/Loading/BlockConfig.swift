/// A block's `config` object (its keys and defaults: Docs/blocks.md), read key by key with the official defaults.
///
/// Every accessor marks its key as known. A required key (no official default) that is missing does
/// not throw at once: the accessor returns a placeholder and remembers the key, and ``finish()``
/// throws one error naming *every* missing required key and *every* unknown key (a key no accessor
/// asked for, so a typo never silently falls back to a default) together. Values of the wrong type
/// or out of range throw at once with the key named. A block's `init(config:stateDict:)` must call
/// ``finish()`` before it uses any value. Used during construction on one thread.
///
/// The accessors are also the one home of each block's key list: ``BlockRegistry/configKeys(id:)``
/// records what a block asks for (``BlockConfigKey``).
public struct BlockConfig: Sendable {
    public let block: String
    public let values: [String: JSONValue]
    private var known = Set<String>()
    /// Required keys that were asked for but not given, in the order asked.
    public private(set) var missingKeys: [String] = []
    /// Records every key asked for when the registry lists a block's keys (nil otherwise).
    let log: BlockConfigKeyLog?

    /// - Throws: ``BackboneError/config(block:message:)`` if `json` is not a JSON object.
    public init(block: String, json: String) throws(BackboneError) {
        try self.init(block: block, value: JSONValue.parse(json.allSatisfy(\.isWhitespace) ? "{}" : json, block: block))
    }

    public init(block: String, value: JSONValue) throws(BackboneError) {
        try self.init(block: block, value: value, log: nil)
    }

    init(block: String, value: JSONValue, log: BlockConfigKeyLog?) throws(BackboneError) {
        guard case .object(let o) = value else { throw .config(block: block, message: "must be a JSON object, got \(value)") }
        self.block = block
        self.values = o
        self.log = log
    }

    private func fail(_ key: String, _ what: String) -> BackboneError {
        .config(block: block, message: "\"\(key)\" \(what), got \(values[key].map(\.description) ?? "nothing")")
    }

    private mutating func raw(_ key: String, default description: String?) -> JSONValue? {
        known.insert(key)
        log?.record(key, description.map { .optional(default: $0) } ?? .required)
        if case .null? = values[key] { return nil }
        return values[key]
    }

    /// The value a missing key takes: its default, or (required key) a placeholder that
    /// ``finish()`` never lets a block use, with the key remembered for ``finish()``'s error.
    private mutating func absent<T>(_ key: String, _ defaultValue: T?, placeholder: T) -> T {
        if let defaultValue { return defaultValue }
        if !missingKeys.contains(key) { missingKeys.append(key) }
        return placeholder
    }

    /// Whether `key` is present (and marks it known).
    public mutating func has(_ key: String) -> Bool { known.insert(key); return values[key] != nil }

    /// The block's input channel count under `key` (an ``int(_:default:minimum:)`` that the registry
    /// reports as the key giving the input's `C`, ``BlockRegistry/inputChannels(id:configJSON:)``).
    public mutating func inputChannels(_ key: String, minimum: Int = 1) throws(BackboneError) -> Int {
        let n = try int(key, minimum: minimum)
        log?.recordInputChannels(key, value: values[key] == nil ? nil : n)
        return n
    }

    /// An integer ≥ `minimum`; `defaultValue == nil` makes the key required.
    public mutating func int(_ key: String, default defaultValue: Int? = nil, minimum: Int = 1) throws(BackboneError) -> Int {
        guard let v = raw(key, default: defaultValue.map { "\($0)" }) else {
            return absent(key, defaultValue, placeholder: max(minimum, 1))
        }
        guard case .number(let d) = v, d == d.rounded(), abs(d) < 1e15 else { throw fail(key, "must be an integer") }
        guard Int(d) >= minimum else { throw fail(key, "must be ≥ \(minimum)") }
        return Int(d)
    }

    /// An integer ≥ `minimum`, or `nil` when the key is `null`; a missing key gives `defaultValue`
    /// (for arguments whose official default or allowed value is `None`).
    public mutating func optionalInt(_ key: String, default defaultValue: Int? = nil, minimum: Int = 1) throws(BackboneError) -> Int? {
        known.insert(key)
        log?.record(key, .optional(default: defaultValue.map { "\($0)" } ?? "null"))
        switch values[key] {
        case nil: return defaultValue
        case .null?: return nil
        default: return try int(key, minimum: minimum)   // the log keeps the optional entry recorded first
        }
    }

    /// A number (integers allowed).
    public mutating func double(_ key: String, default defaultValue: Double? = nil) throws(BackboneError) -> Double {
        guard let v = raw(key, default: defaultValue.map { JSONValue.number($0).description }) else {
            return absent(key, defaultValue, placeholder: 1)
        }
        guard case .number(let d) = v, d.isFinite else { throw fail(key, "must be a finite number") }
        return d
    }

    public mutating func bool(_ key: String, default defaultValue: Bool? = nil) throws(BackboneError) -> Bool {
        guard let v = raw(key, default: defaultValue.map { "\($0)" }) else {
            return absent(key, defaultValue, placeholder: false)
        }
        guard case .bool(let b) = v else { throw fail(key, "must be true or false") }
        return b
    }

    /// A string from `allowed`.
    public mutating func string(_ key: String, default defaultValue: String? = nil, allowed: [String]) throws(BackboneError) -> String {
        guard let v = raw(key, default: defaultValue.map { "\"\($0)\"" }) else {
            return absent(key, defaultValue, placeholder: allowed.first ?? "")
        }
        guard case .string(let s) = v, allowed.contains(s) else {
            throw fail(key, "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return s
    }

    /// An array of `count` integers each ≥ `minimum` (`count == nil`: any length ≥ 1).
    public mutating func ints(_ key: String, count: Int?, default defaultValue: [Int]? = nil, minimum: Int = 1) throws(BackboneError) -> [Int] {
        guard let v = raw(key, default: defaultValue.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }) else {
            return absent(key, defaultValue, placeholder: Array(repeating: max(minimum, 1), count: count ?? 1))
        }
        guard case .array(let a) = v, !a.isEmpty, count == nil || a.count == count! else {
            throw fail(key, count.map { "must be an array of \($0) integers" } ?? "must be a non-empty array of integers")
        }
        var out: [Int] = []
        for e in a {
            guard case .number(let d) = e, d == d.rounded(), abs(d) < 1e15, Int(d) >= minimum else {
                throw fail(key, "must hold integers ≥ \(minimum)")
            }
            out.append(Int(d))
        }
        return out
    }

    /// An array of integers as ``ints(_:count:default:minimum:)``, or `nil` when the key is `null`; a missing key
    /// gives `defaultValue` (for arguments whose official default is `None`, such as RepLKNet's `out_indices`).
    public mutating func optionalInts(_ key: String, count: Int?, default defaultValue: [Int]? = nil, minimum: Int = 1) throws(BackboneError) -> [Int]? {
        known.insert(key)
        log?.record(key, .optional(default: defaultValue.map { "[" + $0.map(String.init).joined(separator: ", ") + "]" } ?? "null"))
        switch values[key] {
        case nil: return defaultValue
        case .null?: return nil
        default: return try ints(key, count: count, minimum: minimum)
        }
    }

    /// An integer pair given as `n` (both) or `[a, b]`, as PyTorch's `_pair`.
    public mutating func pair(_ key: String, default defaultValue: [Int]? = nil, minimum: Int = 1) throws(BackboneError) -> [Int] {
        if case .number? = values[key] {
            let n = try int(key, minimum: minimum)
            return [n, n]
        }
        return try ints(key, count: 2, default: defaultValue, minimum: minimum)
    }

    /// `int(n·ratio)` as Python truncates it, saturated at `±2⁵³` so that a hostile ratio (`1e300`)
    /// cannot trap the conversion; no block size is anywhere near that, and the loader refuses the
    /// resulting shapes with an error (Docs/reliability.md).
    public static func truncatedProduct(_ n: Int, _ ratio: Double) -> Int {
        let p = Double(n) * ratio
        guard p.isFinite else { return p > 0 ? 1 << 53 : -(1 << 53) }
        return Int(min(max(p, -0x1p53), 0x1p53))
    }

    /// Throws one error naming every required key that is missing and every key that no accessor
    /// asked for (unknown), with the keys the block or model takes.
    public func finish() throws(BackboneError) {
        let unknown = values.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty, missingKeys.isEmpty else {
            func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
            var parts: [String] = []
            if !missingKeys.isEmpty { parts.append("missing required key(s) \(quoted(missingKeys)) (no official default)") }
            if !unknown.isEmpty { parts.append("unknown key(s) \(quoted(unknown))") }
            parts.append("its keys are \(quoted(known.sorted()))")
            throw .config(block: block, message: parts.joined(separator: "; "))
        }
    }
}
