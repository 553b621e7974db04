import GlobalConv
import LargeKernel

/// `decompose --fit FILE --key NAME`: the dense depthwise kernel stored under NAME in a safetensors
/// file (`[C, 1, t, t]`, F32 or F64), fitted by `LKADecomposition.fit` (alternating least squares per
/// channel, Float64) with LKA(K, d), `K` = t unless given and `d` = the best dilation unless given.
package struct LKAFitReport: Sendable, Equatable {
    package var file: String
    package var key: String
    package var channels: Int
    package var targetSize: Int
    package var kernel: Int
    package var dilation: Int
    /// `‖T_c − K_c‖_F / ‖T_c‖_F` per channel.
    package var channelErrors: [Double]
    /// `sqrt(Σ_c ‖T_c − K_c‖² / Σ_c ‖T_c‖²)`.
    package var overallError: Double
    package var denseParams: Int
    package var factorParams: Int

    /// Reads the kernel and fits it.
    package static func run(file: String, key: String, kernel: Int? = nil, dilation: Int? = nil) throws(ToolError) -> LKAFitReport {
        let st: SafetensorsFile
        do { st = try SafetensorsFile(atPath: file) } catch { throw .io(error.description) }
        guard let entry = st.entry(key) else {
            let names = st.names.prefix(20).joined(separator: ", ")
            throw .invalidValue("'\(file)' has no tensor '\(key)'; it has: \(names)\(st.names.count > 20 ? ", …" : "")")
        }
        guard entry.shape.count == 4, entry.shape[1] == 1, entry.shape[2] == entry.shape[3], entry.shape[0] >= 1, entry.shape[2] >= 1 else {
            throw .invalidValue("tensor '\(key)' must be a square depthwise kernel [C, 1, t, t], got \(entry.shape)")
        }
        let weight: Tensor<Double>
        do { weight = try st.tensor(key, as: Double.self) } catch { throw .invalidValue("tensor '\(key)': \(error.description)") }
        let t = entry.shape[2]
        let k = kernel ?? t
        do throws(LargeKernelError) {
            var d = 0
            if let dilation { d = dilation } else { d = try LKADecomposition.bestDilation(kernelSize: k) }
            let lka = try LKADecomposition(kernelSize: k, dilation: d)
            let target = try DepthwiseKernel(weight: weight)
            let fit = try lka.fit(target)
            return LKAFitReport(file: file, key: key, channels: entry.shape[0], targetSize: t, kernel: k, dilation: d,
                                channelErrors: fit.channelErrors, overallError: fit.relativeError,
                                denseParams: fit.denseParameters, factorParams: fit.factorParameters)
        } catch {
            throw .failed(error.description)
        }
    }

    /// Minimum, median and maximum of the per-channel errors.
    package var summary: (min: Double, median: Double, max: Double) {
        let s = channelErrors.sorted()
        guard !s.isEmpty else { return (0, 0, 0) }
        let mid = s.count / 2
        return (s[0], s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2, s[s.count - 1])
    }

    /// Renders as `table` or `json` (`{"file", "key", "channels", "target_size", "kernel", "dilation",
    /// "channel_error": {"min", "median", "max"}, "overall_error", "dense_params", "factor_params", "channel_errors"}`).
    package func rendered(_ format: OutputFormat) throws(ToolError) -> String {
        let s = summary
        switch format {
        case .json:
            return JSONOutput.encode(JSONShape(
                file: file, key: key, channels: channels, targetSize: targetSize, kernel: kernel, dilation: dilation,
                channelError: ["min": s.min, "median": s.median, "max": s.max], overallError: overallError,
                denseParams: denseParams, factorParams: factorParams, channelErrors: channelErrors))
        case .table:
            var t = TextTable(header: ["", "relative error"])
            t.append(["channel min", NumberFormatting.scientific(s.min)])
            t.append(["channel median", NumberFormatting.scientific(s.median)])
            t.append(["channel max", NumberFormatting.scientific(s.max)])
            t.append(["overall", NumberFormatting.scientific(overallError)])
            let l = 2 * dilation - 1, sp = (kernel + dilation - 1) / dilation
            return ["LKA fit of '\(key)' [\(channels), 1, \(targetSize), \(targetSize)] from \(file)",
                    "LKA(K=\(kernel), d=\(dilation)): \(l)×\(l) → \(sp)×\(sp) dilated \(dilation); "
                    + "depthwise parameters \(NumberFormatting.grouped(factorParams)) vs dense \(NumberFormatting.grouped(denseParams)) "
                    + "(\(NumberFormatting.fixed(Double(factorParams) / Double(denseParams), 3))×)",
                    "relative error ‖T − A⊛B‖_F / ‖T‖_F per channel (\(channels) channels) and overall:", "",
                    t.rendered()].joined(separator: "\n")
        case .csv, .markdown, .junit:
            throw .invalidValue("decompose output formats are table, json; not \(format.rawValue)")
        }
    }

    struct JSONShape: Encodable {
        var file: String
        var key: String
        var channels: Int
        var targetSize: Int
        var kernel: Int
        var dilation: Int
        var channelError: [String: Double]
        var overallError: Double
        var denseParams: Int
        var factorParams: Int
        var channelErrors: [Double]

        enum CodingKeys: String, CodingKey {
            case file, key, channels, targetSize = "target_size", kernel, dilation, channelError = "channel_error"
            case overallError = "overall_error", denseParams = "dense_params", factorParams = "factor_params"
            case channelErrors = "channel_errors"
        }
    }
}
