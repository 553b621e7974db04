#if canImport(Glibc)
import Glibc
#endif

/// What planning decisions depend on besides the problem: the CPU and the library version.
///
/// Measured decisions (which path is faster, which transform size) hold for one CPU and one build of
/// the kernels; a plan file records both and its decisions are ignored elsewhere (``FFTWisdom``).
enum MachineIdentity {
    /// The CPU as `model name (vendor family F model M)` from `/proc/cpuinfo`, e.g.
    /// `AMD EPYC (AuthenticAMD family 26 model 2)`, plus the CPUs of the affinity mask; `unknown CPU`
    /// when the file cannot be read.
    static let cpu: String = {
        var fields: [String: String] = [:]
        if let file = fopen("/proc/cpuinfo", "r") {
            defer { fclose(file) }
            var line: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(line) }
            while getline(&line, &capacity, file) > 0, let line {
                let text = String(cString: line)
                if text == "\n" { break }  // the first processor's block is enough
                let parts = text.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingSpaces, value = parts[1].trimmingSpaces
                if fields[key] == nil { fields[key] = value }
            }
        }
        let name = fields["model name"] ?? "unknown CPU"
        let vendor = fields["vendor_id"] ?? "?", family = fields["cpu family"] ?? "?", model = fields["model"] ?? "?"
        return "\(name) (\(vendor) family \(family) model \(model)), \(ParallelRuntime.maximumParticipants) CPUs"
    }()

    /// The library version the decisions were measured with.
    static var library: String { GlobalConvVersion.string }
}

private extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed())
    }
}
