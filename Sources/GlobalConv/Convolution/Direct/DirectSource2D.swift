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
///
/// Copies have row ``stride`` ≥ `extent.width` (columns past the extent are zero) and start 64-byte
/// aligned, as the aligned kernel wants (``aligned(stride:)``).
struct DirectSource2D: Sendable {
    enum Layout: Sendable { case input, zeroPadded, periodic }

    private(set) var layout: Layout
    /// `H × W` of the input plane, each ≥ 1.
    let map: Size2D
    /// Rows × columns of the source plane.
    let extent: Size2D
    /// Where input sample `(0, 0)` sits in the source (before wrapping, for ``Layout/periodic``).
    let offset: Size2D
    /// Elements between vertically adjacent source samples.
    private(set) var stride: Int

    /// The source for a stride-1 correlation with `geometry` on an `map`-sized plane: rows
    /// `[−ph, H + ph)` and columns `[−pw, W + pw)` of the (zero- or periodically-) padded map.
    init(geometry g: ConvolutionGeometry2D, map: Size2D) {
        let padded = g.padding.height > 0 || g.padding.width > 0
        self.layout = !padded ? .input : g.paddingMode == .zeros ? .zeroPadded : .periodic
        self.map = map
        self.extent = Size2D(height: map.height + 2 * g.padding.height, width: map.width + 2 * g.padding.width)
        self.offset = g.padding
        self.stride = extent.width
    }

    /// A periodic source of `extent` whose sample `(r, c)` is `x[(r − offset) mod map]`.
    init(periodicMap map: Size2D, extent: Size2D, offset: Size2D = Size2D(0)) {
        self.layout = .periodic
        self.map = map
        self.extent = extent
        self.offset = offset
        self.stride = extent.width
    }

    /// The same source as an aligned copy with row stride `max(stride, extent.width)` (the input
    /// itself becomes a zero-padded copy without padding).
    func aligned(stride: Int) -> DirectSource2D {
        var s = self
        if s.layout == .input { s.layout = .zeroPadded }
        s.stride = max(stride, extent.width)
        return s
    }

    /// Samples of scratch one worker needs (0 for ``Layout/input``).
    var scratchCount: Int { layout == .input ? 0 : extent.height * stride }

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
    /// this source yet (the zero border and tail are written then, and kept for later planes).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func prepare<S: TensorScalar>(plane x: UnsafePointer<S>, scratch: UnsafeMutablePointer<S>,
                                  fresh: Bool) -> UnsafePointer<S> {
        let (h, w) = (map.height, map.width)
        switch layout {
        case .input:
            return x
        case .zeroPadded:
            if fresh { scratch.update(repeating: 0, count: scratchCount) }
            for r in 0..<h {
                (scratch + (r + offset.height) * stride + offset.width).update(from: x + r * w, count: w)
            }
        case .periodic:
            if fresh { scratch.update(repeating: 0, count: scratchCount) }
            let firstColumn = Self.mod(-offset.width, w)
            for r in 0..<extent.height {
                let row = x + Self.mod(r - offset.height, h) * w
                let dst = scratch + r * stride
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
