import Foundation

/// An SVG line chart of a sweep: time per call (ms, log axis) against kernel size `K`, one polyline
/// per swept path and one dashed polyline per baseline op, the crossover marked by a vertical line,
/// axes labelled with units, a legend on the right. Every series is a single `<polyline>` carrying
/// `data-series="<name>"`; legend swatches are `<line>` elements.
package struct SweepPlot: Sendable {
    package var result: SweepResult
    package var baseline: [BaselineRow]
    package var title: String
    package var subtitle: String

    package init(result: SweepResult, baseline: [BaselineRow] = [], title: String = "Depthwise K×K convolution: time per call",
                subtitle: String = "") {
        self.result = result
        self.baseline = baseline
        self.title = title
        self.subtitle = subtitle
    }

    /// A report's plot: the caption as subtitle, the baseline rows that match a swept problem.
    package init(report: SweepReport) {
        self.init(result: report.result, baseline: report.baseline.filter { b in report.result.rows.contains { b.matches($0) } },
                  subtitle: report.plotSubtitle)
    }

    /// One line of the chart: a name, its points (K, ms), whether it is a baseline.
    struct Series {
        var name: String
        var points: [(k: Int, ms: Double)]
        var isBaseline: Bool
        var color: String
    }

    static let pathColors = ["direct": "#1f77b4", "fft": "#d62728", "lka": "#2ca02c", "auto": "#9467bd", "fftw": "#7f7f7f"]
    static let baselineColors = ["#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    static let extraColors = ["#393b79", "#637939", "#8c6d31", "#843c39"]

    var series: [Series] {
        var out: [Series] = []
        for (i, path) in result.paths.enumerated() {
            let pts = result.rows.filter { $0.path == path && $0.medianMs > 0 }.map { (k: $0.kernel, ms: $0.medianMs) }
            out.append(Series(name: path, points: pts.sorted { $0.k < $1.k }, isBaseline: false,
                              color: Self.pathColors[path] ?? Self.extraColors[i % Self.extraColors.count]))
        }
        var ops: [String] = []
        for b in baseline where !ops.contains(b.op) { ops.append(b.op) }
        for (i, op) in ops.enumerated() {
            var byKernel: [Int: Double] = [:]
            for b in baseline where b.op == op && b.medianMs > 0 { byKernel[b.kernel] = b.medianMs }
            out.append(Series(name: op, points: byKernel.sorted { $0.key < $1.key }.map { (k: $0.key, ms: $0.value) },
                              isBaseline: true, color: Self.baselineColors[i % Self.baselineColors.count]))
        }
        return out
    }

    /// The chart as a standalone SVG document.
    package func svg() -> String {
        let width = 960.0, height = 540.0
        let left = 86.0, right = 240.0, top = 66.0, bottom = 66.0
        let plotW = width - left - right, plotH = height - top - bottom
        let all = series
        let kernels = all.flatMap { $0.points.map(\.k) }
        let times = all.flatMap { $0.points.map(\.ms) }
        let kMin = Double(kernels.min() ?? 1), kMax = Double(kernels.max() ?? 2)
        let kSpan = max(kMax - kMin, 2)
        let x0 = kMin - 0.04 * kSpan, x1 = kMax + 0.04 * kSpan
        let tMin = times.min() ?? 0.1, tMax = times.max() ?? 1
        let lo = floor(log10(tMin)), hi = max(ceil(log10(tMax)), lo + 1)
        func px(_ k: Double) -> Double { left + (k - x0) / (x1 - x0) * plotW }
        func py(_ ms: Double) -> Double { top + (hi - log10(ms)) / (hi - lo) * plotH }
        func f(_ v: Double) -> String { NumberFormatting.fixed(v, 1) }

        var s: [String] = []
        s.append(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        s.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(Int(width))" height="\##(Int(height))" viewBox="0 0 \##(Int(width)) \##(Int(height))" font-family="Helvetica, Arial, sans-serif">"##)
        s.append(##"<rect x="0" y="0" width="\##(Int(width))" height="\##(Int(height))" fill="#ffffff"/>"##)
        s.append(##"<text x="\##(f(left))" y="28" font-size="18" font-weight="bold" fill="#222">\##(XMLText.escape(title))</text>"##)
        if !subtitle.isEmpty {
            s.append(##"<text x="\##(f(left))" y="48" font-size="12" fill="#555">\##(XMLText.escape(subtitle))</text>"##)
        }
        // Grid and y ticks: decades labelled, 2 and 5 as light lines.
        s.append(##"<g stroke-width="1">"##)
        var decade = lo
        while decade <= hi {
            for m in [1.0, 2.0, 5.0] {
                let v = m * pow(10, decade)
                guard log10(v) <= hi + 1e-9 else { continue }
                let y = py(v)
                s.append(##"<line x1="\##(f(left))" y1="\##(f(y))" x2="\##(f(left + plotW))" y2="\##(f(y))" stroke="\##(m == 1 ? "#cccccc" : "#eeeeee")"/>"##)
                if m == 1 || hi - lo <= 2 {
                    s.append(##"<text x="\##(f(left - 8))" y="\##(f(y + 4))" font-size="12" text-anchor="end" fill="#333">\##(Self.tickLabel(v))</text>"##)
                }
            }
            decade += 1
        }
        // x ticks: every swept kernel when few, otherwise evenly spaced.
        let distinct = Array(Set(kernels)).sorted()
        let xticks = distinct.count <= 14 ? distinct : Self.niceTicks(from: Int(kMin), to: Int(kMax))
        for k in xticks {
            let x = px(Double(k))
            s.append(##"<line x1="\##(f(x))" y1="\##(f(top))" x2="\##(f(x))" y2="\##(f(top + plotH))" stroke="#f2f2f2"/>"##)
            s.append(##"<text x="\##(f(x))" y="\##(f(top + plotH + 18))" font-size="12" text-anchor="middle" fill="#333">\##(k)</text>"##)
        }
        s.append("</g>")
        s.append(##"<rect x="\##(f(left))" y="\##(f(top))" width="\##(f(plotW))" height="\##(f(plotH))" fill="none" stroke="#444" stroke-width="1"/>"##)
        // Axis titles.
        s.append(##"<text x="\##(f(left + plotW / 2))" y="\##(f(height - 20))" font-size="14" text-anchor="middle" fill="#222">kernel size K (dense K×K taps per output)</text>"##)
        s.append(##"<text transform="translate(22 \##(f(top + plotH / 2))) rotate(-90)" font-size="14" text-anchor="middle" fill="#222">time per call (ms, log scale)</text>"##)
        // Crossover.
        if let k = result.crossover {
            let x = px(Double(k))
            s.append(##"<rect x="\##(f(x))" y="\##(f(top))" width="\##(f(left + plotW - x))" height="\##(f(plotH))" fill="#d62728" fill-opacity="0.05"/>"##)
            s.append(##"<line x1="\##(f(x))" y1="\##(f(top))" x2="\##(f(x))" y2="\##(f(top + plotH))" stroke="#000" stroke-width="1.5" stroke-dasharray="6 4"/>"##)
            let flip = x > left + 0.6 * plotW
            s.append(##"<text x="\##(f(flip ? x - 6 : x + 6))" y="\##(f(top + 16))" font-size="12" text-anchor="\##(flip ? "end" : "start")" fill="#000">crossover K = \##(k): FFT faster from here on</text>"##)
        }
        // Series.
        for one in all {
            let pts = one.points.map { "\(f(px(Double($0.k)))),\(f(py($0.ms)))" }.joined(separator: " ")
            let dash = one.isBaseline ? ##" stroke-dasharray="7 4""## : ""
            s.append(##"<polyline data-series="\##(XMLText.escape(one.name))" points="\##(pts)" fill="none" stroke="\##(one.color)" stroke-width="2.2"\##(dash) stroke-linejoin="round"/>"##)
            for p in one.points {
                let (x, y) = (px(Double(p.k)), py(p.ms))
                if one.isBaseline {
                    s.append(##"<rect x="\##(f(x - 3.5))" y="\##(f(y - 3.5))" width="7" height="7" fill="#fff" stroke="\##(one.color)" stroke-width="1.6"><title>\##(XMLText.escape(one.name)) K=\##(p.k): \##(NumberFormatting.milliseconds(p.ms)) ms</title></rect>"##)
                } else {
                    s.append(##"<circle cx="\##(f(x))" cy="\##(f(y))" r="3.6" fill="\##(one.color)"><title>\##(XMLText.escape(one.name)) K=\##(p.k): \##(NumberFormatting.milliseconds(p.ms)) ms</title></circle>"##)
                }
            }
        }
        // Legend.
        let lx = left + plotW + 20
        s.append(##"<text x="\##(f(lx))" y="\##(f(top + 4))" font-size="13" font-weight="bold" fill="#222">median time</text>"##)
        for (i, one) in all.enumerated() {
            let y = top + 26 + Double(i) * 22
            let dash = one.isBaseline ? ##" stroke-dasharray="7 4""## : ""
            s.append(##"<line x1="\##(f(lx))" y1="\##(f(y))" x2="\##(f(lx + 30))" y2="\##(f(y))" stroke="\##(one.color)" stroke-width="2.2"\##(dash)/>"##)
            let label = one.isBaseline ? "\(one.name) (baseline)" : "GlobalConv \(one.name)"
            s.append(##"<text x="\##(f(lx + 38))" y="\##(f(y + 4))" font-size="12" fill="#222">\##(XMLText.escape(label))</text>"##)
        }
        s.append("</svg>")
        return s.joined(separator: "\n") + "\n"
    }

    /// `0.01 ms`, `0.2 ms`, `5 ms`, `100 ms`, `2 s`.
    static func tickLabel(_ ms: Double) -> String {
        if ms >= 1000 { return "\(NumberFormatting.trimmed(ms / 1000)) s" }
        return "\(NumberFormatting.trimmed(ms)) ms"
    }

    /// About eight round ticks between `a` and `b`.
    static func niceTicks(from a: Int, to b: Int) -> [Int] {
        let raw = Double(max(b - a, 1)) / 8
        let mag = pow(10, floor(log10(raw)))
        let step = Int(([1.0, 2.0, 5.0, 10.0].first { $0 * mag >= raw } ?? 10) * mag)
        let first = (a + step - 1) / step * step
        return Array(stride(from: max(first, a), through: b, by: max(step, 1)))
    }
}


extension NumberFormatting {
    /// Up to four significant digits without trailing zeros (`0.01`, `2`, `150`).
    static func trimmed(_ x: Double) -> String {
        var s = String(format: "%.4g", x)
        if s.contains("."), !s.contains("e") {
            while s.last == "0" { s.removeLast() }
            if s.last == "." { s.removeLast() }
        }
        return s
    }
}
