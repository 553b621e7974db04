/// The most memory one convolution call may allocate: its output, its workspaces (FFT buffers or
/// padded direct-path copies, one set per worker thread) and the kernel spectra it creates.
///
/// Every path computes its need from the shapes, with overflow-checked arithmetic, *before*
/// allocating anything, and throws ``ConvolutionError/tooLarge(_:)`` naming the sizes when the need
/// overflows `Int` or exceeds the budget (``DepthwiseConvolution2D/memoryNeed(inputShape:path:options:)``).
/// The `.auto` path falls back to the direct path when only the FFT path is over the budget.
/// The caller's input is not counted. Default: 4 GiB.
public struct MemoryBudget: Sendable, Hashable, CustomStringConvertible {
    /// The limit in bytes, ≥ 0.
    public var bytes: Int

    /// - Precondition: `bytes ≥ 0`.
    public init(bytes: Int) {
        precondition(bytes >= 0, "MemoryBudget: bytes must be ≥ 0, got \(bytes)")
        self.bytes = bytes
    }

    /// `n` gibibytes (`n·2³⁰` bytes, saturating at `Int.max`).
    public static func gibibytes(_ n: Int) -> MemoryBudget {
        let (b, overflow) = n.multipliedReportingOverflow(by: 1 << 30)
        return MemoryBudget(bytes: overflow ? .max : b)
    }

    /// 4 GiB.
    public static let `default` = MemoryBudget.gibibytes(4)

    /// No limit beyond what `Int` can count.
    public static let unlimited = MemoryBudget(bytes: .max)

    public var description: String { MemoryBudget.format(bytes) }

    /// `bytes` in the largest binary unit that keeps it ≥ 1 (`"3.0 GiB"`), or `"n bytes"`.
    static func format(_ bytes: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = -1
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit < 0 { return "\(bytes) bytes" }
        return "\((value * 10).rounded() / 10) \(units[unit]) (\(bytes) bytes)"
    }
}

/// Overflow-checked byte arithmetic for memory estimates: `nil` once anything overflows.
struct ByteCount {
    private(set) var value: Int? = 0

    /// Adds `count` elements of `elementSize` bytes each.
    mutating func add(_ count: Int?, elementSize: Int) {
        guard let v = value, let count else { value = nil; return }
        let (bytes, o1) = count.multipliedReportingOverflow(by: elementSize)
        let (sum, o2) = v.addingReportingOverflow(bytes)
        value = o1 || o2 || count < 0 ? nil : sum
    }

    /// The product of `factors`, or `nil` on overflow.
    static func product(_ factors: Int...) -> Int? { product(factors) }

    static func product(_ factors: [Int]) -> Int? {
        var p = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (q, o) = p.multipliedReportingOverflow(by: f)
            if o { return nil }
            p = q
        }
        return p
    }
}
