/// A dense convolution's input read as its im2col matrix without storing that matrix: the input's
/// zero-padded polyphase planes, and per im2col row the offset of the window it reads.
///
/// For stride `(s_h, s_w)` and padding `(p_h, p_w)`, tap `u` of a kernel row reads source row
/// `s_h·i + u − p_h = s_h·(i + d_u) + a_u` at output row `i`, with the phase `a_u = (u − p_h) mod s_h` and
/// the shift `d_u = ⌊(u − p_h)/s_h⌋`; columns likewise (`b_v`, `e_v`). Phase plane `(c, a, b)` holds
/// `x̃[c, s_h·I + a, s_w·J + b]` for the phase rows `I ∈ [min d, H' + max d)` and columns likewise (zero where
/// the source index leaves the map: the padding), so that the im2col row `r = (c·kh + u)·kw + v` is
///
///     col[r, i·W' + j] = planes[offset[r] + i·rowStride + j]
///
/// a window of one plane shifted by `(d_u − min d, e_v − min e)`: contiguous runs along each output row,
/// which the 1×1 kernel packs as it would a map (Pointwise.h's window source). The planes hold about the
/// input's size (only the phases some tap uses, plus the shift margins) where im2col holds `kh·kw/(s_h·s_w)`
/// times it, and they are built with one strided gather per plane.
///
/// Layout per image: planes `(c, phase row index, phase column index)`, row-major, each `paddedHeight ×
/// rowStride`; images `imageStride` apart. An immutable value.
package struct ConvolutionWindows<Scalar: TensorScalar>: Sendable {
    /// `[N, imageStride]`: the padded phase planes of every image.
    let planes: Tensor<Scalar>
    /// `[Cin·kh·kw]`: where im2col row `r`'s window starts within an image.
    let offsets: [Int]
    /// Floats between a plane's rows (the padded plane width).
    let rowStride: Int
    /// Floats per image.
    let imageStride: Int
    /// The convolution's output map `H' × W'`.
    let output: Size2D

    /// The phases and shifts of one axis: tap `t` reads phase `phase[t]` (an index into the phases some tap
    /// uses) shifted by `shift[t] − minShift` in the padded plane.
    private struct Axis {
        let residues: [Int]       // the phases used, ascending
        let phase: [Int]          // per tap: index into residues
        let shift: [Int]          // per tap: ⌊(t − p)/s⌋
        let minShift: Int
        let padded: Int           // outputs + max shift − min shift

        init(kernel: Int, stride: Int, padding: Int, outputs: Int) {
            let taps = (0..<kernel).map { t -> (residue: Int, shift: Int) in
                let d = t - padding
                let r = ((d % stride) + stride) % stride
                return (r, (d - r) / stride)
            }
            let residues = Array(Set(taps.map(\.residue))).sorted()
            self.residues = residues
            phase = taps.map { t in residues.firstIndex(of: t.residue)! }
            shift = taps.map(\.shift)
            minShift = shift.min()!
            padded = outputs + shift.max()! - minShift
        }

        /// Padded-plane indices `[first, end)` that hold source data for phase `residue` of an axis of
        /// `extent` samples: phase index `I = index + minShift` with `0 ≤ s·I + residue < extent`.
        func inside(residue: Int, stride: Int, extent: Int) -> Range<Int> {
            let count = residue < extent ? (extent - 1 - residue) / stride + 1 : 0  // phase indices 0..<count
            let first = min(padded, -minShift), end = max(first, min(padded, count - minShift))
            return first..<end
        }
    }

    /// The windows of `x` (`[N, Cin, H, W]`) for a `kernel` convolution with `stride` and `padding` whose
    /// output is `output` (≥ 1 × 1), built on `threads` threads.
    init(_ x: Tensor<Scalar>, kernel: Size2D, stride: Size2D, padding: Size2D, output: Size2D, threads: Int) {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let rows = Axis(kernel: kernel.height, stride: stride.height, padding: padding.height, outputs: output.height)
        let cols = Axis(kernel: kernel.width, stride: stride.width, padding: padding.width, outputs: output.width)
        let (phasesH, phasesW) = (rows.residues.count, cols.residues.count)
        let planeSize = rows.padded * cols.padded
        let imageStride = c * phasesH * phasesW * planeSize
        var offsets = [Int]()
        offsets.reserveCapacity(c * kernel.height * kernel.width)
        for ch in 0..<c {
            for u in 0..<kernel.height {
                for v in 0..<kernel.width {
                    let plane = (ch * phasesH + rows.phase[u]) * phasesW + cols.phase[v]
                    offsets.append(plane * planeSize + (rows.shift[u] - rows.minShift) * cols.padded + (cols.shift[v] - cols.minShift))
                }
            }
        }
        // Every element is written below (data or zero), so the storage comes from the pool uninitialised.
        var buffer: [Scalar] = TensorStoragePool.take(n * imageStride)
        let (rowStride, paddedHeight) = (cols.padded, rows.padded)
        x.withUnsafeBufferPointer { xs in
            buffer.withUnsafeMutableBufferPointer { bs in
                let (xp, bp) = (xs.baseAddress!, bs.baseAddress!)
                parallelChunks(n * c * phasesH * phasesW, threads: threads) { range in
                    for index in range {
                        let (ib, ia) = (index % phasesW, (index / phasesW) % phasesH)
                        let channelPlane = index / (phasesH * phasesW)  // img·C + ch
                        let (a, b) = (rows.residues[ia], cols.residues[ib])
                        let dst = bp + index * planeSize
                        let r = rows.inside(residue: a, stride: stride.height, extent: h)
                        let q = cols.inside(residue: b, stride: stride.width, extent: w)
                        guard !r.isEmpty, !q.isEmpty else {
                            dst.update(repeating: 0, count: planeSize)
                            continue
                        }
                        dst.update(repeating: 0, count: r.lowerBound * rowStride)
                        for row in r {
                            let line = dst + row * rowStride
                            line.update(repeating: 0, count: q.lowerBound)
                            (line + q.upperBound).update(repeating: 0, count: rowStride - q.upperBound)
                        }
                        (dst + r.upperBound * rowStride).update(repeating: 0, count: (paddedHeight - r.upperBound) * rowStride)
                        // Padded (row, column) (R, C) holds x[s_h·(R + min d) + a, s_w·(C + min e) + b].
                        let source = xp + channelPlane * h * w
                            + (stride.height * (r.lowerBound + rows.minShift) + a) * w + stride.width * (q.lowerBound + cols.minShift) + b
                        Scalar._gatherStrided(source, stride: stride.width, count: q.count, rows: r.count,
                                              sourceRowStride: stride.height * w,
                                              into: dst + r.lowerBound * rowStride + q.lowerBound, destinationRowStride: rowStride)
                    }
                }
            }
        }
        planes = Tensor(shape: [n, imageStride], scalars: buffer)
        self.offsets = offsets
        self.rowStride = rowStride
        self.imageStride = imageStride
        self.output = output
    }

    /// The im2col matrix itself, `[N, Cin·kh·kw, H', W']` (the Double path, which multiplies it with OpenBLAS).
    func columns() -> Tensor<Scalar> {
        let (n, k, pixels) = (planes.shape[0], offsets.count, output.height * output.width)
        var col: [Scalar] = TensorStoragePool.take(n * k * pixels)
        col.withUnsafeMutableBufferPointer { cs in
            for img in 0..<n { copyRows(0..<k, ofImage: img, into: cs.baseAddress! + img * k * pixels, threads: 1) }
        }
        return Tensor(shape: [n, k, output.height, output.width], scalars: col)
    }

    /// Rows `rows` of image `image`'s im2col matrix into `destination` (`rows.count × H'W'`, row-major), on up
    /// to `threads` participants: what a grouped convolution multiplies per image and group.
    func copyRows(_ rows: Range<Int>, ofImage image: Int, into destination: UnsafeMutablePointer<Scalar>, threads: Int) {
        let pixels = output.height * output.width
        planes.withUnsafeBufferPointer { ps in
            let base = ps.baseAddress! + image * imageStride
            parallelChunks(rows.count, threads: threads) { range in
                for index in range {
                    let (src, dst) = (base + offsets[rows.lowerBound + index], destination + index * pixels)
                    for i in 0..<output.height {
                        (dst + i * output.width).update(from: src + i * rowStride, count: output.width)
                    }
                }
            }
        }
    }
}
