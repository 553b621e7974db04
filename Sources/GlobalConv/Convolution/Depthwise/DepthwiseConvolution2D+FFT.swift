
extension DepthwiseConvolution2D {
    /// The transform size the FFT path uses for an `H × W` map.
    ///
    /// Zeros mode: the linear correlation of an `H`-long map with a `Kd`-long dilated kernel has
    /// `H + Kd − 1` samples, so any `Lh ≥ H + Kd_h − 1` (likewise `Lw`) avoids wrap-around. Among the sizes
    /// with prime factors ≤ 7 up to a quarter above that minimum, the one whose row-pruned transform pair
    /// (``DepthwiseFFTPipeline``) measured fastest on this machine (``FFTSizeChoice``; smallest is not
    /// fastest: 96 beat 90 by 35%). Circular mode: the map's own `H × W`.
    /// - Throws: ``ConvolutionError/tooLarge(_:)`` when `Lh·Lw` overflows.
    func fftTransformSize(for map: Size2D, effort: PlanningEffort) throws(ConvolutionError) -> Size2D {
        try fftTransform(for: map, effort: effort).size
    }

    /// The transform size and pipeline mode of the FFT path for an `H × W` map (see
    /// ``fftTransformSize(for:effort:)``; circular mode: the map itself, pruned).
    func fftTransform(for map: Size2D, effort: PlanningEffort) throws(ConvolutionError) -> FFTSizeChoice.Choice {
        let choice: FFTSizeChoice.Choice
        switch geometry.paddingMode {
        case .circular:
            choice = FFTSizeChoice.Choice(size: map, mode: .pruned)
        case .zeros:
            let k = geometry.dilatedKernel
            let need = Size2D(height: map.height + k.height - 1, width: map.width + k.width - 1)
            guard !need.height.multipliedReportingOverflow(by: need.width).overflow, need.height * need.width <= 1 << 40 else {
                throw .tooLarge("FFT transform \(need) for a \(map) map overflows Int")
            }
            let output = try geometry.outputSize(for: map)
            choice = try FFTSizeChoice.choose(Scalar.self, map: map, need: need, geometry: geometry, effort: effort) {
                (l, mode) throws(ConvolutionError) in try pipeline(transform: l, map: map, output: output, mode: mode, effort: effort)
            }
        }
        guard !choice.size.height.multipliedReportingOverflow(by: choice.size.width).overflow else {
            throw .tooLarge("FFT transform \(choice.size) for a \(map) map overflows Int")
        }
        return choice
    }

    /// The transform pipeline for transform size `l` in `mode`: data rows are the map's (zeros mode) or
    /// all rows (circular), needed rows those the crop reads.
    func pipeline(transform l: Size2D, map: Size2D, output: Size2D, mode: DepthwiseFFTPipeline.Mode,
                  effort: PlanningEffort) throws(ConvolutionError) -> DepthwiseFFTPipeline {
        let rows = cropSources(outputs: output.height, map: map.height, transform: l.height, padding: geometry.padding.height,
                               kernel: geometry.dilatedKernel.height)
        let needed = Set(rows.filter { $0 >= 0 }).sorted()
        let dataRows = geometry.paddingMode == .zeros ? map.height : l.height
        return try DepthwiseFFTPipeline(size: l, dataRows: dataRows, neededRows: needed.isEmpty ? [0] : needed, mode: mode,
                                        precision: Scalar.precision, effort: effort)
    }

