/// Everything wrong with one state_dict against one block, reported together as PyTorch's strict
/// `load_state_dict` does: missing keys, unexpected keys and shape mismatches, each listed.
public struct StateDictError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem with one key.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The block needs `key` with `expected` shape; the dictionary has no such key.
        case missing(key: String, expected: [Int])
        /// The dictionary has `key`, which the block does not use.
        case unexpected(key: String, shape: [Int])
        /// `key` is present with shape `got`; the block needs `expected`.
        case shapeMismatch(key: String, expected: [Int], got: [Int])

        public var key: String {
            switch self {
            case .missing(let k, _), .unexpected(let k, _), .shapeMismatch(let k, _, _): k
            }
        }

        public var description: String {
            switch self {
            case .missing(let k, let e): "missing key \"\(k)\" (expected shape \(e))"
            case .unexpected(let k, let s): "unexpected key \"\(k)\" (shape \(s))"
            case .shapeMismatch(let k, let e, let g): "size mismatch for \"\(k)\": expected shape \(e), got \(g)"
            }
        }
    }

    /// The block id the dictionary was loaded into, e.g. `van.block`.
    public let block: String
    /// Every problem found, in the order: missing, unexpected, shape mismatches (each sorted by key).
    public let problems: [Problem]

    public var missingKeys: [String] { problems.compactMap { if case .missing(let k, _) = $0 { k } else { nil } } }
    public var unexpectedKeys: [String] { problems.compactMap { if case .unexpected(let k, _) = $0 { k } else { nil } } }
    public var mismatchedKeys: [String] { problems.compactMap { if case .shapeMismatch(let k, _, _) = $0 { k } else { nil } } }

    public var description: String {
        var lines = ["error(s) in loading state_dict for \(block): \(problems.count) problem(s)"]
        if !missingKeys.isEmpty { lines.append("  missing key(s): " + missingKeys.map { "\"\($0)\"" }.joined(separator: ", ")) }
        if !unexpectedKeys.isEmpty { lines.append("  unexpected key(s): " + unexpectedKeys.map { "\"\($0)\"" }.joined(separator: ", ")) }
        for case let .shapeMismatch(k, e, g) in problems {
            lines.append("  size mismatch for \"\(k)\": the block needs shape \(e), the state_dict has \(g)")
        }
        return lines.joined(separator: "\n")
    }
}
