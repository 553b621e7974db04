/// A plain-text table with a header row, columns right-aligned when numeric, for terminal output.
package struct TextTable: Sendable {
    /// Column titles.
    package var header: [String]
    /// Rows of cells; each row has `header.count` cells.
    package var rows: [[String]] = []

    package init(header: [String]) { self.header = header }

    /// Appends a row (padded with empty cells or truncated to the header's width).
    package mutating func append(_ row: [String]) {
        rows.append(Array((row + Array(repeating: "", count: max(0, header.count - row.count))).prefix(header.count)))
    }

    /// The table as lines: header, a rule of dashes, rows; columns separated by two spaces.
    package func rendered() -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        let numeric = header.indices.map { c in
            rows.allSatisfy { row in row[c].isEmpty || row[c] == "-" || TextTable.isNumber(row[c]) }
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - cells[c].count)
                return numeric[c] ? pad + cells[c] : cells[c] + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    /// Whether a cell is a number, possibly with thousands separators or a trailing `×`.
    static func isNumber(_ cell: String) -> Bool {
        var s = Substring(cell)
        if s.hasSuffix("×") { s = s.dropLast() }
        return !s.isEmpty && Double(s.filter { $0 != "," }) != nil
    }

    /// The table as GitHub markdown (`| a | b |`, numeric columns right-aligned).
    package func markdown() -> String {
        let numeric = header.indices.map { c in rows.allSatisfy { TextTable.isNumber($0[c]) || $0[c] == "-" } }
        func esc(_ s: String) -> String { s.replacingAll("|", with: "\\|") }
        var out = ["| " + header.map(esc).joined(separator: " | ") + " |",
                   "|" + header.indices.map { numeric[$0] ? "---:" : "---" }.joined(separator: "|") + "|"]
        out += rows.map { "| " + $0.map(esc).joined(separator: " | ") + " |" }
        return out.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }

    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
