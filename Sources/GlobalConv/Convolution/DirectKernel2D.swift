/// The zero-free inner kernel of every direct path: one plane's 2-D cross-correlation with stride 1,
///
/// `out[i, j] = bias + Σ_{u<kh} Σ_{v<kw} w[u, v] · src[i + dh·u, j + dw·v]`  for `i < outH`, `j < outW`,
///
/// read from a source plane that already holds whatever padding the caller's semantics need (zeros or
/// the periodic extension, see ``DirectSource2D``), so no tap is ever bounds-checked. Only rows
/// `dataRows` and columns `dataColumns` of the source may be non-zero; a tap whose reads for a whole
/// register tile fall outside them reads only zero padding and is skipped (the padding must really be
/// zero there: the kernel may still read it for other outputs of the tile).
///
/// Vectorised over output columns with `V` lanes (a narrower `Narrow` for maps narrower than `V`,
/// scalars below that), register-blocked over four output rows. Partial tiles at the right and bottom
/// edges overlap the previous tile instead of masking (outputs are stored, never accumulated, so
/// recomputing one is harmless). Products and sums are separate roundings (`acc += w·x`), the order of
/// the sum is `u`-major then `v`, the bias first. Reentrant: no state besides the arguments.
struct DirectKernel2D: Sendable {
    /// `kh × kw`.
    var kernel: Size2D
    /// `dh × dw`.
    var dilation: Size2D
    /// `outH × outW`, each ≥ 1.
    var output: Size2D
    /// Elements between vertically adjacent source samples; the source holds at least
    /// `outH + dh·(kh − 1)` rows of at least `outW + dw·(kw − 1)` readable samples.
    var sourceStride: Int
    /// Source rows that may hold non-zero samples.
    var dataRows: Range<Int>
    /// Source columns that may hold non-zero samples.
    var dataColumns: Range<Int>

    /// Output rows per register tile.
    static let tileRows = 4

    /// Computes the whole output plane (row stride `outW`) from `source` with weights `weights`
    /// (`kh·kw`, row-major) and `bias`.
    func run<V: SIMD, Narrow: SIMD>(
        _: V.Type, _: Narrow.Type,
        source: UnsafePointer<V.Scalar>, weights: UnsafePointer<V.Scalar>, bias: V.Scalar,
        output out: UnsafeMutablePointer<V.Scalar>
    ) where V.Scalar: BinaryFloatingPoint, Narrow.Scalar == V.Scalar {
        let (outH, outW) = (output.height, output.width)
        let rows = Self.tileRows
        var i0 = 0
        while i0 < outH {
            // A full tile of `rows` rows, the last one shifted up to overlap; maps lower than a tile go row by row.
            let tall = outH >= rows
            let i = tall ? min(i0, outH - rows) : i0
            let taps = Self.tapRange(start: i, count: tall ? rows : 1, dilation: dilation.height,
                                     taps: kernel.height, data: dataRows)
            if outW >= V.scalarCount {
                columns(V.self, row: i, tall: tall, rowTaps: taps, source: source, weights: weights, bias: bias, output: out)
            } else if outW >= Narrow.scalarCount {
                columns(Narrow.self, row: i, tall: tall, rowTaps: taps, source: source, weights: weights, bias: bias, output: out)
            } else {
                for r in i..<(i + (tall ? rows : 1)) {
                    scalarRow(r, source: source, weights: weights, bias: bias, output: out)
                }
            }
            i0 += tall ? rows : 1
        }
    }

    /// One tile row (`tileRows` output rows when `tall`, else one) across all output columns, in
    /// `W`-lane blocks. - Precondition: `outW ≥ W.scalarCount`.
    @inline(__always)
    private func columns<W: SIMD>(
        _: W.Type, row i: Int, tall: Bool, rowTaps: Range<Int>,
        source: UnsafePointer<W.Scalar>, weights: UnsafePointer<W.Scalar>, bias: W.Scalar,
        output out: UnsafeMutablePointer<W.Scalar>
    ) where W.Scalar: BinaryFloatingPoint {
        let outW = output.width, lanes = W.scalarCount
        var j0 = 0
        while j0 < outW {
            let j = min(j0, outW - lanes)
            let colTaps = Self.tapRange(start: j, count: lanes, dilation: dilation.width,
                                        taps: kernel.width, data: dataColumns)
            if tall {
                tile4(W.self, row: i, column: j, rowTaps: rowTaps, columnTaps: colTaps,
                      source: source, weights: weights, bias: bias, output: out)
            } else {
                tile1(W.self, row: i, column: j, rowTaps: rowTaps, columnTaps: colTaps,
                      source: source, weights: weights, bias: bias, output: out)
            }
            j0 += lanes
        }
    }

