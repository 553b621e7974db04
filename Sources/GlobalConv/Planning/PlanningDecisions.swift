/// GlobalConv's own planning decisions as text — the part of a plan file (``FFTWisdom``) beside
/// FFTW's wisdom: the auto path's measured choices (``ConvolutionPlanner``) and the FFT path's measured
/// transform sizes (``FFTSizeChoice``), so that a process that loads them does no measuring.
///
/// Format (one decision per line, fields separated by single spaces):
/// ```
/// machine AMD EPYC (AuthenticAMD family 26 model 2), 2 CPUs
/// library 0.4.0
/// path depthwise float32 1,128,56,56 31x31 1x1 15x15 zeros 2 1234567 456789 1
/// size float32 56x56 31x31 1x1 15x15 zeros measure 96x96 pruned
/// ```
/// `path`: operation, precision, input shape, kernel, dilation, padding, padding mode, threads, the best
/// direct and FFT times in nanoseconds and how many measurements they summarise. `size`: precision,
/// map, kernel, dilation, padding, padding mode, FFTW effort, the chosen transform size and pipeline
/// mode. Decisions hold for the CPU and library version they were measured with: ``Parsed/install()``
/// ignores them (with a warning) when `machine` or `library` differs from this process's.
enum PlanningDecisions {
    /// Every decision of this process as text.
    static func text() -> String {
        var lines = ["machine \(MachineIdentity.cpu)", "library \(MachineIdentity.library)"]
        for (key, m) in ConvolutionPlanner.shared.entries() {
            let op = key.operation == .depthwise ? "depthwise" : "circular"
            lines.append("path \(op) \(key.precision.rawValue) \(key.inputShape.map(String.init).joined(separator: ",")) "
                         + "\(encode(key.geometry)) \(key.threads) \(nanoseconds(m.direct)) \(nanoseconds(m.fft)) \(m.count)")
        }
        for (key, choice) in FFTSizeChoice.entries() {
            lines.append("size \(key.precision.rawValue) \(encode(key.map)) \(encode(key.geometry)) \(key.effort.rawValue) "
                         + "\(encode(choice.size)) \(choice.mode == .pruned ? "pruned" : "full")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Decisions read from a plan file, checked, not yet installed.
    struct Parsed {
        var machine: String, library: String
        var paths: [(ConvolutionPlanner.Key, ConvolutionPlanner.Measurement)]
        var sizes: [(FFTSizeChoice.Key, FFTSizeChoice.Choice)]

        /// Installs the decisions and returns warnings: none are installed when they were measured on
        /// another CPU or with another library version.
        func install() -> [String] {
            if machine != MachineIdentity.cpu || library != MachineIdentity.library {
                return ["planning decisions ignored: measured on '\(machine)' with GlobalConv \(library), "
                        + "this is '\(MachineIdentity.cpu)' with GlobalConv \(MachineIdentity.library) (FFTW wisdom still loaded)"]
            }
            for (key, m) in paths { ConvolutionPlanner.shared.restore(m, for: key) }
            for (key, choice) in sizes { FFTSizeChoice.restore(choice, for: key) }
            return []
        }
    }

    /// Reads and checks every line of `text`. Throws a description of the first bad line.
    static func parse(_ text: String) throws(FFTWisdomError) -> Parsed {
        var machine: String?, library: String?
        var paths: [(ConvolutionPlanner.Key, ConvolutionPlanner.Measurement)] = []
        var sizes: [(FFTSizeChoice.Key, FFTSizeChoice.Choice)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let bad = FFTWisdomError(description: "planning decisions, line \(index + 1): cannot read '\(raw.prefix(120))'")
            if raw.hasPrefix("machine ") { machine = String(raw.dropFirst(8)); continue }
            if raw.hasPrefix("library ") { library = String(raw.dropFirst(8)); continue }
            let f = raw.split(separator: " ").map(String.init)
            switch f.first {
            case "path":
                guard f.count == 12, let op = ["depthwise": ConvolutionPlanner.Operation.depthwise, "circular": .circular][f[1]],
                      let precision = Precision(rawValue: f[2]), let shape = ints(f[3], separator: ","), shape.count == 4,
                      shape.allSatisfy({ $0 >= 1 }), let geometry = geometry(f[4], f[5], f[6], f[7]),
                      let threads = Int(f[8]), threads >= 1, let d = Int(f[9]), d >= 0, let t = Int(f[10]), t >= 0,
                      let count = Int(f[11]), count >= 1 else { throw bad }
                paths.append((.init(precision: precision, inputShape: shape, geometry: geometry, threads: threads, operation: op),
                              .init(direct: .nanoseconds(d), fft: .nanoseconds(t), count: count)))
            case "size":
                guard f.count == 10, let precision = Precision(rawValue: f[1]), let map = size(f[2]),
                      let geometry = geometry(f[3], f[4], f[5], f[6]), let effort = PlanningEffort(rawValue: f[7]),
                      let l = size(f[8]), let mode = ["pruned": DepthwiseFFTPipeline.Mode.pruned, "full": .full][f[9]]
                else { throw bad }
                sizes.append((.init(precision: precision, map: map, geometry: geometry, effort: effort), .init(size: l, mode: mode)))
            default:
                throw bad
            }
        }
        guard let machine, let library else {
            throw FFTWisdomError(description: "planning decisions lack their 'machine' or 'library' line")
        }
        return Parsed(machine: machine, library: library, paths: paths, sizes: sizes)
    }

    private static func nanoseconds(_ d: Duration) -> Int { Int(min(max(d / .nanoseconds(1), 0), 1e15).rounded()) }

    private static func encode(_ s: Size2D) -> String { "\(s.height)x\(s.width)" }

    private static func encode(_ g: ConvolutionGeometry2D) -> String {
        "\(encode(g.kernel)) \(encode(g.dilation)) \(encode(g.padding)) \(g.paddingMode.rawValue)"
    }

    private static func ints(_ s: String, separator: Character) -> [Int]? {
        let parts = s.split(separator: separator, omittingEmptySubsequences: false).map { Int($0) }
        return parts.contains(nil) ? nil : parts.map { $0! }
    }

    private static func size(_ s: String) -> Size2D? {
        guard let v = ints(s, separator: "x"), v.count == 2, v[0] >= 1, v[1] >= 1, v[0] <= 1 << 20, v[1] <= 1 << 20 else { return nil }
        return Size2D(height: v[0], width: v[1])
    }

    private static func geometry(_ k: String, _ d: String, _ p: String, _ mode: String) -> ConvolutionGeometry2D? {
        guard let k = size(k), let d = size(d), let mode = PaddingMode(rawValue: mode),
              let pv = ints(p, separator: "x"), pv.count == 2, pv[0] >= 0, pv[1] >= 0, pv[0] <= 1 << 20, pv[1] <= 1 << 20
        else { return nil }
        return try? ConvolutionGeometry2D(kernel: k, dilation: d, padding: Size2D(height: pv[0], width: pv[1]), paddingMode: mode)
    }
}
