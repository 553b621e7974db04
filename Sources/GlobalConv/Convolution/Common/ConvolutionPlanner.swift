/// Chooses the path of `.auto` calls by measurement, one level above FFTW's planner, and remembers
/// each decision for the rest of the process (like wisdom).
///
/// For a problem it has not seen — key: precision, input shape, geometry, thread count — it first asks
/// a rough cost model (``CostModel``). When the model puts one path more than ``decisiveRatio`` times
/// ahead, that path is taken without measuring (measuring a 63×63 direct convolution on a large map
/// would cost more than it could save). Otherwise the caller runs both paths on the real input, times
/// them (``record(_:for:)``) and the faster one is remembered. Thread-safe.
final class ConvolutionPlanner: Sendable {
    static let shared = ConvolutionPlanner()

    /// A model ratio beyond which the planner trusts the model instead of measuring.
    static let decisiveRatio = 8.0

    struct Key: Hashable, Sendable {
        var precision: Precision
        var inputShape: [Int]
        var geometry: ConvolutionGeometry2D
        var threads: Int
        /// Which operation: a depthwise convolution or a circular (ParC) correlation along one axis.
        var operation: Operation = .depthwise
    }

    enum Operation: Hashable, Sendable { case depthwise, circular }

    enum Decision: Sendable, Equatable {
        case use(ConvolutionPath)
        /// Not decided yet: run both paths, time them and call ``ConvolutionPlanner/record(_:for:)``.
        case measure
    }

    /// At most this many decisions are remembered; beyond it the oldest-recorded is forgotten (and
    /// re-measured if its problem comes back). Bounds the memory of a server that sees many shapes.
    static let capacity = 4096

    private struct Decisions {
        var paths: [Key: ConvolutionPath] = [:]
        /// Keys in recording order (oldest first), for eviction; `head` skips evicted entries.
        var order: [Key] = []
        var head = 0
    }
    private let decisions = Locked(Decisions())

    func decision(for key: Key, directCost: Double, fftCost: Double) -> Decision {
        if let known = remembered(key) { return .use(known) }
        if directCost > Self.decisiveRatio * fftCost { return .use(.fft) }
        if fftCost > Self.decisiveRatio * directCost { return .use(.direct) }
        return .measure
    }

    /// Remembers the measured winner for `key`.
    func record(_ path: ConvolutionPath, for key: Key) {
        decisions.withLock { d in
            if d.paths.updateValue(path, forKey: key) == nil { d.order.append(key) }
            while d.paths.count > Self.capacity {
                d.paths[d.order[d.head]] = nil
                d.head += 1
            }
            if d.head > Self.capacity {  // compact the order list now and then
                d.order.removeFirst(d.head)
                d.head = 0
            }
        }
    }

    /// The remembered decision for `key`, if any.
    func remembered(_ key: Key) -> ConvolutionPath? { decisions.withLock { $0.paths[key] } }

    /// Number of decisions remembered (≤ ``capacity``).
    var count: Int { decisions.withLock { $0.paths.count } }

    /// Forgets every decision (for benchmarks that want to re-measure).
    func reset() { decisions.withLock { $0 = Decisions() } }
}

/// Rough operation counts of the two paths, in "multiply-add equivalents"; only their ratio matters
/// and only to skip measurements that are obviously one-sided.
enum CostModel {
    /// Direct: `N·C·H'·W'·kh·kw` multiply-adds.
    static func direct(planes: Int, output: Size2D, kernel: Size2D) -> Double {
        Double(planes) * Double(output.height * output.width) * Double(kernel.height * kernel.width)
    }

    /// FFT: per plane, a forward and an inverse real transform (`≈ 2.5·L·log₂L` each for `L = Lh·Lw`)
    /// plus the half-spectrum complex multiply and the copies (`≈ 3·L`).
    static func fft(planes: Int, transform: Size2D) -> Double {
        let l = Double(transform.height * transform.width)
        return Double(planes) * (5 * l * max(1, Double.log2(l)) + 3 * l)
    }
}
