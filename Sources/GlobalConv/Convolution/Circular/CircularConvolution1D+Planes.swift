internal import CDirectKernel

/// One circular convolution applied to the channels `[channelOffset, channelOffset + conv.channels)` of an
/// NCHW tensor on one path, optionally adding `add[c·L + i]` (a per-channel vector along the axis, ParC's
/// position embedding) to the input first: `y[c] = b[c] + Σ_k w[c,k]·(x + add[c])[(i+k) mod L]`.
struct CircularSegment<Scalar: TensorScalar>: Sendable {
    var conv: CircularConvolution1D<Scalar>
    var channelOffset: Int
    var add: [Scalar]?
    /// `.direct` or `.fft`.
    var path: ConvolutionPath
    /// The FFT path's plans and spectrum made ahead (a ``CircularConvolutionPlan``), or nil to make them here.
    var prepared: CircularConvolution1D<Scalar>.FFTParts? = nil
}

extension CircularConvolution1D {
    /// Runs `segments` (disjoint channel ranges of `input`) and returns the output (planes of channels no
    /// segment covers are left unspecified: only measurements use that),
    /// parallel over all `N·C` planes on `options.threads` workers (one load-balanced loop for every
    /// segment). Each worker keeps per-segment scratch:
    ///
    /// - direct: the plane's periodic extension along the axis (`2L − 1` samples, ParC's concatenation)
    ///   plus `add`, correlated by the line kernel (single precision on AVX-512; along W on the plane's
    ///   transpose) or else ``DirectKernel2D`` (`y = b + Σ_k w[k]·x̃[i + k]`, `k` ascending, the same
    ///   arithmetic in both);
    /// - FFT (Fast-ParC): the plane copied into aligned scratch as signals along the axis (``FFTParts``:
    ///   paired into complex signals, or real rows), `+ add` in that copy, one batched forward transform,
    ///   the product with `conj(DFT(w))/L`, one batched inverse, and the copy back `+ b` — exactly the
    ///   circular correlation for every `L`.
    /// - Precondition: checked shapes; paths resolved.
    static func run(_ input: Tensor<Scalar>, segments: [CircularSegment<Scalar>], options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        DebugBuildWarning.check()
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let plane = h * w
        // Everything that may throw or is shared read-only, before the parallel loop.
        var segmentOf = [Int](repeating: -1, count: c)
        var fftParts: [FFTParts?] = []
        for (index, s) in segments.enumerated() {
            for ch in s.channelOffset..<(s.channelOffset + s.conv.channels) { segmentOf[ch] = index }
            if s.path == .fft, let prepared = s.prepared {
                fftParts.append(prepared)
            } else {
                fftParts.append(s.path == .fft ? try FFTParts(s.conv, map: Size2D(height: h, width: w), effort: options.effort) : nil)
            }
        }
        var output = Tensor<Scalar>(shape: input.shape, scalars: TensorStoragePool.take(input.count))  // every plane written
        input.withUnsafeBufferPointer { xb in
            output.withUnsafeMutableBufferPointer { yb in
                let (x, y) = (xb.baseAddress!, yb.baseAddress!)
                parallelRegion(n * c, threads: options.threads) { claims, _ in
                    var workers = [PlaneWorker?](repeating: nil, count: segments.count)
                    while let planes = claims.next() {
                        for p in planes {
                            let ch = p % c, index = segmentOf[ch]
                            guard index >= 0 else { continue }
                            let s = segments[index]
                            if workers[index] == nil {
                                workers[index] = PlaneWorker(s.conv, map: Size2D(height: h, width: w), fft: fftParts[index])
                            }
                            let local = ch - s.channelOffset
                            s.add.withOptionalPointer { add in
                                workers[index]!.run(x + p * plane, channel: local, add: add.map { $0 + local * s.conv.length },
                                                    into: y + p * plane)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// The shared, read-only FFT pieces of one convolution on one map: plans and kernel spectrum.
    ///
    /// Two layouts. When the signals pair up (an even count of them), two real signals travel as the real
    /// and imaginary parts of one complex signal — `z = x_a + i·x_b`, so `IDFT(DFT(z)·K) = (x_a ⋆ w) + i·(x_b ⋆ w)`
    /// for the real kernel's full spectrum `K` — through FFTW's complex transforms, which measured about
    /// twice as fast as its real ones on these lengths: along W adjacent rows interleaved into complex
    /// rows; along H adjacent columns, already interleaved in memory, as strided complex columns (no
    /// transpose). Otherwise real transforms of contiguous signals (rows; the transpose along H).
    struct FFTParts: @unchecked Sendable {  // @unchecked: the plans' executes are thread-safe.
        enum Layout { case pairs, real }
        let layout: Layout
        /// Channels whose weights and bias are all finite (the others run on the direct path).
        let finiteChannel: [Bool]
        let forward: RealFFTPlan?, inverse: RealFFTPlan?
        let complexForward: ComplexFFTPlan?, complexInverse: ComplexFFTPlan?
        let spectrum: KernelSpectrumCache<Scalar>.Spectrum

        init(_ conv: CircularConvolution1D, map: Size2D, effort: PlanningEffort) throws(ConvolutionError) {
            let l = conv.length, signals = conv.axis == .height ? map.width : map.height
            finiteChannel = conv.weight.withUnsafeBufferPointer { w in
                (0..<conv.channels).map { c in
                    NonFinite.allFinite(w.baseAddress! + c * l, count: l) && (conv.bias?.scalars[c].isFinite ?? true)
                }
            }
            if signals % 2 == 0 {
                layout = .pairs
                let pairs = signals / 2
                // Along W: rows of L complex values, one after another. Along H: the plane as an
                // [H][W/2] complex matrix, transforms down its columns.
                let (stride, distance) = conv.axis == .width ? (1, l) : (pairs, 1)
                func plan(_ d: ComplexFFTPlan.Descriptor.Direction) throws(ConvolutionError) -> ComplexFFTPlan {
                    try ComplexFFTPlan.plan(for: .init(precision: Scalar.precision, direction: d, length: l, howMany: pairs,
                                                       stride: stride, distance: distance, effort: effort))
                }
                (complexForward, complexInverse) = (try plan(.forward), try plan(.inverse))
                (forward, inverse) = (nil, nil)
                spectrum = try conv.fullKernelSpectrum(effort: effort)
            } else {
                layout = .real
                spectrum = try conv.kernelSpectrum(effort: effort)
                forward = try FFTPlanCache.shared.plan(
                    for: .contiguous(Scalar.precision, .forward, dims: [l], howMany: signals, effort: effort))
                inverse = try FFTPlanCache.shared.plan(
                    for: .contiguous(Scalar.precision, .inverse, dims: [l], howMany: signals, effort: effort))
                (complexForward, complexInverse) = (nil, nil)
            }
        }

        /// Scalars of the per-worker spectrum buffer.
        var bufferCount: Int {
            switch layout {
            case .pairs: 2 * complexForward!.descriptor.span
            case .real: 2 * forward!.descriptor.complexCount * forward!.descriptor.howMany
            }
        }
    }

    /// One worker's scratch and loop for the planes of one convolution.
    struct PlaneWorker {
        let conv: CircularConvolution1D
        let map: Size2D
        // Direct path.
        var source: DirectSource2D
        var kernel: DirectKernel2D
        var description: gc_direct_plane
        /// The periodic extension ``runDirect`` reads, allocated for the first plane that needs it (on the
        /// FFT path only planes that fall back do); `fresh` until then.
        var directScratch: AlignedBuffer<Scalar>?
        /// Whether the direct sums along W run on the line kernel's transposed form (single precision at
        /// AVX-512), which needs no periodic extension.
        let lineRows: Bool
        /// The line kernel's transposes, allocated for the first plane.
        var lineScratch: AlignedBuffer<Scalar>?
        // FFT path.
        let fft: FFTParts?
        /// The real layout's `H × W` signals (the pair layout transforms in `freq` itself).
        var realScratch: AlignedBuffer<Scalar>?
        var freq: AlignedBuffer<Scalar>?

        init(_ conv: CircularConvolution1D, map: Size2D, fft: FFTParts?) {
            self.conv = conv
            self.map = map
            self.fft = fft
            let l = conv.length
            let extent = conv.axis == .height ? Size2D(height: 2 * map.height - 1, width: map.width)
                                              : Size2D(height: map.height, width: 2 * map.width - 1)
            kernel = DirectKernel2D(kernel: conv.axis == .height ? Size2D(height: l, width: 1) : Size2D(height: 1, width: l),
                                    dilation: Size2D(1), output: map)
            let periodic = DirectSource2D(periodicMap: map, extent: extent)
            source = kernel.preferredSourceStride(Scalar.self, variant: .best).map { periodic.aligned(stride: $0) } ?? periodic
            description = kernel.plane(reading: source)
            lineRows = conv.axis == .width && DirectKernel2D.lineKernelRuns(Scalar.self, variant: .best)
            if let fft {
                realScratch = fft.layout == .real ? AlignedBuffer(count: map.height * map.width) : nil
                freq = AlignedBuffer(count: fft.bufferCount)
            }
        }

        /// One plane. The FFT path keeps the definition's NaN/±Inf pattern (Docs/reliability.md): a plane
        /// whose input or embedding holds a non-finite value, of a channel whose weights or bias do, or whose
        /// transform overflowed, is computed on the direct path instead (a value spanning the whole axis
        /// reaches every output of its row or column as `w·Inf` with the definition's sign, or NaN through
        /// `0·Inf`, where the FFT would give NaN everywhere).
        @_specialize(where Scalar == Float)
        @_specialize(where Scalar == Double)
        mutating func run(_ x: UnsafePointer<Scalar>, channel: Int, add: UnsafePointer<Scalar>?, into y: UnsafeMutablePointer<Scalar>) {
            let b = conv.bias?.scalars[channel] ?? 0
            let plane = map.height * map.width
            if let fft, fft.finiteChannel[channel] {
                switch fft.layout {
                case .pairs:
                    // The copies in and out check finiteness as they go.
                    if runPairs(fft, x, channel: channel, add: add, bias: b, into: y) { return }
                case .real:
                    if NonFinite.allFinite(x, count: plane), add.map({ NonFinite.allFinite($0, count: conv.length) }) ?? true {
                        runReal(fft, x, channel: channel, add: add, bias: b, into: y)
                        if NonFinite.allFinite(y, count: plane) { return }
                    }
                }
            }
            if lineRows { return runLineRows(x, channel: channel, add: add, bias: b, into: y) }
            let fresh = directScratch == nil
            if fresh { directScratch = AlignedBuffer(count: max(1, source.scratchCount)) }
            runDirect(x, channel: channel, add: add, bias: b, scratch: directScratch!.pointer, fresh: fresh, into: y)
        }

        /// Along W when ``lineRows``: the direct sums on the plane's transpose
        /// (``DirectKernel2D/runLineRows(variant:plane:height:width:adding:weights:bias:scratch:output:)``,
        /// bit-identical to ``runDirect``).
        private mutating func runLineRows(_ x: UnsafePointer<Scalar>, channel: Int, add: UnsafePointer<Scalar>?, bias b: Scalar,
                                          into y: UnsafeMutablePointer<Scalar>) {
            if lineScratch == nil {
                lineScratch = AlignedBuffer(count: DirectKernel2D.lineRowsScratchCount(height: map.height, width: map.width))
            }
            let ran = conv.weight.withUnsafeBufferPointer { wb in
                DirectKernel2D.runLineRows(variant: .best, plane: x, height: map.height, width: map.width, adding: add,
                                           weights: wb.baseAddress! + channel * conv.length, bias: b,
                                           scratch: lineScratch!.pointer, output: y)
            }
            precondition(ran, "CircularConvolution1D: the line kernel did not run where lineKernelRuns said it would")
        }

        /// `y = b + Σ_k w[k]·x̃[i + k]` on the periodic extension `x̃` of `x + add` (the line kernel, ``DirectKernel2D/runLine(variant:source:stride:step:output:weights:taps:bias:output:)``,
        /// in single precision on AVX-512; otherwise ``DirectKernel2D``).
        private func runDirect(_ x: UnsafePointer<Scalar>, channel: Int, add: UnsafePointer<Scalar>?, bias b: Scalar,
                               scratch s: UnsafeMutablePointer<Scalar>, fresh: Bool, into y: UnsafeMutablePointer<Scalar>) {
            let src = source.prepare(plane: x, scratch: s, fresh: fresh)
            if let add {
                // The extension's sample (r, j) is x[r mod H, j mod W]: add the embedding at the same index.
                if conv.axis == .height {
                    for r in 0..<source.extent.height {
                        let v = add[r % map.height], row = s + r * source.stride
                        for j in 0..<source.extent.width { row[j] += v }
                    }
                } else {
                    for r in 0..<source.extent.height {
                        let row = s + r * source.stride
                        for j in 0..<source.extent.width { row[j] += add[j % map.width] }
                    }
                }
            }
            conv.weight.withUnsafeBufferPointer { wb in
                let w = wb.baseAddress! + channel * conv.length
                if DirectKernel2D.runLine(variant: .best, source: src, stride: source.stride,
                                          step: conv.axis == .height ? source.stride : 1, output: map, weights: w,
                                          taps: conv.length, bias: b, output: y) { return }
                DirectKernel2D.run(description, variant: .best, source: src, weights: w, bias: b, output: y)
            }
        }

        /// Paired real signals as complex ones (see ``FFTParts``). `false` (output unspecified) when the
        /// input copy (`x + add`) or the output holds a non-finite value: the caller falls back.
        private func runPairs(_ fft: FFTParts, _ x: UnsafePointer<Scalar>, channel: Int, add: UnsafePointer<Scalar>?, bias: Scalar,
                              into y: UnsafeMutablePointer<Scalar>) -> Bool {
            let (h, w, l) = (map.height, map.width, conv.length)
            let z = freq!.pointer
            return fft.spectrum.values.withUnsafeBufferPointer { spec in
                let k = spec.baseAddress! + channel * 2 * l
                var finite = true
                if conv.axis == .width {
                    for p in 0..<(h / 2) {
                        finite = interleavePair(x + 2 * p * w, x + (2 * p + 1) * w, count: w, adding: add, into: z + 2 * p * l) && finite
                    }
                    guard finite else { return false }
                    fft.complexForward!.execute(z)
                    multiplyRows(z, rows: h / 2, count: l, by: k)
                    fft.complexInverse!.execute(z)
                    for p in 0..<(h / 2) {
                        finite = deinterleavePair(z + 2 * p * l, count: w, adding: bias, into: y + 2 * p * w, y + (2 * p + 1) * w) && finite
                    }
                    return finite
                } else {
                    guard addingRows(x, rows: h, columns: w, into: z, rowAdd: add, columnAdd: nil, add: 0) else { return false }
                    fft.complexForward!.execute(z)
                    scaleComplexRows(z, rows: h, count: w / 2, by: k)
                    fft.complexInverse!.execute(z)
                    return addingRows(z, rows: h, columns: w, into: y, rowAdd: nil, columnAdd: nil, add: bias)
                }
            }
        }

        /// Real transforms of contiguous signals (rows; the transpose along H).
        private func runReal(_ fft: FFTParts, _ x: UnsafePointer<Scalar>, channel: Int, add: UnsafePointer<Scalar>?, bias: Scalar,
                             into y: UnsafeMutablePointer<Scalar>) {
            let (h, w) = (map.height, map.width)
            let real = realScratch!.pointer, spectrum = freq!.pointer
            let half = fft.forward!.descriptor.complexCount, signals = fft.forward!.descriptor.howMany
            let transposed = conv.axis == .height
            if transposed { transposeAdding(x, rows: h, columns: w, into: real, rowAdd: add, add: 0) }
            else { addingRows(x, rows: h, columns: w, into: real, rowAdd: nil, columnAdd: add, add: 0) }
            fft.forward!.forward(real: real, complex: spectrum)
            fft.spectrum.values.withUnsafeBufferPointer { spec in
                multiplyRows(spectrum, rows: signals, count: half, by: spec.baseAddress! + channel * 2 * half)
            }
            fft.inverse!.inverse(complex: spectrum, real: real)
            if transposed { transposeAdding(real, rows: w, columns: h, into: y, rowAdd: nil, add: bias) }
            else { addingRows(real, rows: h, columns: w, into: y, rowAdd: nil, columnAdd: nil, add: bias) }
        }
    }
}

extension Optional {
    /// `body` with a pointer to the array's storage, or `nil`.
    func withOptionalPointer<S, R>(_ body: (UnsafePointer<S>?) -> R) -> R where Wrapped == [S] {
        guard let self else { return body(nil) }
        return self.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

// The FFT path's copies and spectrum products: each is its scalar type's C kernel (``TensorScalar``'s
// requirements; Float and Double run the same C code, `gc_*_f32` / `gc_*_f64` in CVectorMath's circular.c).

/// `dst[j·rows + i] = src[i·columns + j] + (rowAdd?[i] ?? add)`.
func transposeAdding<S: TensorScalar>(_ src: UnsafePointer<S>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<S>,
                                      rowAdd: UnsafePointer<S>?, add: S) {
    S._transposeAdding(src, rows: rows, columns: columns, into: dst, rowAdd: rowAdd, add: add)
}

/// `dst[i·columns + j] = src[i·columns + j] + (rowAdd?[i] ?? columnAdd?[j] ?? add)` (at most one of
/// `rowAdd`, `columnAdd` given); whether every value written is finite.
@discardableResult
func addingRows<S: TensorScalar>(_ src: UnsafePointer<S>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<S>,
                                 rowAdd: UnsafePointer<S>?, columnAdd: UnsafePointer<S>?, add: S) -> Bool {
    precondition(rowAdd == nil || columnAdd == nil, "addingRows: a row addend or a column addend, not both")
    return S._addingRows(src, rows: rows, columns: columns, into: dst, rowAdd: rowAdd, columnAdd: columnAdd, add: add)
}

/// `dst[2j] = a[j] + adding?[j]`, `dst[2j + 1] = b[j] + adding?[j]`: two real rows as one complex row;
/// whether every value written is finite.
func interleavePair<S: TensorScalar>(_ a: UnsafePointer<S>, _ b: UnsafePointer<S>, count: Int, adding: UnsafePointer<S>?,
                                     into dst: UnsafeMutablePointer<S>) -> Bool {
    S._interleavePair(a, b, count: count, adding: adding, into: dst)
}

/// `a[j] = src[2j] + add`, `b[j] = src[2j + 1] + add`; whether every value written is finite.
func deinterleavePair<S: TensorScalar>(_ src: UnsafePointer<S>, count: Int, adding add: S,
                                       into a: UnsafeMutablePointer<S>, _ b: UnsafeMutablePointer<S>) -> Bool {
    S._deinterleavePair(src, count: count, adding: add, into: a, b)
}

/// Row `f` of `rows` rows of `count` interleaved complex values times the complex `k[f]`
/// (`re = ar·br − ai·bi`, `im = ar·bi + ai·br`; Float may fuse a product pair and its sum, Double does not).
func scaleComplexRows<S: TensorScalar>(_ a: UnsafeMutablePointer<S>, rows: Int, count: Int, by k: UnsafePointer<S>) {
    S._scaleComplexRows(a, rows: rows, count: count, by: k)
}

/// Each of `rows` rows of `count` interleaved complex values at `a` times the complex vector `b`
/// (the products as in ``scaleComplexRows(_:rows:count:by:)``).
func multiplyRows<S: TensorScalar>(_ a: UnsafeMutablePointer<S>, rows: Int, count: Int, by b: UnsafePointer<S>) {
    S._multiplyRows(a, rows: rows, count: count, by: b)
}
