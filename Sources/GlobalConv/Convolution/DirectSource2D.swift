/// Where ``DirectKernel2D`` reads one plane from: the input plane itself, or a per-worker copy that
/// adds the padding the convolution's semantics need, so the kernel never bounds-checks.
///
/// Source sample `(r, c)`, `r < extent.height`, `c < extent.width`, stands for input sample
/// `(r − offset.height, c − offset.width)`:
/// - ``Layout/input``: the plane as it is (`offset` 0, `extent` = the map); nothing copied.
/// - ``Layout/zeroPadded``: that sample where it lies in the map, 0 elsewhere. The zero border is
///   written once per scratch buffer; each plane only copies its `H × W` samples in.
/// - ``Layout/periodic``: the sample read modulo `H` and `W` (`x[(r − oh) mod H, (c − ow) mod W]`),
///   wrapping as often as the extent needs, so the padding may exceed the map.
struct DirectSource2D: Sendable {
    enum Layout: Sendable { case input, zeroPadded, periodic }

    var layout: Layout
    /// `H × W` of the input plane, each ≥ 1.
    var map: Size2D
    /// Rows × columns of the source plane.
    var extent: Size2D
    /// Where input sample `(0, 0)` sits in the source (before wrapping, for ``Layout/periodic``).
    var offset: Size2D

    /// The source for a stride-1 correlation with `geometry` on an `map`-sized plane: rows
    /// `[−ph, H + ph)` and columns `[−pw, W + pw)` of the (zero- or periodically-) padded map.
    init(geometry g: ConvolutionGeometry2D, map: Size2D) {
        let padded = g.padding.height > 0 || g.padding.width > 0
        self.layout = !padded ? .input : g.paddingMode == .zeros ? .zeroPadded : .periodic
        self.map = map
        self.extent = Size2D(height: map.height + 2 * g.padding.height, width: map.width + 2 * g.padding.width)
        self.offset = g.padding
    }

    /// A periodic source of `extent` whose sample `(r, c)` is `x[(r − offset) mod map]`.
    init(periodicMap map: Size2D, extent: Size2D, offset: Size2D = Size2D(0)) {
        self.layout = .periodic
        self.map = map
        self.extent = extent
        self.offset = offset
    }

    /// Samples of scratch one worker needs (0 for ``Layout/input``).
    var scratchCount: Int { layout == .input ? 0 : extent.height * extent.width }

    /// Elements between vertically adjacent source samples.
    var stride: Int { layout == .input ? map.width : extent.width }

    /// Source rows that may be non-zero.
    var dataRows: Range<Int> {
        layout == .zeroPadded ? offset.height..<(offset.height + map.height) : 0..<extent.height
    }

    /// Source columns that may be non-zero.
    var dataColumns: Range<Int> {
        layout == .zeroPadded ? offset.width..<(offset.width + map.width) : 0..<extent.width
    }

    /// Prepares the source of one plane and returns where the kernel reads it. `scratch` holds
    /// ``scratchCount`` samples owned by the calling worker; `fresh` says it has not been used for
    /// this source yet (the zero border is written then, and kept for later planes).
    func prepare<S: BinaryFloatingPoint>(plane x: UnsafePointer<S>, scratch: UnsafeMutablePointer<S>,
                                         fresh: Bool) -> UnsafePointer<S> {
        let (h, w) = (map.height, map.width)
        switch layout {
        case .input:
            return x
        case .zeroPadded:
            if fresh { scratch.update(repeating: 0, count: scratchCount) }
            for r in 0..<h {
                (scratch + (r + offset.height) * extent.width + offset.width).update(from: x + r * w, count: w)
            }
        case .periodic:
            let firstColumn = Self.mod(-offset.width, w)
            for r in 0..<extent.height {
                let row = x + Self.mod(r - offset.height, h) * w
                let dst = scratch + r * extent.width
                var c = 0, s = firstColumn
                while c < extent.width {
                    let n = min(w - s, extent.width - c)
                    (dst + c).update(from: row + s, count: n)
                    c += n
                    s = 0
                }
            }
        }
        return UnsafePointer(scratch)
    }

    private static func mod(_ a: Int, _ m: Int) -> Int {
        let r = a % m
        return r < 0 ? r + m : r
    }
}
