import GlobalConv

/// One randomly drawn depthwise configuration for the matrix tests: small maps and few channels so
/// the Float64 oracle stays cheap, but every awkward corner of the geometry on the table.
struct DepthwiseCase: CustomStringConvertible, Sendable {
    var batch: Int
    var channels: Int
    var map: Size2D
    var kernel: Size2D
    var dilation: Size2D
    var padding: Size2D
    var mode: PaddingMode
    var hasBias: Bool
    var threads: Int
    /// Seed of the case's tensors.
    var seed: UInt64

    var geometry: ConvolutionGeometry2D {
        get throws { try ConvolutionGeometry2D(kernel: kernel, dilation: dilation, padding: padding, paddingMode: mode) }
    }

    var inputShape: [Int] { [batch, channels, map.height, map.width] }

    var description: String {
        "N\(batch) C\(channels) map \(map) kernel \(kernel) dilation \(dilation) padding \(padding) \(mode)"
            + " bias \(hasBias) threads \(threads) seed \(seed)"
    }

    /// `count` cases drawn reproducibly from `seed`.
    static func matrix(count: Int, seed: UInt64) -> [DepthwiseCase] {
        var g = SeededGenerator(seed: seed)
        return (0..<count).map { k in draw(&g, seed: seed &+ UInt64(k) &* 7919) }
    }

    /// Per axis: the extent is 1 a fifth of the time, otherwise up to 10, sometimes up to 20 (wide
    /// enough for full vector tiles and their overlapping last tile); the kernel up to 7, sometimes up to
    /// 13 (larger than most maps); dilation 1 mostly, else 2 or 3; padding from the least that keeps the
    /// output non-empty up to the dilated extent (zeros), or up to one map plus one kernel more
    /// (circular, so small maps wrap several times).
    static func draw(_ g: inout SeededGenerator, seed: UInt64) -> DepthwiseCase {
        let mode: PaddingMode = Bool.random(using: &g) ? .zeros : .circular
        func axis() -> (size: Int, kernel: Int, dilation: Int, padding: Int) {
            let size = Int.random(in: 0..<5, using: &g) == 0 ? 1
                : Int.random(in: 0..<5, using: &g) == 0 ? Int.random(in: 11...20, using: &g) : Int.random(in: 2...10, using: &g)
            let kernel = Int.random(in: 0..<5, using: &g) == 0 ? Int.random(in: 8...13, using: &g) : Int.random(in: 1...7, using: &g)
            let dilation = Int.random(in: 0..<10, using: &g) < 7 ? 1 : Int.random(in: 2...3, using: &g)
            let extent = dilation * (kernel - 1) + 1
            let least = max(0, (extent - size + 1) / 2)
            let most = mode == .zeros ? max(least, extent) : least + size + extent
            return (size, kernel, dilation, Int.random(in: least...most, using: &g))
        }
        let (h, w) = (axis(), axis())
        return DepthwiseCase(
            batch: Int.random(in: 1...2, using: &g), channels: Int.random(in: 1...3, using: &g),
            map: Size2D(height: h.size, width: w.size), kernel: Size2D(height: h.kernel, width: w.kernel),
            dilation: Size2D(height: h.dilation, width: w.dilation), padding: Size2D(height: h.padding, width: w.padding),
            mode: mode, hasBias: Int.random(in: 0..<10, using: &g) < 7, threads: Int.random(in: 1...3, using: &g),
            seed: seed)
    }

    /// The case's input, weight and bias in precision `S` (values uniform in [-1, 1]).
    func tensors<S: TensorScalar>(_: S.Type) -> (input: Tensor<S>, weight: Tensor<S>, bias: Tensor<S>?) {
        (Tensor<S>.random(shape: inputShape, seed: seed),
         Tensor<S>.random(shape: [channels, 1, kernel.height, kernel.width], seed: seed &+ 1),
         hasBias ? Tensor<S>.random(shape: [channels], seed: seed &+ 2) : nil)
    }
}
