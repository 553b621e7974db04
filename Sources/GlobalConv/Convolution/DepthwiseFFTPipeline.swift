/// The 2-D transforms of the depthwise FFT path for one transform size `Lh × Lw` and map, row-pruned:
/// the zero-padded map has data only in its first `dataRows` rows, and the crop reads only some rows of
/// the result, so
///
/// - forward: `r2c` along W of the `dataRows` data rows only (the other rows' transforms are zero, written
///   as zeros), then complex transforms along H of all `Lw/2 + 1` columns, in place;
/// - inverse: complex transforms along H of all columns, in place, then `c2r` along W of only the rows
///   the crop reads (contiguous runs; plans made with `FFTW_UNALIGNED` since runs start anywhere).
///
/// The spectrum layout is FFTW's 2-D `r2c` one (`Lh × (Lw/2 + 1)` interleaved complex), and the result
/// equals the full 2-D transform pair's on the rows read: skipped row transforms are of zero rows
/// (forward) or of rows nobody reads (inverse). Immutable; plans execute thread-safely.
struct DepthwiseFFTPipeline: @unchecked Sendable {  // @unchecked: plan executes are thread-safe.
    let size: Size2D
    let dataRows: Int
    let rowForward: RealFFTPlan
    let columnForward: ComplexFFTPlan, columnInverse: ComplexFFTPlan
    let rowInverse: [(start: Int, plan: RealFFTPlan)]

    /// Complex values per spectrum row, `Lw/2 + 1`.
    var halfWidth: Int { size.width / 2 + 1 }
    /// Complex values of one spectrum.
    var spectrumCount: Int { size.height * halfWidth }

    /// - Parameters:
    ///   - neededRows: the result rows the caller reads, ascending, each in `0..<Lh`.
    init(size: Size2D, dataRows: Int, neededRows: [Int], precision: Precision, effort: PlanningEffort) throws(ConvolutionError) {
        precondition(dataRows >= 1 && dataRows <= size.height, "DepthwiseFFTPipeline: \(dataRows) data rows of \(size)")
        self.size = size
        self.dataRows = dataRows
        let (lh, lw, half) = (size.height, size.width, size.width / 2 + 1)
        rowForward = try FFTPlanCache.shared.plan(for: RealFFTDescriptor(
            precision: precision, direction: .forward, dims: [lw], howMany: dataRows, realDistance: lw, complexDistance: half,
            effort: effort))
        func column(_ d: ComplexFFTPlan.Descriptor.Direction) throws(ConvolutionError) -> ComplexFFTPlan {
            try ComplexFFTPlan.plan(for: .init(precision: precision, direction: d, length: lh, howMany: half, stride: half,
                                               distance: 1, effort: effort))
        }
        (columnForward, columnInverse) = (try column(.forward), try column(.inverse))
        var runs: [(start: Int, plan: RealFFTPlan)] = []
        var i = 0
        while i < neededRows.count {
            var j = i
            while j + 1 < neededRows.count && neededRows[j + 1] == neededRows[j] + 1 { j += 1 }
            let plan = try FFTPlanCache.shared.plan(for: RealFFTDescriptor(
                precision: precision, direction: .inverse, dims: [lw], howMany: j - i + 1, realDistance: lw, complexDistance: half,
                effort: effort, unaligned: true))
            runs.append((neededRows[i], plan))
            i = j + 1
        }
        rowInverse = runs
    }

    /// `padded` (`dataRows × Lw` real) → `spectrum` (`Lh × (Lw/2 + 1)` complex), the 2-D `r2c` of the
    /// map zero-padded to `Lh` rows.
    func forward<S: TensorScalar>(_ padded: UnsafeMutablePointer<S>, into spectrum: UnsafeMutablePointer<S>) {
        rowForward.forward(real: padded, complex: spectrum)
        (spectrum + 2 * dataRows * halfWidth).update(repeating: 0, count: 2 * (size.height - dataRows) * halfWidth)
        columnForward.execute(spectrum)
    }

    /// `spectrum` → the needed rows of `result` (`Lh × Lw` real), the 2-D `c2r`; destroys `spectrum`.
    func inverse<S: TensorScalar>(_ spectrum: UnsafeMutablePointer<S>, into result: UnsafeMutablePointer<S>) {
        columnInverse.execute(spectrum)
        for run in rowInverse {
            run.plan.inverse(complex: spectrum + 2 * run.start * halfWidth, real: result + run.start * size.width)
        }
    }
}
