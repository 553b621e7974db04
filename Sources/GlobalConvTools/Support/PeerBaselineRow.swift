/// A row of a peer-baseline file: the JSON lines a peer-timing script prints (``BaselineRow`` from
/// `Fixtures/peer_baseline.py`, ``BlockBaselineRow`` from `Fixtures/block_bench.py`), one object per
/// line, read through ``JSONLines``. The one reader of both formats: a conforming row says only what a
/// valid line holds.
package protocol PeerBaselineRow: Decodable {
    /// What a valid line is, as the parse error quotes it after `not a `, e.g. `baseline row (expected
    /// a JSON object with op, kernel, …)`.
    static var expectedLine: String { get }
}

extension PeerBaselineRow {
    /// Parses JSON-lines text; the error names the line and what is wrong with it.
    package static func parse(jsonLines text: String, source: String = "baseline") throws(ToolError) -> [Self] {
        try JSONLines.decode(Self.self, text: text, source: source, expected: expectedLine)
    }

    /// Reads and parses a JSON-lines file.
    package static func load(path: String) throws(ToolError) -> [Self] {
        try parse(jsonLines: try JSONLines.read(path: path, what: "baseline file"), source: path)
    }
}
