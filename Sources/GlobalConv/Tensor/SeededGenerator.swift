/// A deterministic SplitMix64 random number generator: the same seed gives the same
/// sequence on every platform, so tests and benchmarks are reproducible. Not thread-safe
/// (a value type; each task keeps its own).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits (SplitMix64, Steele, Lea & Flood 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Tensor {
    /// A tensor of `shape` with elements drawn uniformly from `range`, reproducibly from `seed`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public static func random(shape: [Int], in range: ClosedRange<Scalar> = -1...1, seed: UInt64) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let n = elementCount(shape)
        var values = [Scalar]()
        values.reserveCapacity(n)
        let lo = Double(range.lowerBound), hi = Double(range.upperBound)
        for _ in 0..<n {
            // 53 random bits → [0, 1) in Double, then mapped; identical for both precisions.
            let unit = Double(generator.next() >> 11) * 0x1p-53
            values.append(Scalar(lo + (hi - lo) * unit))
        }
        return Tensor(shape: shape, scalars: values)
    }
}
