import Foundation

/// JSON encoding shared by the reports: pretty-printed, keys sorted (deterministic on every platform), slashes unescaped.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding our own plain structs of numbers and strings cannot fail except for a non-finite
        // Double, which the reports never produce (they replace it before encoding).
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