    /// Four output rows `i..<i+4` × `W.scalarCount` columns from `j`, accumulated in registers.
    @inline(__always)
    private func tile4<W: SIMD>(
        _: W.Type, row i: Int, column j: Int, rowTaps: Range<Int>, columnTaps: Range<Int>,
        source: UnsafePointer<W.Scalar>, weights: UnsafePointer<W.Scalar>, bias: W.Scalar,
        output out: UnsafeMutablePointer<W.Scalar>
    ) where W.Scalar: BinaryFloatingPoint {
        let stride = sourceStride, (dh, dw, kw) = (dilation.height, dilation.width, kernel.width)
        var a0 = W(repeating: bias), a1 = a0, a2 = a0, a3 = a0
        for u in rowTaps {
            let s0 = source + (i + dh * u) * stride + j
            let s1 = s0 + stride, s2 = s1 + stride, s3 = s2 + stride
            let wu = weights + u * kw
            for v in columnTaps {
                let w = W(repeating: wu[v])
                let o = dw * v
                a0 += w * load(s0 + o)
                a1 += w * load(s1 + o)
                a2 += w * load(s2 + o)
                a3 += w * load(s3 + o)
            }
        }
        let o0 = out + i * output.width + j
        store(a0, o0)
        store(a1, o0 + output.width)
        store(a2, o0 + 2 * output.width)
        store(a3, o0 + 3 * output.width)
    }

    /// One output row `i` × `W.scalarCount` columns from `j`.
    @inline(__always)
    private func tile1<W: SIMD>(
        _: W.Type, row i: Int, column j: Int, rowTaps: Range<Int>, columnTaps: Range<Int>,
        source: UnsafePointer<W.Scalar>, weights: UnsafePointer<W.Scalar>, bias: W.Scalar,
        output out: UnsafeMutablePointer<W.Scalar>
    ) where W.Scalar: BinaryFloatingPoint {
        let (dh, dw, kw) = (dilation.height, dilation.width, kernel.width)
        var a = W(repeating: bias)
        for u in rowTaps {
            let s = source + (i + dh * u) * sourceStride + j
            let wu = weights + u * kw
            for v in columnTaps {
                a += W(repeating: wu[v]) * load(s + dw * v)
            }
        }
        store(a, out + i * output.width + j)
    }

    /// Output row `i` one sample at a time (maps narrower than the narrow vector).
    private func scalarRow<S: BinaryFloatingPoint>(
        _ i: Int, source: UnsafePointer<S>, weights: UnsafePointer<S>, bias: S, output out: UnsafeMutablePointer<S>
    ) {
        let (dh, dw, kw) = (dilation.height, dilation.width, kernel.width)
        let rowTaps = Self.tapRange(start: i, count: 1, dilation: dh, taps: kernel.height, data: dataRows)
        for j in 0..<output.width {
            let colTaps = Self.tapRange(start: j, count: 1, dilation: dw, taps: kw, data: dataColumns)
            var a = bias
            for u in rowTaps {
                let s = source + (i + dh * u) * sourceStride + j
                for v in colTaps { a += weights[u * kw + v] * s[dw * v] }
            }
            out[i * output.width + j] = a
        }
    }

    /// The taps `t < taps` for which some position of `start..<start+count`, shifted by `dilation·t`,
    /// lands in `data`: a contiguous range because the shifted window moves monotonically.
    static func tapRange(start: Int, count: Int, dilation: Int, taps: Int, data: Range<Int>) -> Range<Int> {
        // start + count − 1 + d·t ≥ data.lower  and  start + d·t ≤ data.upper − 1.
        let lo = max(0, ceilDiv(data.lowerBound - start - count + 1, dilation))
        let hi = min(taps, floorDiv(data.upperBound - 1 - start, dilation) + 1)
        return lo < hi ? lo..<hi : lo..<lo
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    private static func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }
}

@inline(__always)
private func load<W: SIMD>(_ p: UnsafePointer<W.Scalar>) -> W {
    UnsafeRawPointer(p).loadUnaligned(as: W.self)
}

@inline(__always)
private func store<W: SIMD>(_ v: W, _ p: UnsafeMutablePointer<W.Scalar>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: W.self)
}
