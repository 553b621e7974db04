/// The results of a `verify` run and their renderings. JSON: `{"results": [VerifyResult…],
/// "passed": N, "failed": M}`; JUnit XML: one `<testsuite>` per block, one `<testcase>` per result.
package struct VerifyReport: Sendable, Equatable {
    package var results: [VerifyResult]

    package init(results: [VerifyResult]) { self.results = results }

    package var passedCount: Int { results.filter(\.passed).count }
    package var failedCount: Int { results.count - passedCount }

    /// The process exit status: 0 when at least one case ran and every case passed, 1 otherwise.
    package var exitStatus: Int32 { failedCount == 0 && passedCount > 0 ? 0 : 1 }

    /// Renders as `table`, `json` or `junit`.
    package func rendered(_ format: OutputFormat) throws(ToolError) -> String {
        switch format {
        case .table: table()
        case .json: json()
        case .junit: junit()
        case .csv, .markdown: throw .invalidValue("verify output formats are table, json, junit; not \(format.rawValue)")
        }
    }

    /// `N passed, M failed`.
    package var summaryLine: String { "\(passedCount) passed, \(failedCount) failed" }

    func table() -> String {
        var t = TextTable(header: ["case", "block", "dtype", "input", "path", "max_abs_error", "rel_error", "tolerance", "result"])
        for r in results {
            t.append([r.caseName, r.block.isEmpty ? "-" : r.block, r.dtype.isEmpty ? "-" : r.dtype,
                      r.inputShape.isEmpty ? "-" : r.inputShape.map(String.init).joined(separator: "×"), r.path,
                      r.maxAbsError.map(NumberFormatting.scientific) ?? "-", r.relError.map(NumberFormatting.scientific) ?? "-",
                      r.tolerance.map(NumberFormatting.scientific) ?? "-", r.passed ? "ok" : "FAILED"])
        }
        var out = [t.rendered()]
        let errors = results.filter { $0.error != nil }
        if !errors.isEmpty {
            out.append("")
            for r in errors { out.append("\(r.caseName) [\(r.path)]: \(r.error!)") }
        }
        out.append("")
        out.append(summaryLine)
        return out.joined(separator: "\n")
    }

    struct JSONShape: Codable {
        var results: [VerifyResult]
        var passed: Int
        var failed: Int
    }

    func json() -> String {
        JSONOutput.encode(JSONShape(results: results, passed: passedCount, failed: failedCount))
    }

    func junit() -> String {
        var blocks: [String] = []
        for r in results where !blocks.contains(r.block) { blocks.append(r.block) }
        var s = [#"<?xml version="1.0" encoding="UTF-8"?>"#,
                 #"<testsuites name="globalconv verify" tests="\#(results.count)" failures="\#(failedCount)">"#]
        for block in blocks {
            let mine = results.filter { $0.block == block }
            let name = block.isEmpty ? "unreadable" : block
            s.append(#"  <testsuite name="\#(XMLText.escape(name))" tests="\#(mine.count)" failures="\#(mine.filter { !$0.passed }.count)">"#)
            for r in mine {
                let caseLabel = "\(r.caseName) [\(r.dtype.isEmpty ? "?" : r.dtype), \(r.path)]"
                let detail = "max_abs_error=\(r.maxAbsError.map(NumberFormatting.scientific) ?? "-") "
                    + "rel_error=\(r.relError.map(NumberFormatting.scientific) ?? "-") "
                    + "tolerance=\(r.tolerance.map(NumberFormatting.scientific) ?? "-") "
                    + "input=\(r.inputShape.map(String.init).joined(separator: "x"))"
                let open = #"    <testcase classname="\#(XMLText.escape(name))" name="\#(XMLText.escape(caseLabel))""#
                if r.passed {
                    s.append(open + ">")
                    s.append("      <system-out>\(XMLText.escape(detail))</system-out>")
                    s.append("    </testcase>")
                } else {
                    let message = r.error ?? "max_abs_error exceeds tolerance"
                    s.append(open + ">")
                    s.append(#"      <failure message="\#(XMLText.escape(message))">\#(XMLText.escape(detail))</failure>"#)
                    s.append("    </testcase>")
                }
            }
            s.append("  </testsuite>")
        }
        s.append("</testsuites>")
        return s.joined(separator: "\n")
    }
}
