import GlobalConv

/// The range checks ``BlockConfig``'s accessors make, for a typed config built in Swift (one that
/// `parse(_:)` made always passes them), with the same messages.
struct TypedConfigCheck {
    let block: String

    private func fail(_ key: String, _ what: String, _ value: String) -> BackboneError {
        .config(block: block, message: "\"\(key)\" \(what), got \(value)")
    }

    func atLeast(_ value: Int, _ key: String, _ minimum: Int = 1) throws(BackboneError) {
        guard value >= minimum else { throw fail(key, "must be ≥ \(minimum)", "\(value)") }
    }

    func atLeast(_ value: Int?, _ key: String, _ minimum: Int = 1) throws(BackboneError) {
        if let value { try atLeast(value, key, minimum) }
    }

    /// Every entry ≥ `minimum`.
    func each(_ values: [Int], _ key: String, _ minimum: Int = 1) throws(BackboneError) {
        guard values.allSatisfy({ $0 >= minimum }) else { throw fail(key, "must hold integers ≥ \(minimum)", "\(values)") }
    }

    func finite(_ value: Double, _ key: String) throws(BackboneError) {
        guard value.isFinite else { throw fail(key, "must be a finite number", "\(value)") }
    }
}
