import GlobalConv

/// Parsers for the textual values the command line takes (`3,5,7`, `3...63:2`, `56x40`, `direct,fft`).
/// Each throws ``ToolError/invalidValue(_:)`` with a message that says what is wrong and what is allowed.
package enum ValueParsing {
    /// Kernel sizes: a comma-separated list whose items are `K` or an inclusive range `A...B` with an
    /// optional step `A...B:S` (`3...63:2` = 3, 5, …, 63). Every size ≥ 1; duplicates are removed and
    /// the list sorted ascending.
    package static func kernels(_ text: String) throws(ToolError) -> [Int] {
        let allowed = "expected kernel sizes like '3,5,7' or a range '3...63:2' (first...last:step), each ≥ 1"
        var result = Set<Int>()
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.isEmpty, !items.isEmpty else { throw .invalidValue("no kernel sizes given: \(allowed)") }
        for raw in items {
            let item = raw.trimmingWhitespace()
            if let dots = item.range(of: "...") {
                let first = item[..<dots.lowerBound]
                var rest = item[dots.upperBound...]
                var step = 1
                if let colon = rest.firstIndex(of: ":") {
                    guard let s = Int(rest[rest.index(after: colon)...]), s >= 1 else {
                        throw .invalidValue("bad step in '\(item)': \(allowed)")
                    }
                    step = s
                    rest = rest[..<colon]
                }
                guard let a = Int(first), let b = Int(rest), a >= 1, b >= a else {
                    throw .invalidValue("bad range '\(item)' (need 1 ≤ first ≤ last): \(allowed)")
                }
                guard (b - a) / step < 10_000 else { throw .invalidValue("range '\(item)' has more than 10000 sizes") }
                for k in stride(from: a, through: b, by: step) { result.insert(k) }
            } else {
                guard let k = Int(item), k >= 1 else { throw .invalidValue("bad kernel size '\(item)': \(allowed)") }
                result.insert(k)
            }
        }
        return result.sorted()
    }

    /// A map size: `56` (square) or `HxW` (`56x40`: 56 rows, 40 columns; `×` also accepted), each ≥ 1.
    package static func size(_ text: String) throws(ToolError) -> Size2D {
        let allowed = "expected a map size like '56' or 'HxW' such as '56x40', each ≥ 1"
        let parts = text.trimmingWhitespace().split(omittingEmptySubsequences: false) { $0 == "x" || $0 == "X" || $0 == "×" }
        switch parts.count {
        case 1:
            guard let n = Int(parts[0]), n >= 1 else { throw .invalidValue("bad size '\(text)': \(allowed)") }
            return Size2D(n)
        case 2:
            guard let h = Int(parts[0]), let w = Int(parts[1]), h >= 1, w >= 1 else {
                throw .invalidValue("bad size '\(text)': \(allowed)")
            }
            return Size2D(height: h, width: w)
        default:
            throw .invalidValue("bad size '\(text)': \(allowed)")
        }
    }

    /// A comma-separated list of names from `allowed`, in the given order, without duplicates.
    package static func list<T: RawRepresentable & CaseIterable>(_ text: String, of _: T.Type, what: String) throws(ToolError) -> [T]
    where T.RawValue == String {
        let names = T.allCases.map(\.rawValue).joined(separator: ", ")
        var result: [T] = []
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingWhitespace()
            guard let value = T(rawValue: String(item)) else {
                throw .invalidValue("unknown \(what) '\(item)': allowed are \(names) (comma-separated)")
            }
            guard !result.contains(where: { $0.rawValue == value.rawValue }) else {
                throw .invalidValue("\(what) '\(item)' is listed twice")
            }
            result.append(value)
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> Substring {
        let s = Substring(self)
        guard let first = s.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = s.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return s[first...last]
    }
}