    /// `conj(r2c(k_c)) / (Lh·Lw)` for every channel `c`, where `k_c` is the kernel laid out on the
    /// `Lh × Lw` torus: tap `(u, v)` at `(dh·u, dw·v)` (zeros mode; the padding offset is applied at the
    /// crop) or at `((dh·u − ph) mod H, (dw·v − pw) mod W)` (circular mode; taps landing on one place add).
    func kernelSpectrum(transform l: Size2D, effort: PlanningEffort) throws(ConvolutionError) -> KernelSpectrumCache<Scalar>.Spectrum {
        let g = geometry
        let key = KernelSpectrumCache<Scalar>.Key(transform: l, mode: g.paddingMode)
        return try spectra.spectrum(for: key) { () throws(ConvolutionError) -> [Scalar] in
            let plan = try FFTPlanCache.shared.plan(
                for: .contiguous(Scalar.precision, .forward, dims: [l.height, l.width], effort: effort))
            let half = plan.descriptor.complexCount
            let real = AlignedBuffer<Scalar>(count: l.height * l.width)
            let spectrum = AlignedBuffer<Scalar>(count: 2 * half)
            let scale = 1 / Scalar(l.height * l.width)
            var out = [Scalar](repeating: 0, count: channels * 2 * half)
            let (kh, kw) = (g.kernel.height, g.kernel.width)
            // Each tap's place in the transform's real input (the same for every channel).
            let places: [Int] = (0..<(kh * kw)).map { tap in
                var r = g.dilation.height * (tap / kw), s = g.dilation.width * (tap % kw)
                if g.paddingMode == .circular {
                    r = ((r - g.padding.height) % l.height + l.height) % l.height
                    s = ((s - g.padding.width) % l.width + l.width) % l.width
                }
                return r * l.width + s
            }
            // Through buffer pointers: this runs once per plan, but unspecialised (from another module) an
            // array subscript per element looked up the array's generic metadata each time.
            weight.scalars.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    for c in 0..<channels {
                        real.buffer.update(repeating: 0)
                        for tap in 0..<(kh * kw) { real.pointer[places[tap]] += w[c * kh * kw + tap] }
                        plan.forward(real: real.pointer, complex: spectrum.pointer)
                        let base = c * 2 * half
                        for k in 0..<half {
                            o[base + 2 * k] = spectrum.pointer[2 * k] * scale
                            o[base + 2 * k + 1] = -spectrum.pointer[2 * k + 1] * scale
                        }
                    }
                }
            }
            return out
        }
    }

    /// The FFT path: per plane, `z = c2r(r2c(x_padded) ⊙ conj(r2c(k)))/(Lh·Lw)` through the row-pruned
    /// ``DepthwiseFFTPipeline``, then the crop `y[i,j] = b + z[(i − ph) mod Lh, (j − pw) mod Lw]` (zeros) or
    /// `b + z[i mod H, j mod W]` (circular), then `activation`. Zeros mode: outputs whose window lies
    /// wholly in the padding are `b` exactly.
    func fft(_ input: Tensor<Scalar>, outputShape: [Int], options: ExecutionOptions,
             activation: Activation? = nil) throws(ConvolutionError) -> Tensor<Scalar> {
        let prepared = try prepareFFT(map: Size2D(height: input.shape[2], width: input.shape[3]),
                                      output: Size2D(height: outputShape[2], width: outputShape[3]), effort: options.effort)
        return fft(input, outputShape: outputShape, prepared: prepared, threads: options.threads, activation: activation)
    }

    /// Everything the FFT path needs for one map size, made once: the transform size and mode
    /// (measured by ``FFTSizeChoice``), the kernel spectra, the FFTW plans of the pipeline and the crop
    /// tables. Immutable; shared by every call (and held by a ``DepthwiseConvolutionPlan``).
    struct PreparedFFT: @unchecked Sendable {  // @unchecked: the pipeline's FFTW plans execute thread-safely.
        let choice: FFTSizeChoice.Choice
        let spectrumKey: KernelSpectrumCache<Scalar>.Key
        let spectrum: KernelSpectrumCache<Scalar>.Spectrum
        let pipe: DepthwiseFFTPipeline
        let rowSource: [Int], colSource: [Int]
    }

    /// Plans the FFT path for an `map` → `output` problem (see ``PreparedFFT``).
    func prepareFFT(map: Size2D, output: Size2D, effort: PlanningEffort) throws(ConvolutionError) -> PreparedFFT {
        let choice = try fftTransform(for: map, effort: effort)
        let l = choice.size
        return PreparedFFT(
            choice: choice, spectrumKey: .init(transform: l, mode: geometry.paddingMode),
            spectrum: try kernelSpectrum(transform: l, effort: effort),
            pipe: try pipeline(transform: l, map: map, output: output, mode: choice.mode, effort: effort),
            rowSource: cropSources(outputs: output.height, map: map.height, transform: l.height,
                                   padding: geometry.padding.height, kernel: geometry.dilatedKernel.height),
            colSource: cropSources(outputs: output.width, map: map.width, transform: l.width,
                                   padding: geometry.padding.width, kernel: geometry.dilatedKernel.width))
    }

    /// The FFT path's execution with everything planned (``prepareFFT(map:output:effort:)``).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func fft(_ input: Tensor<Scalar>, outputShape: [Int], prepared: PreparedFFT, threads: Int,
             activation: Activation?) -> Tensor<Scalar> {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (ho, wo) = (outputShape[2], outputShape[3])
        let l = prepared.choice.size
        let (spectrum, pipe, rowSource, colSource) = (prepared.spectrum, prepared.pipe, prepared.rowSource, prepared.colSource)
        let half = pipe.spectrumCount
        let paddedRows = pipe.paddedRows
        // Every output element is written below (bias rows, bias columns, or result + bias; the planes
        // skipped or sent to the fallback are written by the direct path or `repairingNonFiniteWeights`).
        var output = Tensor<Scalar>(shape: outputShape, scalars: TensorStoragePool.take(Tensor<Scalar>.elementCount(outputShape)))
        // Non-finite values (Docs/reliability.md): channels with non-finite weights are left to
        // `repairingNonFiniteWeights`; a plane with a NaN/±Inf input, or whose transform overflowed to
        // one, is computed on the direct path, so it gets the definition's footprint pattern.
        let skip = { (bad: [Int]) in bad.reduce(into: [Bool](repeating: false, count: c)) { $0[$1] = true } }(nonFiniteChannels)
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                spectrum.values.withUnsafeBufferPointer { spec in
                    let (x, y, spec) = (x.baseAddress!, y.baseAddress!, spec.baseAddress!)
                    parallelRegion(n * c, threads: threads) { claims, _ in
                        // Zeros past the map's rows and columns are written once (AlignedBuffer starts zeroed) and kept.
                        let padded = AlignedBuffer<Scalar>(count: paddedRows * l.width)
                        let freq = AlignedBuffer<Scalar>(count: 2 * half)
                        let result = AlignedBuffer<Scalar>(count: l.height * l.width)
                        var fallback: [Int] = []
                        while let planes = claims.next() {
                            for plane in planes {
                                let ch = plane % c
                                if skip[ch] { continue }
                                // The map in the top-left corner (circular: the map is the whole transform), its
                                // finiteness checked as it is copied.
                                guard copyRowsChecked(x + plane * h * w, stride: w, rows: h, columns: w,
                                                      into: padded.pointer, stride: l.width) else { fallback.append(plane); continue }
                                pipe.forward(padded.pointer, into: freq.pointer)
                                multiplyRows(freq.pointer, rows: 1, count: half, by: spec + ch * 2 * half)
                                pipe.inverse(freq.pointer, into: result.pointer)
                                let b = bias?.scalars[ch] ?? 0
                                let dst = y + plane * ho * wo
                                guard crop(result.pointer, stride: l.width, rows: rowSource, columns: colSource, bias: b, into: dst) else {
                                    fallback.append(plane); continue
                                }
                                activation.apply(to: dst, count: ho * wo)
                            }
                        }
                        for plane in fallback {
                            directPlane(x, plane: plane, channel: plane % c, map: Size2D(height: h, width: w),
                                        into: y + plane * ho * wo, outputSize: Size2D(height: ho, width: wo))
                            activation.apply(to: y + plane * ho * wo, count: ho * wo)
                        }
                    }
                }
            }
        }
        return output
    }

    /// The FFT path's floor, for benchmarks (package API): per plane only FFTW's forward and inverse
    /// transforms at the padded size ``fftTransformSize(for:effort:)`` gives, with the same plans, effort and
    /// parallel split over planes as ``fft(_:outputShape:options:activation:)`` but without copying the
    /// map in, the spectrum product or the crop. Computes nothing useful.
    package func fftTransformsOnly(_ input: Tensor<Scalar>, options: ExecutionOptions) throws(ConvolutionError) {
        _ = try outputShape(for: input.shape)
        let planes = input.shape[0] * input.shape[1]
        let l = try fftTransformSize(for: Size2D(height: input.shape[2], width: input.shape[3]), effort: options.effort)
        let forward = try FFTPlanCache.shared.plan(
            for: .contiguous(Scalar.precision, .forward, dims: [l.height, l.width], effort: options.effort))
        let inverse = try FFTPlanCache.shared.plan(
            for: .contiguous(Scalar.precision, .inverse, dims: [l.height, l.width], effort: options.effort))
        parallelRegion(planes, threads: options.threads) { claims, _ in
            let real = AlignedBuffer<Scalar>(count: l.height * l.width)
            let freq = AlignedBuffer<Scalar>(count: 2 * forward.descriptor.complexCount)
            while let range = claims.next() {
                for _ in range {
                    forward.forward(real: real.pointer, complex: freq.pointer)
                    inverse.inverse(complex: freq.pointer, real: real.pointer)
                }
            }
        }
    }

    /// For each output index along one axis, the index of the transform result it reads, or −1 when
    /// the output's window lies wholly in the zero padding (the output is then the bias).
    private func cropSources(outputs: Int, map: Int, transform: Int, padding: Int, kernel: Int) -> [Int] {
        (0..<outputs).map { i in
            switch geometry.paddingMode {
            case .circular:
                return i % map
            case .zeros:
                let m = i - padding
                guard m >= -(kernel - 1), m <= map - 1 else { return -1 }
                return m < 0 ? m + transform : m
            }
        }
    }
}

