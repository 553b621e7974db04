/// Chooses the path of `.auto` calls by measurement, one level above FFTW's planner, and remembers
/// each decision for the rest of the process (like wisdom).
///
/// For a problem it has not seen — key: precision, input shape, geometry, thread count — it first asks
/// a rough cost model (``CostModel``). When the model puts one path more than ``decisiveRatio`` times
/// ahead, that path is taken without measuring (measuring a 63×63 direct convolution on a large map
/// would cost more than it could save). Otherwise the caller times both paths on the real input
/// (``time(_:)``: at least three alternating rounds, the minimum of each) and records them
/// (``record(direct:fft:for:)``); the faster is remembered. A decision whose margin is under
/// ``closeMargin`` is measured again on the next calls, up to ``measurementsForCloseCalls`` times in all,
/// keeping each path's minimum over every measurement — so one noisy moment cannot fix the choice.
/// Thread-safe.
final class ConvolutionPlanner: Sendable {
    static let shared = ConvolutionPlanner()

    /// A model ratio beyond which the planner trusts the model instead of measuring.
    static let decisiveRatio = 8.0
    /// Relative margin `|t_direct − t_fft| / min(t_direct, t_fft)` under which a decision is re-measured.
    static let closeMargin = 0.10
    /// Measurements a close decision gets in all (on successive calls) before it is final.
    static let measurementsForCloseCalls = 3

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
        /// Not decided yet (or decided by a close margin): run both paths, time them and call
        /// ``ConvolutionPlanner/record(direct:fft:for:)``.
        case measure
    }

    /// What was measured for one key: each path's best time so far, and how often it was measured.
    struct Measurement: Sendable, Equatable {
        var direct: Duration, fft: Duration
        var count: Int
        var winner: ConvolutionPath { fft < direct ? .fft : .direct }
        var isClose: Bool {
            let (a, b) = (direct / .nanoseconds(1), fft / .nanoseconds(1))
            return abs(a - b) < ConvolutionPlanner.closeMargin * min(a, b)
        }
        var isFinal: Bool { !isClose || count >= ConvolutionPlanner.measurementsForCloseCalls }
    }

    /// At most this many decisions are remembered (``BoundedCache``: beyond it the least recently used
    /// is forgotten, and re-measured if its problem comes back). Bounds the memory of a server that sees
    /// many shapes.
    static let capacity = 4096

    private let decisions = BoundedCache<Key, Measurement>(capacity: capacity)

    func decision(for key: Key, directCost: Double, fftCost: Double) -> Decision {
        if let known = decisions[key] { return known.isFinal ? .use(known.winner) : .measure }
        if directCost > Self.decisiveRatio * fftCost { return .use(.fft) }
        if fftCost > Self.decisiveRatio * directCost { return .use(.direct) }
        return .measure
    }

    /// Times `run(.direct)` and `run(.fft)` alternately — at least three rounds, up to seven while the
    /// whole takes under 0.2 s — and returns each path's minimum. The caller makes FFT plans and
    /// spectra before (untimed).
    static func time(_ run: (ConvolutionPath) throws(ConvolutionError) -> Void) throws(ConvolutionError) -> (direct: Duration, fft: Duration) {
        PlanningStatistics.countMeasurement()
        let clock = ContinuousClock()
        var best: (direct: Duration, fft: Duration) = (.seconds(1e9), .seconds(1e9))
        let started = clock.now
        var round = 0
        while round < 3 || (round < 7 && clock.now - started < .milliseconds(200)) {
            var t = clock.now
            try run(.direct)
            best.direct = min(best.direct, clock.now - t)
            t = clock.now
            try run(.fft)
            best.fft = min(best.fft, clock.now - t)
            round += 1
        }
        return best
    }

    /// Records a measurement for `key` (each path's minimum over this and earlier measurements) and
    /// returns the path now remembered.
    @discardableResult
    func record(direct: Duration, fft: Duration, for key: Key) -> ConvolutionPath {
        decisions.update(key) { old in
            old.map { Measurement(direct: min($0.direct, direct), fft: min($0.fft, fft), count: $0.count + 1) }
                ?? Measurement(direct: direct, fft: fft, count: 1)
        }.winner
    }

    /// Every remembered decision (for plan files, ``PlanningDecisions``).
    func entries() -> [(Key, Measurement)] { decisions.entries.map { ($0.key, $0.value) } }

    /// Installs a decision read from a plan file, replacing what this process had for `key`.
    func restore(_ m: Measurement, for key: Key) { decisions.update(key) { _ in m } }

    /// Remembers `path` for `key` as a final decision (tests, and decisions made elsewhere).
    func record(_ path: ConvolutionPath, for key: Key) {
        let (fast, slow) = (Duration.nanoseconds(1), Duration.nanoseconds(2))  // a 100 % margin: final
        restore(Measurement(direct: path == .direct ? fast : slow, fft: path == .fft ? fast : slow, count: 1), for: key)
    }

    /// The remembered decision for `key`, if any (possibly still to be re-measured).
    func remembered(_ key: Key) -> ConvolutionPath? { decisions[key]?.winner }

    /// What was measured for `key`, if anything.
    func measurement(_ key: Key) -> Measurement? { decisions[key] }

    /// Number of decisions remembered (≤ ``capacity``).
    var count: Int { decisions.count }

    /// Forgets every decision (for benchmarks that want to re-measure).
    func reset() { decisions.removeAll() }
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
