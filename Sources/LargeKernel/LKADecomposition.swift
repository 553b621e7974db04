import GlobalConv

/// VAN's decomposition of a K×K depthwise kernel with dilation d (Large Kernel Attention, `van.lka`):
///
/// ```
/// conv0        depthwise (2d−1)×(2d−1), padding d−1                      (local)
/// conv_spatial depthwise ⌈K/d⌉×⌈K/d⌉, dilation d, padding ⌊d(⌈K/d⌉−1)/2⌋ before, ⌈…⌉ after   (long range)
/// conv1        1×1, C×C + bias                                            (channel mixing)
/// ```
///
/// **Padding.** `conv0` always has the odd extent `2d−1`. `conv_spatial` has extent `d·(k'−1)+1` with
/// `k' = ⌈K/d⌉`; when `d·(k'−1)` is even (k' odd or d even — every row of the VAN paper, including K=7,
/// d=2 where k'=4 but the extent is 7) the padding is the symmetric `d·(k'−1)/2` of `van.lka` and the map
/// keeps its size. When `d·(k'−1)` is odd (k' even and d odd, e.g. K=12, d=3: 4×4 dilated 3, extent 10)
/// no symmetric padding keeps the size; this module then pads `⌊d(k'−1)/2⌋` before and `⌈d(k'−1)/2⌉` after,
/// PyTorch's own `padding='same'` rule (extra sample at the bottom/right), so `x ⊙ attn` stays defined.
///
/// **Composed support.** `conv_spatial ∘ conv0` is one kernel of extent `d·k' + d − 1` (23 for 21/3, not 21)
/// whose centre is at ``composedPaddingBefore`` — exact only for circular padding or in the interior
/// (see ``DepthwiseKernel/composed(with:)``).
///
/// **Cost** (depthwise C channels): parameters `C·(k'² + (2d−1)² + C)` without biases, `+3C` with;
/// multiply-adds per pixel `C·((2d−1)² + k'² + C)`, plus `C` multiplies for `x ⊙ attn`.
public struct LKADecomposition: Hashable, Sendable, CustomStringConvertible {
    /// The kernel size K the decomposition stands for.
    public let kernelSize: Int
    /// The dilation d of `conv_spatial`.
    public let dilation: Int

    /// - Throws: ``LargeKernelError/invalidArgument(_:)`` unless `K ≥ 1` and `1 ≤ d ≤ K`.
    public init(kernelSize: Int, dilation: Int) throws(LargeKernelError) {
        guard kernelSize >= 1, dilation >= 1, dilation <= kernelSize, kernelSize <= 1 << 20 else {
            throw .invalidArgument("LKA needs 1 ≤ d ≤ K ≤ 2²⁰, got K = \(kernelSize), d = \(dilation)")
        }
        self.kernelSize = kernelSize
        self.dilation = dilation
    }

    /// VAN's default: K = 21, d = 3 (5×5, then 7×7 dilated 3).
    public static let van = try! LKADecomposition(kernelSize: 21, dilation: 3)

    /// `2d − 1`: the size of `conv0`.
    public var localSize: Int { 2 * dilation - 1 }
    /// `d − 1`: the padding of `conv0`.
    public var localPadding: Int { dilation - 1 }
    /// `k' = ⌈K/d⌉`: the size of `conv_spatial`.
    public var spatialSize: Int { (kernelSize + dilation - 1) / dilation }
    /// `d·(k' − 1) + 1`: the dilated extent of `conv_spatial`.
    public var spatialExtent: Int { dilation * (spatialSize - 1) + 1 }
    /// Padding of `conv_spatial` before (top/left) and after (bottom/right): `⌊d(k'−1)/2⌋`, `⌈d(k'−1)/2⌉`.
    public var spatialPadding: (before: Int, after: Int) {
        let total = dilation * (spatialSize - 1)
        return (total / 2, total - total / 2)
    }
    /// `d·k' + d − 1`: the extent of the composed kernel `conv_spatial ∘ conv0`.
    public var composedExtent: Int { dilation * spatialSize + dilation - 1 }
    /// `(d − 1) + ⌊d(k'−1)/2⌋`: the composed kernel's padding before, i.e. the index of its centre tap.
    public var composedPaddingBefore: Int { localPadding + spatialPadding.before }

