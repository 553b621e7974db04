/// The 2-D transforms of the depthwise FFT path for one transform size `Lh × Lw` and map, in one of two
/// modes (which is faster depends on the size; ``FFTSizeChoice`` measures both):
///
/// - ``Mode/pruned``: the zero-padded map has data only in its first `dataRows` rows and the crop reads only
///   some rows of the result, so the forward is `r2c` along W of the data rows only (the other rows'
///   transforms are zero, written as zeros), then complex transforms along H of all `Lw/2 + 1` columns in
///   place; the inverse is the complex column transforms in place, then `c2r` along W of only the rows the
///   crop reads (contiguous runs; plans made with `FFTW_UNALIGNED` since runs start anywhere). Fastest on
///   small maps (56×56: about 20% fewer transform operations).
/// - ``Mode/full``: FFTW's own 2-D `r2c` of the whole `Lh × Lw` padded plane and 2-D `c2r`: on large maps
///   FFTW's strided column passes above copy columns through buffers, and its 2-D plans do not.
///
/// The spectrum layout is FFTW's 2-D `r2c` one (`Lh × (Lw/2 + 1)` interleaved complex) either way, and the
/// result rows the crop reads are the full 2-D transform pair's: skipped row transforms are of zero rows
/// (forward) or of rows nobody reads (inverse). Immutable; plans execute thread-safely.
struct DepthwiseFFTPipeline: @unchecked Sendable {  // @unchecked: plan executes are thread-safe.
    enum Mode: Hashable, Sendable { case pruned, full }

    let size: Size2D
    let mode: Mode
    let dataRows: Int
    // Pruned.
    let rowForward: RealFFTPlan?
    let columnForward: ComplexFFTPlan?, columnInverse: ComplexFFTPlan?
    let rowInverse: [(start: Int, plan: RealFFTPlan)]
    // Full.
    let forward2D: RealFFTPlan?, inverse2D: RealFFTPlan?

    /// Complex values per spectrum row, `Lw/2 + 1`.
    var halfWidth: Int { size.width / 2 + 1 }
    /// Complex values of one spectrum.
    var spectrumCount: Int { size.height * halfWidth }
    /// Rows of the padded input buffer ``forward(_:into:)`` reads (`Lw` wide; rows past the map zero).
    var paddedRows: Int { mode == .pruned ? dataRows : size.height }

    /// - Parameters:
    ///   - neededRows: the result rows the caller reads, ascending, each in `0..<Lh`.
    init(size: Size2D, dataRows: Int, neededRows: [Int], mode: Mode = .pruned, precision: Precision,
         effort: PlanningEffort) throws(ConvolutionError) {
        precondition(dataRows >= 1 && dataRows <= size.height, "DepthwiseFFTPipeline: \(dataRows) data rows of \(size)")
        self.size = size
        self.mode = mode
        self.dataRows = dataRows
        let (lh, lw, half) = (size.height, size.width, size.width / 2 + 1)
        guard mode == .pruned else {
            forward2D = try FFTPlanCache.shared.plan(for: .contiguous(precision, .forward, dims: [lh, lw], effort: effort))
            inverse2D = try FFTPlanCache.shared.plan(for: .contiguous(precision, .inverse, dims: [lh, lw], effort: effort))
            (rowForward, columnForward, columnInverse, rowInverse) = (nil, nil, nil, [])
            return
        }
        (forward2D, inverse2D) = (nil, nil)
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

    /// `padded` (``paddedRows`` × `Lw` real, rows past the map zero) → `spectrum` (`Lh × (Lw/2 + 1)`
    /// complex), the 2-D `r2c` of the map zero-padded to `Lh × Lw`.
    func forward<S: TensorScalar>(_ padded: UnsafeMutablePointer<S>, into spectrum: UnsafeMutablePointer<S>) {
        if let forward2D { return forward2D.forward(real: padded, complex: spectrum) }
        rowForward!.forward(real: padded, complex: spectrum)
        (spectrum + 2 * dataRows * halfWidth).update(repeating: 0, count: 2 * (size.height - dataRows) * halfWidth)
        columnForward!.execute(spectrum)
    }

    /// `spectrum` → the needed rows of `result` (`Lh × Lw` real), the 2-D `c2r`; destroys `spectrum`.
    func inverse<S: TensorScalar>(_ spectrum: UnsafeMutablePointer<S>, into result: UnsafeMutablePointer<S>) {
        if let inverse2D { return inverse2D.inverse(complex: spectrum, real: result) }
        columnInverse!.execute(spectrum)
        for run in rowInverse {
            run.plan.inverse(complex: spectrum + 2 * run.start * halfWidth, real: result + run.start * size.width)
        }
    }
}
