
/// The zeros-mode FFT path's transform size, chosen by measurement and kept for the process.
///
/// For a problem (precision, map, geometry) first seen, the candidates are the sizes with prime factors
/// ≤ 7 from the minimum `need` up to a quarter above it, per axis (square problems: equal sizes only,
/// otherwise every pair), each in both ``DepthwiseFFTPipeline/Mode``s; each candidate's forward + product +
/// inverse, planned at the
/// caller's effort (FFTW's estimate and measured plans rank sizes very differently), is timed on a zero
/// plane, best of five, and the fastest size is remembered per effort. A few milliseconds once per
/// problem at estimate effort; measured planning of the candidates takes longer, once. Thread-safe: racing first calls may both measure; one result is kept.
enum FFTSizeChoice {
    struct Key: Hashable, Sendable {
        var precision: Precision
        var map: Size2D
        var geometry: ConvolutionGeometry2D
        var effort: PlanningEffort
    }

    /// A transform size and the pipeline mode that ran it fastest.
    struct Choice: Hashable, Sendable {
        var size: Size2D
        var mode: DepthwiseFFTPipeline.Mode
    }

    /// At most this many problems are remembered (``BoundedCache``: the least recently used is forgotten,
    /// and measured again if it comes back).
    static let capacity = 4096
    private static let choices = BoundedCache<Key, Choice>(capacity: capacity)

    /// The remembered or newly measured size; `pipeline` builds the transform pair for a candidate.
    static func choose<S: TensorScalar>(_: S.Type, map: Size2D, need: Size2D, geometry: ConvolutionGeometry2D, effort: PlanningEffort,
                                        pipeline: (Size2D, DepthwiseFFTPipeline.Mode) throws(ConvolutionError) -> DepthwiseFFTPipeline)
        throws(ConvolutionError) -> Choice {
        let key = Key(precision: S.precision, map: map, geometry: geometry, effort: effort)
        if let known = choices[key] { return known }
        PlanningStatistics.countMeasurement()
        var best = Choice(size: candidates(need: need)[0], mode: .pruned), bestTime = Duration.seconds(1e9)
        for l in candidates(need: need) {
            for mode in [DepthwiseFFTPipeline.Mode.pruned, .full] {
                let t = try time(pipeline(l, mode), as: S.self)
                if t < bestTime { (best, bestTime) = (Choice(size: l, mode: mode), t) }
            }
        }
        return choices.update(key) { existing in existing ?? best }
    }

    /// Every remembered choice (for plan files, ``PlanningDecisions``).
    static func entries() -> [(Key, Choice)] { choices.entries.map { ($0.key, $0.value) } }

    /// Installs a choice read from a plan file, replacing what this process had for `key`.
    static func restore(_ choice: Choice, for key: Key) {
        choices.update(key) { _ in choice }
    }

    /// Candidate sizes for a minimum of `need` (the smallest fast size first).
    static func candidates(need: Size2D) -> [Size2D] {
        func axis(_ n: Int) -> [Int] {
            let sizes = FFTSize.fastSizes(from: n, through: n + max(4, n / 4))
            return sizes.isEmpty ? [FFTSize.nextFast(n)] : Array(sizes.prefix(6))
        }
        let (hs, ws) = (axis(need.height), axis(need.width))
        if need.height == need.width { return hs.map { Size2D($0) } }
        return hs.flatMap { h in ws.map { Size2D(height: h, width: $0) } }
    }

    /// Best of five forward + product + inverse runs of `pipe` on a zero plane.
    private static func time<S: TensorScalar>(_ pipe: DepthwiseFFTPipeline, as _: S.Type) -> Duration {
        let padded = AlignedBuffer<S>(count: pipe.paddedRows * pipe.size.width)
        let freq = AlignedBuffer<S>(count: 2 * pipe.spectrumCount)
        let kernel = AlignedBuffer<S>(count: 2 * pipe.spectrumCount)
        let result = AlignedBuffer<S>(count: pipe.size.height * pipe.size.width)
        let clock = ContinuousClock()
        var best = Duration.seconds(1e9)
        for round in 0..<6 {
            let start = clock.now
            pipe.forward(padded.pointer, into: freq.pointer)
            multiplyRows(freq.pointer, rows: 1, count: pipe.spectrumCount, by: kernel.pointer)
            pipe.inverse(freq.pointer, into: result.pointer)
            if round > 0 { best = min(best, clock.now - start) }
        }
        return best
    }
}