    /// Parameters of the whole LKA on `channels` channels: `C·(k'² + (2d−1)² + C)`, plus `3C` biases if asked.
    public func parameterCount(channels: Int, includingBiases: Bool = false) -> Int {
        channels * (spatialSize * spatialSize + localSize * localSize + channels) + (includingBiases ? 3 * channels : 0)
    }

    /// Parameters of the two depthwise convs only: `C·(k'² + (2d−1)²)` (no biases).
    public func depthwiseParameterCount(channels: Int) -> Int {
        channels * (spatialSize * spatialSize + localSize * localSize)
    }

    /// Multiply-adds per output pixel (all channels): `C·(2d−1)²` (conv0) + `C·k'²` (conv_spatial) +
    /// `C²` (conv1); the `x ⊙ attn` gating adds `C` multiplies, reported separately.
    public func multiplyAdds(channels: Int) -> (local: Int, spatial: Int, pointwise: Int, gating: Int, total: Int) {
        let l = channels * localSize * localSize, s = channels * spatialSize * spatialSize, p = channels * channels
        return (l, s, p, channels, l + s + p)
    }

    /// Multiply-adds for an `height × width` map (same size in and out): `H·W·C·((2d−1)² + k'² + C)`,
    /// excluding the `H·W·C` gating multiplies.
    public func multiplyAdds(channels: Int, height: Int, width: Int) -> Int {
        height * width * multiplyAdds(channels: channels).total
    }

    /// The smallest kernel size with an LKA decomposition of dilation `d ≥ 2`: 3 (`d = 2`, `⌈K/d⌉ = 2`).
    /// `d = 1` is not a decomposition (`conv_spatial` would be the dense kernel itself), and for `K = 2`
    /// every `d ≥ 2` leaves `conv_spatial` a single tap.
    public static let minimumKernelSize = 3

    /// The dilation `d ∈ 2…K−1` (so that `⌈K/d⌉ ≥ 2`) that minimises the parameter count
    /// `k'² + (2d−1)²` (the C² term does not depend on d); ties go to the smaller d. 3 for K = 21
    /// (49 + 25 = 74 taps), 2 for K = 3 (4 + 9 = 13 taps: more than the dense 9, but the only choice).
    /// - Throws: ``LargeKernelError/invalidArgument(_:)`` for `K` outside ``minimumKernelSize``…2²⁰:
    ///   a kernel of 1 or 2 has no LKA decomposition with `d ≥ 2`.
    public static func bestDilation(kernelSize: Int) throws(LargeKernelError) -> Int {
        guard kernelSize >= minimumKernelSize, kernelSize <= 1 << 20 else {
            throw .invalidArgument("LKA with dilation d ≥ 2 needs a kernel size in \(minimumKernelSize)…2²⁰ "
                                   + "(a \(kernelSize)×\(kernelSize) kernel has no such decomposition), got \(kernelSize)")
        }
        var best = (d: 2, cost: Int.max)
        for d in 2..<kernelSize {
            let k = (kernelSize + d - 1) / d
            let cost = k * k + (2 * d - 1) * (2 * d - 1)
            if cost < best.cost { best = (d, cost) }
        }
        return best.d
    }

    public var description: String {
        "LKA(K=\(kernelSize), d=\(dilation)): \(localSize)×\(localSize) pad \(localPadding) → "
            + "\(spatialSize)×\(spatialSize) dil \(dilation) pad \(spatialPadding) → 1×1; composed extent \(composedExtent)"
    }
}
