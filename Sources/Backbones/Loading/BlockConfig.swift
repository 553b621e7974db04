/// A block's `config` object (its keys and defaults: Docs/blocks.md), read key by key with the official defaults.
///
/// Every accessor marks its key as known; ``finish()`` throws if the object has a key no accessor
/// asked for, so a typo never silently falls back to a default. Values of the wrong type or out of
/// range throw at once with the key named. Used during construction on one thread.
public struct BlockConfig: Sendable {
    public let block: String
    public let values: [String: JSONValue]
    private var known = Set<String>()

    /// - Throws: ``BackboneError/config(block:message:)`` if `json` is not a JSON object.
    public init(block: String, json: String) throws(BackboneError) {
        try self.init(block: block, value: JSONValue.parse(json.allSatisfy(\.isWhitespace) ? "{}" : json, block: block))
    }

    public init(block: String, value: JSONValue) throws(BackboneError) {
        guard case .object(let o) = value else { throw .config(block: block, message: "must be a JSON object, got \(value)") }
        self.block = block
        self.values = o
    }

    private func fail(_ key: String, _ what: String) -> BackboneError {
        .config(block: block, message: "\"\(key)\" \(what), got \(values[key].map(\.description) ?? "nothing")")
    }

    private mutating func raw(_ key: String) -> JSONValue? {
        known.insert(key)
        if case .null? = values[key] { return nil }
        return values[key]
    }

    /// Whether `key` is present (and marks it known).
    public mutating func has(_ key: String) -> Bool { known.insert(key); return values[key] != nil }

    /// An integer ≥ `minimum`; `defaultValue == nil` makes the key required.
    public mutating func int(_ key: String, default defaultValue: Int? = nil, minimum: Int = 1) throws(BackboneError) -> Int {
        guard let v = raw(key) else {
            guard let d = defaultValue else { throw fail(key, "is required (no official default)") }
            return d
        }
        guard case .number(let d) = v, d == d.rounded(), abs(d) < 1e15 else { throw fail(key, "must be an integer") }
        guard Int(d) >= minimum else { throw fail(key, "must be ≥ \(minimum)") }
        return Int(d)
    }

    /// An integer ≥ `minimum`, or `nil` when the key is `null`; a missing key gives `defaultValue`
    /// (for arguments whose official default or allowed value is `None`).
    public mutating func optionalInt(_ key: String, default defaultValue: Int? = nil, minimum: Int = 1) throws(BackboneError) -> Int? {
        known.insert(key)
        switch values[key] {
        case nil: return defaultValue
        case .null?: return nil
        default: return try int(key, minimum: minimum)
        }
    }

    /// A number (integers allowed).
    public mutating func double(_ key: String, default defaultValue: Double? = nil) throws(BackboneError) -> Double {
        guard let v = raw(key) else {
            guard let d = defaultValue else { throw fail(key, "is required (no official default)") }
            return d
        }
        guard case .number(let d) = v, d.isFinite else { throw fail(key, "must be a finite number") }
        return d
    }

    public mutating func bool(_ key: String, default defaultValue: Bool? = nil) throws(BackboneError) -> Bool {
        guard let v = raw(key) else {
            guard let d = defaultValue else { throw fail(key, "is required (no official default)") }
            return d
        }
        guard case .bool(let b) = v else { throw fail(key, "must be true or false") }
        return b
    }

    /// A string from `allowed`.
    public mutating func string(_ key: String, default defaultValue: String? = nil, allowed: [String]) throws(BackboneError) -> String {
        guard let v = raw(key) else {
            guard let d = defaultValue else { throw fail(key, "is required (no official default)") }
            return d
        }
        guard case .string(let s) = v, allowed.contains(s) else {
            throw fail(key, "must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return s
    }

    /// An array of `count` integers each ≥ `minimum` (`count == nil`: any length ≥ 1).
    public mutating func ints(_ key: String, count: Int?, default defaultValue: [Int]? = nil, minimum: Int = 1) throws(BackboneError) -> [Int] {
        guard let v = raw(key) else {
            guard let d = defaultValue else { throw fail(key, "is required (no official default)") }
            return d
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

    /// Throws if the object has keys that no accessor asked for.
    public func finish() throws(BackboneError) {
        let unknown = values.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw .config(block: block, message: "unknown key(s) \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); "
                          + "this block takes \(known.sorted().map { "\"\($0)\"" }.joined(separator: ", "))")
        }
    }
}
