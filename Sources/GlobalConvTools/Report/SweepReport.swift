/// A sweep's result rendered for people (`table`, `markdown`) and programs (`json`, `csv`).
///
/// JSON: `{"rows": [SweepRow…], "crossover": K or null}` plus `"baseline": [BaselineComparison…]`
/// when a baseline was given (schemas in `Docs/cli.md`).
package struct SweepReport: Sendable {
    package var result: SweepResult
    package var configuration: SweepConfiguration
    /// Baseline rows to show beside ours (may be empty).
    package var baseline: [BaselineRow]

    package init(result: SweepResult, configuration: SweepConfiguration, baseline: [BaselineRow] = []) {
        self.result = result
        self.configuration = configuration
        self.baseline = baseline
    }

    /// The baseline rows that match a swept problem, beside our fastest exact path.
    package var comparisons: [BaselineComparison] { BaselineComparison.compare(baseline, with: result.rows) }

    /// Renders in `format` (`table`, `csv`, `json` or `markdown`).
    package func rendered(_ format: OutputFormat) throws(ToolError) -> String {
        switch format {
        case .table: table()
        case .markdown: markdown()
        case .csv: csv()
        case .json: json()
        case .junit: throw .invalidValue("sweep output formats are table, csv, json, markdown; not junit")
        }
    }

    /// The throughput column's header. The rate is dense-equivalent: the FLOPs of the dense `K×K`
    /// definition over the measured time, for every path — not the FLOPs a path performs (the FFT path
    /// and `lka` do far fewer), so a higher number means only a faster run of the same problem.
    static let throughputHeader = "dense-equiv GFLOP/s"

    var caption: String {
        let c = configuration
        return "depthwise K×K, input \(c.batch)×\(c.channels)×\(c.size.height)×\(c.size.width) \(c.precision.rawValue), "
            + "\(c.threads) thread\(c.threads == 1 ? "" : "s"), median and min of \(c.repeats) run\(c.repeats == 1 ? "" : "s") "
            + "after \(c.warmup) warm-up\(c.warmup == 1 ? "" : "s") per path; \(Self.throughputHeader) = the dense definition's 2·N·C·H·W·K² FLOPs / median, on every path"
    }

    /// The chart's subtitle: the problem and how it was timed.
    var plotSubtitle: String {
        let c = configuration
        return "input \(c.batch)×\(c.channels)×\(c.size.height)×\(c.size.width) \(c.precision.rawValue), padding K/2, "
            + "\(c.threads) thread\(c.threads == 1 ? "" : "s"), median of \(c.repeats) run\(c.repeats == 1 ? "" : "s")"
    }

    var crossoverLine: String {
        let paths = result.paths
        guard paths.contains("direct"), paths.contains("fft") else { return "crossover: not measured (needs both the direct and fft paths)" }
        guard let k = result.crossover else { return "crossover: none (FFT is not faster than direct at the largest K swept)" }
        return "crossover: FFT is faster than direct from K = \(k) on"
    }

    func rowTable() -> TextTable {
        var t = TextTable(header: ["kernel", "path", "median_ms", "min_ms", Self.throughputHeader, "params"])
        for r in result.rows {
            t.append(["\(r.kernel)", r.path, NumberFormatting.milliseconds(r.medianMs), NumberFormatting.milliseconds(r.minMs),
                      NumberFormatting.fixed(r.gflops, 2), NumberFormatting.grouped(r.params)])
        }
        return t
    }

    func comparisonTable() -> TextTable? {
        let comps = comparisons
        guard !comps.isEmpty else { return nil }
        var t = TextTable(header: ["kernel", "baseline", "threads", "median_ms", "min_ms", "ours", "ours_ms", "speed-up"])
        for c in comps {
            t.append(["\(c.kernel)", c.op, "\(c.threads)", NumberFormatting.milliseconds(c.medianMs),
                      NumberFormatting.milliseconds(c.minMs), c.oursPath, NumberFormatting.milliseconds(c.oursMedianMs),
                      NumberFormatting.fixed(c.ratio, 2) + "×"])
        }
        return t
    }

    var unmatchedBaselineNote: String? {
        let unmatched = baseline.filter { b in !result.rows.contains { b.matches($0) } }.count
        guard unmatched > 0 else { return nil }
        return "(\(unmatched) baseline row\(unmatched == 1 ? "" : "s") matched no swept kernel, size, channels and batch)"
    }

    func table() -> String {
        var parts = [caption, "", rowTable().rendered(), "", crossoverLine]
        if let comp = comparisonTable() {
            parts += ["", "baseline beside our fastest exact path (direct, fft or auto; speed-up = baseline median / ours):", "", comp.rendered()]
        }
        if let note = unmatchedBaselineNote { parts += ["", note] }
        return parts.joined(separator: "\n")
    }

    func markdown() -> String {
        var parts = ["_\(caption)_", "", rowTable().markdown(), "", crossoverLine]
        if let comp = comparisonTable() {
            parts += ["", "Baseline beside our fastest exact path (direct, fft or auto; speed-up = baseline median / ours):", "", comp.markdown()]
        }
        if let note = unmatchedBaselineNote { parts += ["", note] }
        return parts.joined(separator: "\n")
    }

    func csv() -> String {
        var lines = ["kernel,path,height,width,channels,batch,dtype,threads,median_ms,min_ms,gflops,params"]
        for r in result.rows {
            lines.append("\(r.kernel),\(r.path),\(r.size[0]),\(r.size[1]),\(r.channels),\(r.batch),\(r.dtype),\(r.threads),"
                         + "\(NumberFormatting.fixed(r.medianMs, 4)),\(NumberFormatting.fixed(r.minMs, 4)),"
                         + "\(NumberFormatting.fixed(r.gflops, 3)),\(r.params)")
        }
        for b in baseline where result.rows.contains(where: { b.matches($0) }) {
            let flops = 2 * Double(b.batch * b.channels * b.size[0] * b.size[1]) * Double(b.kernel * b.kernel)
            lines.append("\(b.kernel),baseline:\(b.op),\(b.size[0]),\(b.size[1]),\(b.channels),\(b.batch),,\(b.threads),"
                         + "\(NumberFormatting.fixed(b.medianMs, 4)),\(NumberFormatting.fixed(b.minMs, 4)),"
                         + "\(NumberFormatting.fixed(flops / (b.medianMs * 1e-3) / 1e9, 3)),")
        }
        return lines.joined(separator: "\n")
    }

    struct JSONShape: Encodable {
        var rows: [SweepRow]
        var crossover: Int?
        var baseline: [BaselineComparison]?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rows, forKey: .rows)
            try c.encode(crossover, forKey: .crossover)   // null when there is none
            try c.encodeIfPresent(baseline, forKey: .baseline)
        }

        enum CodingKeys: String, CodingKey { case rows, crossover, baseline }
    }

    func json() -> String {
        let rows = result.rows.map { r -> SweepRow in
            var r = r
            r.medianMs = NumberFormatting.rounded(r.medianMs, 4)
            r.minMs = NumberFormatting.rounded(r.minMs, 4)
            r.gflops = NumberFormatting.rounded(r.gflops, 3)
            return r
        }
        let comps = baseline.isEmpty ? nil : comparisons.map { c -> BaselineComparison in
            var c = c
            c.oursMedianMs = NumberFormatting.rounded(c.oursMedianMs, 4)
            c.ratio = NumberFormatting.rounded(c.ratio, 3)
            return c
        }
        return JSONOutput.encode(JSONShape(rows: rows, crossover: result.crossover, baseline: comps))
    }
}
