import Foundation

/// JSON-lines files (one JSON object per line) as the peer-timing scripts write them: blank lines and
/// lines starting with `#` are skipped; an error names the file, the line and what is wrong with it.
enum JSONLines {
    /// Decodes every non-blank, non-comment line of `text` as a `T`; `expected` describes a valid line.
    static func decode<T: Decodable>(_: T.Type, text: String, source: String, expected: String) throws(ToolError) -> [T] {
        var rows: [T] = []
        let decoder = JSONDecoder()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace().filter { $0 != "\r" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                rows.append(try decoder.decode(T.self, from: Data(line.utf8)))
            } catch {
                throw .invalidValue("\(source):\(index + 1): not a \(expected): \(describe(error))")
            }
        }
        return rows
    }

    /// The text of the file at `path`; `what` names it in the error, with the reason
    /// (``FileAccess/readText(path:what:)``).
    static func read(path: String, what: String) throws(ToolError) -> String {
        try FileAccess.readText(path: path, what: what)
    }

    /// A decoding error in a line's terms.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            "wrong type for '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let ctx):
            ctx.codingPath.isEmpty ? "invalid JSON" : "bad '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': \(ctx.debugDescription)"
        default: "\(error)"
        }
    }
}