/// `a[k] ← a[k]·b[k]` for `count` interleaved complex values.
@_specialize(where S == Float)
@_specialize(where S == Double)
func multiplyComplex<S: TensorScalar>(_ a: UnsafeMutablePointer<S>, by b: UnsafePointer<S>, count: Int) {
    for k in 0..<count {
        let (ar, ai) = (a[2 * k], a[2 * k + 1])
        let (br, bi) = (b[2 * k], b[2 * k + 1])
        a[2 * k] = ar * br - ai * bi
        a[2 * k + 1] = ar * bi + ai * br
    }
}

/// Copies `rows × columns` values (row strides given) and tells whether all are finite (one C pass:
/// ``TensorScalar/_copyRowsChecked(_:stride:rows:columns:into:stride:)``).
func copyRowsChecked<S: TensorScalar>(_ src: UnsafePointer<S>, stride: Int, rows: Int, columns: Int,
                                      into dst: UnsafeMutablePointer<S>, stride dstStride: Int) -> Bool {
    S._copyRowsChecked(src, stride: stride, rows: rows, columns: columns, into: dst, stride: dstStride)
}

/// The FFT path's crop: `out[i, j] = b` where `rows[i]` or `columns[j]` is −1, else `src[rows[i], columns[j]] + b`;
/// whether every value written is finite (C; Float copies contiguous column runs as vector rows).
func crop<S: TensorScalar>(_ src: UnsafePointer<S>, stride: Int, rows: [Int], columns: [Int], bias b: S,
                           into out: UnsafeMutablePointer<S>) -> Bool {
    let (ho, wo) = (rows.count, columns.count)
    guard ho > 0, wo > 0 else { return true }
    return rows.withUnsafeBufferPointer { r in
        columns.withUnsafeBufferPointer { c in
            S._crop(src, stride: stride, rows: r.baseAddress!, count: ho, columns: c.baseAddress!, count: wo, bias: b, into: out)
        }
    }
}

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
