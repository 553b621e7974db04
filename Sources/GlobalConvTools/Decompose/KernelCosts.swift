import LargeKernel

/// Parameter and FLOP counts of a depthwise `K×K` kernel and of the papers' decompositions of it, on
/// `C` channels and an `H×W` map (batch 1, stride 1, "same" output size). Counts exclude biases;
/// FLOPs are `2 ×` multiply-adds (one multiply-add per tap per output pixel). The formulas are those
/// of `Docs/large-kernel.md`:
/// - dense: `C·K²` parameters, `2·H·W·C·K²` FLOPs;
/// - LKA(K, d): `C·(⌈K/d⌉² + (2d−1)² + C)` (the `C²` is its 1×1 `conv1`), FLOPs `2·H·W·C·((2d−1)² + ⌈K/d⌉² + C)`
///   (the `x ⊙ attn` gating multiplies are not counted); composed extent `d·⌈K/d⌉ + d − 1`;
/// - SLaK (N): `K×N ∥ N×K ∥ N×N` branches, `C·(2KN + N²)` (training form; merges exactly into dense
///   `K×K` at inference when K and N are both odd);
/// - RepLK (small kernel s): `K×K ∥ s×s`, `C·(K² + s²)` (training form; merges exactly into dense `K×K`).
package struct KernelCosts: Sendable, Equatable {
    /// One way to realise the kernel.
    package struct Row: Sendable, Equatable, Codable {
        /// `dense`, `lka`, `slak` or `replk`.
        package var form: String
        /// What it is, e.g. `5×5 → 7×7 dil 3 → 1×1`.
        package var layout: String
        /// LKA's dilation; nil for the other forms.
        package var dilation: Int?
        package var params: Int
        package var flops: Double
        /// `params / dense params`.
        package var paramsRatio: Double
        /// The span of input one output reads (square).
        package var extent: Int
        /// Whether this is the LKA dilation with the fewest parameters.
        package var best: Bool
        /// How it relates to the dense kernel.
        package var note: String

        enum CodingKeys: String, CodingKey {
            case form, layout, dilation, params, flops, paramsRatio = "params_ratio", extent, best, note
        }

        package func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(form, forKey: .form)
            try c.encode(layout, forKey: .layout)
            try c.encode(dilation, forKey: .dilation)   // null for non-LKA rows
            try c.encode(params, forKey: .params)
            try c.encode(flops, forKey: .flops)
            try c.encode(paramsRatio, forKey: .paramsRatio)
            try c.encode(extent, forKey: .extent)
            try c.encode(best, forKey: .best)
            try c.encode(note, forKey: .note)
        }
    }

    package var kernel: Int
    package var channels: Int
    package var size: [Int]
    package var rows: [Row]

    /// SLaK's small dimension N.
    package static let slakN = 5
    /// RepLKNet's small kernel.
    package static let replkSmall = 5

    /// The LKA dilations worth listing for `K`: for each distinct `⌈K/d⌉ ≥ 2` the smallest `d ≥ 2` giving it
    /// (a larger d with the same `⌈K/d⌉` only widens the extent and `conv0`) whose two depthwise factors
    /// have fewer taps than the dense kernel (`(2d−1)² + ⌈K/d⌉² < K²`), plus the best dilation; every
    /// one ≥ 2. Empty for K < ``LKADecomposition/minimumKernelSize`` (no decomposition with d ≥ 2).
    package static func usefulDilations(kernel k: Int) throws(ToolError) -> [Int] {
        var seen = Set<Int>(), ds: [Int] = []
        if k >= 3 {
            for d in 2..<k {
                let kp = (k + d - 1) / d
                guard kp >= 2, seen.insert(kp).inserted else { continue }
                if (2 * d - 1) * (2 * d - 1) + kp * kp < k * k { ds.append(d) }
            }
        }
        guard k >= LKADecomposition.minimumKernelSize else { return [] }  // no d ≥ 2 decomposition
        let best = try bestDilation(k)
        if !ds.contains(best) { ds.append(best) }
        return ds.sorted()
    }

    static func bestDilation(_ k: Int) throws(ToolError) -> Int {
        do { return try LKADecomposition.bestDilation(kernelSize: k) } catch { throw .invalidValue(error.description) }
    }

    /// The counts for `kernel` on `channels` channels and a `size` map.
    package init(kernel k: Int, channels c: Int, size: (height: Int, width: Int)) throws(ToolError) {
        guard (1...4096).contains(k) else { throw .invalidValue("--kernel must be in 1...4096, got \(k)") }
        guard (1...65536).contains(c) else { throw .invalidValue("--channels must be in 1...65536, got \(c)") }
        guard size.height >= 1, size.width >= 1 else { throw .invalidValue("--size must be at least 1x1") }
        let pixels = Double(size.height) * Double(size.width)
        let dense = c * k * k
        func row(_ form: String, _ layout: String, _ d: Int?, _ params: Int, _ macsPerPixel: Int, _ extent: Int,
                 _ best: Bool, _ note: String) -> Row {
            Row(form: form, layout: layout, dilation: d, params: params, flops: 2 * pixels * Double(macsPerPixel),
                paramsRatio: Double(params) / Double(dense), extent: extent, best: best, note: note)
        }
        var rows = [row("dense", "\(k)×\(k)", nil, dense, dense, k, false, "the definition")]
        let best = k >= LKADecomposition.minimumKernelSize ? try Self.bestDilation(k) : 0
        for d in try Self.usefulDilations(kernel: k) {
            let lka: LKADecomposition
            do { lka = try LKADecomposition(kernelSize: k, dilation: d) } catch { throw .invalidValue(error.description) }
            let l = lka.localSize, s = lka.spatialSize
            rows.append(row("lka", "\(l)×\(l) → \(s)×\(s) dil \(d) → 1×1", d, lka.parameterCount(channels: c),
                            lka.multiplyAdds(channels: c).total, lka.composedExtent, d == best,
                            "approximation (least squares); + C×C 1×1"))
        }
        let n = Self.slakN
        if k > n {
            let params = c * (2 * k * n + n * n)
            rows.append(row("slak", "\(k)×\(n) ∥ \(n)×\(k) ∥ \(n)×\(n)", nil, params, params, k, false,
                            k % 2 == 1 ? "training form; merges exactly into dense \(k)×\(k)" : "K even, N odd: not mergeable"))
        }
        let s = Self.replkSmall
        if k > s {
            let params = c * (k * k + s * s)
            rows.append(row("replk", "\(k)×\(k) ∥ \(s)×\(s)", nil, params, params, k, false,
                            k % 2 == 1 ? "training form; merges exactly into dense \(k)×\(k)" : "K even, s odd: not mergeable"))
        }
        self.kernel = k
        self.channels = c
        self.size = [size.height, size.width]
        self.rows = rows
    }

    /// Renders as `table` or `json` (`{"kernel", "channels", "size", "rows": [...]}`).
    package func rendered(_ format: OutputFormat) throws(ToolError) -> String {
        switch format {
        case .json:
            var copy = self
            copy.rows = rows.map { var r = $0; r.paramsRatio = NumberFormatting.rounded(r.paramsRatio, 4); return r }
            return JSONOutput.encode(JSONShape(kernel: kernel, channels: channels, size: size, rows: copy.rows))
        case .table:
            var t = TextTable(header: ["form", "layout", "params", "MFLOPs", "vs dense", "extent", "note"])
            for r in rows {
                t.append([r.form + (r.best ? " *" : ""), r.layout, NumberFormatting.grouped(r.params),
                          NumberFormatting.fixed(r.flops / 1e6, 2), NumberFormatting.fixed(r.paramsRatio, 3) + "×", "\(r.extent)", r.note])
            }
            let footnote = rows.contains { $0.form == "lka" } ? "* LKA dilation with the fewest parameters"
                : "no LKA row: a \(kernel)×\(kernel) kernel is too small for an LKA decomposition with d ≥ 2 "
                + "(needs K ≥ \(LKADecomposition.minimumKernelSize))"
            return ["depthwise \(kernel)×\(kernel) on \(channels) channels, \(size[0])×\(size[1]) map, batch 1; "
                    + "parameters without biases, FLOPs = 2 × multiply-adds", "", t.rendered(), "",
                    footnote].joined(separator: "\n")
        case .csv, .markdown, .junit:
            throw .invalidValue("decompose output formats are table, json; not \(format.rawValue)")
        }
    }

    struct JSONShape: Encodable {
        var kernel: Int
        var channels: Int
        var size: [Int]
        var rows: [Row]
    }
}
