import RealModule
internal import CFFTW
internal import CBLAS
internal import CVectorMath
internal import CDirectKernel

/// `Double`'s kernels: FFTW's double-precision library (`fftw_*`), `cblas_dgemm`, the `_f64` C kernels of
/// CDirectKernel and CVectorMath (the FFT paths' copies and spectrum products are the same C code as
/// Float's, without fused multiply-adds), and Swift loops where only single precision has a vectorised
/// kernel (the activations; the one-line kernels and the packed 1×1 kernel do not exist for Double).
extension Double: TensorScalar {
    /// `.float64`: FFTW's double-precision (`fftw_*`) library.
    public static var precision: Precision { .float64 }
    /// `2⁻⁵³`.
    public static var unitRoundoff: Double { .ulpOfOne / 2 }

    @_documentation(visibility: internal)
    public static var _token: _TensorScalarToken<Double> { _TensorScalarToken() }

    // MARK: FFTW

    @_documentation(visibility: internal)
    public static func _fftwPlanReal(rank: Int32, dims: UnsafePointer<Int32>, howMany: Int32, forward: Bool,
                                     real: UnsafeMutableRawPointer, realStride: Int32, realDistance: Int32,
                                     complex: UnsafeMutableRawPointer, complexStride: Int32, complexDistance: Int32,
                                     flags: UInt32, threads: Int32) -> OpaquePointer? {
        fftw_plan_with_nthreads(threads)
        let (r, c) = (real.assumingMemoryBound(to: Double.self), complex.assumingMemoryBound(to: fftw_complex.self))
        return forward
            ? fftw_plan_many_dft_r2c(rank, dims, howMany, r, nil, realStride, realDistance, c, nil, complexStride, complexDistance, flags)
            : fftw_plan_many_dft_c2r(rank, dims, howMany, c, nil, complexStride, complexDistance, r, nil, realStride, realDistance, flags)
    }

    @_documentation(visibility: internal)
    public static func _fftwPlanComplex(length: Int32, howMany: Int32, data: UnsafeMutableRawPointer, stride: Int32,
                                        distance: Int32, sign: Int32, flags: UInt32) -> OpaquePointer? {
        fftw_plan_with_nthreads(1)
        var n = length
        let c = data.assumingMemoryBound(to: fftw_complex.self)
        return fftw_plan_many_dft(1, &n, howMany, c, nil, stride, distance, c, nil, stride, distance, sign, flags)
    }

    @_documentation(visibility: internal)
    public static func _fftwDestroyPlan(_ plan: OpaquePointer) { fftw_destroy_plan(plan) }

    @_documentation(visibility: internal)
    public static func _fftwExecuteR2C(_ plan: OpaquePointer, real: UnsafeMutablePointer<Double>, complex: UnsafeMutablePointer<Double>) {
        fftw_execute_dft_r2c(plan, real, UnsafeMutableRawPointer(complex).assumingMemoryBound(to: fftw_complex.self))
    }

    @_documentation(visibility: internal)
    public static func _fftwExecuteC2R(_ plan: OpaquePointer, complex: UnsafeMutablePointer<Double>, real: UnsafeMutablePointer<Double>) {
        fftw_execute_dft_c2r(plan, UnsafeMutableRawPointer(complex).assumingMemoryBound(to: fftw_complex.self), real)
    }

    @_documentation(visibility: internal)
    public static func _fftwExecuteComplex(_ plan: OpaquePointer, _ data: UnsafeMutablePointer<Double>) {
        let c = UnsafeMutableRawPointer(data).assumingMemoryBound(to: fftw_complex.self)
        fftw_execute_dft(plan, c, c)
    }

    // MARK: Safetensors

    @_documentation(visibility: internal)
    public static func _appendLittleEndianBytes(_ values: [Double], to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<Double>.size)
        for x in values { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
    }

    // MARK: BLAS

    @_documentation(visibility: internal)
    public static func _gemm(transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Double,
                             a: UnsafePointer<Double>, lda: Int32, b: UnsafePointer<Double>, ldb: Int32, beta: Double,
                             c: UnsafeMutablePointer<Double>, ldc: Int32) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @_documentation(visibility: internal)
    public static func _gemv(m: Int32, n: Int32, alpha: Double, a: UnsafePointer<Double>, lda: Int32, x: UnsafePointer<Double>,
                             beta: Double, y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1)
    }

    // MARK: Scans and copies

    @_documentation(visibility: internal)
    public static func _allFinite(_ p: UnsafePointer<Double>, count: Int) -> Bool { gc_all_finite_f64(p, count) != 0 }

    @_documentation(visibility: internal)
    public static func _gatherStrided(_ src: UnsafePointer<Double>, stride: Int, count: Int, rows: Int, sourceRowStride: Int,
                                      into dst: UnsafeMutablePointer<Double>, destinationRowStride: Int) {
        gc_gather_strided_f64(src, stride, count, rows, sourceRowStride, dst, destinationRowStride)
    }

    @_documentation(visibility: internal)
    public static func _depthwiseStrided(_ x: UnsafePointer<Double>, height h: Int, width w: Int, weight: UnsafePointer<Double>, kernel k: Int,
                                         stride s: Int, padding p: Int, bias: Double, into y: UnsafeMutablePointer<Double>,
                                         outputHeight ho: Int, outputWidth wo: Int, rows: UnsafeMutablePointer<Double>, isa: Int32) {
        gc_depthwise_strided_f64(x, h, w, weight, k, s, p, bias, y, ho, wo, rows, isa)
    }

    @_documentation(visibility: internal)
    public static func _copyRowsChecked(_ src: UnsafePointer<Double>, stride: Int, rows: Int, columns: Int,
                                        into dst: UnsafeMutablePointer<Double>, stride dstStride: Int) -> Bool {
        gc_copy_rows_f64(src, stride, rows, columns, dst, dstStride) != 0
    }

    @_documentation(visibility: internal)
    public static func _crop(_ src: UnsafePointer<Double>, stride: Int, rows: UnsafePointer<Int>, count rowCount: Int,
                             columns: UnsafePointer<Int>, count columnCount: Int, bias: Double,
                             into out: UnsafeMutablePointer<Double>) -> Bool {
        gc_crop_f64(src, stride, rows, rowCount, columns, columnCount, bias, out) != 0
    }

    @_documentation(visibility: internal)
    public static func _transposeAdding(_ src: UnsafePointer<Double>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Double>,
                                        rowAdd: UnsafePointer<Double>?, add: Double) {
        gc_transpose_add_f64(src, rows, columns, dst, rowAdd, add)
    }

    @_documentation(visibility: internal)
    public static func _addingRows(_ src: UnsafePointer<Double>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Double>,
                                   rowAdd: UnsafePointer<Double>?, columnAdd: UnsafePointer<Double>?, add: Double) -> Bool {
        gc_add_rows_f64(src, rows, columns, dst, rowAdd, columnAdd, add) != 0
    }

    @_documentation(visibility: internal)
    public static func _interleavePair(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int,
                                       adding: UnsafePointer<Double>?, into dst: UnsafeMutablePointer<Double>) -> Bool {
        gc_interleave_pair_f64(a, b, count, adding, dst) != 0
    }

    @_documentation(visibility: internal)
    public static func _deinterleavePair(_ src: UnsafePointer<Double>, count: Int, adding add: Double,
                                         into a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>) -> Bool {
        gc_deinterleave_pair_f64(src, count, add, a, b) != 0
    }

    @_documentation(visibility: internal)
    public static func _scaleComplexRows(_ a: UnsafeMutablePointer<Double>, rows: Int, count: Int, by k: UnsafePointer<Double>) {
        gc_cscale_rows_f64(a, rows, count, k)
    }

    @_documentation(visibility: internal)
    public static func _multiplyRows(_ a: UnsafeMutablePointer<Double>, rows: Int, count: Int, by b: UnsafePointer<Double>) {
        gc_cmul_rows_f64(a, rows, count, b)
    }

    // MARK: The direct path

    @_documentation(visibility: internal)
    public static func _directCorrelate(_ plane: UnsafeRawPointer, source: UnsafePointer<Double>, weights: UnsafePointer<Double>,
                                        bias: Double, output: UnsafeMutablePointer<Double>, isa: Int32) {
        gc_direct_correlate_f64(plane.assumingMemoryBound(to: gc_direct_plane.self), source, weights, bias, output, isa)
    }

    /// `false`: the one-line kernels are single precision only; the general kernel runs instead.
    @_documentation(visibility: internal)
    public static var _hasLineKernels: Bool { false }

    @_documentation(visibility: internal)
    public static func _lineCorrelate(_ src: UnsafePointer<Double>, stride: Int, step: Int, height: Int, width: Int,
                                      weights: UnsafePointer<Double>, taps: Int, bias: Double, output: UnsafeMutablePointer<Double>,
                                      isa: Int32) -> Bool { false }

    @_documentation(visibility: internal)
    public static func _lineCorrelateRows(_ x: UnsafePointer<Double>, height: Int, width: Int, adding: UnsafePointer<Double>?,
                                          weights: UnsafePointer<Double>, bias: Double, scratch: UnsafeMutablePointer<Double>,
                                          output: UnsafeMutablePointer<Double>, isa: Int32) -> Bool { false }

    // MARK: Activations (``Activation``'s reference form per value, erf and exp from the C library)

    @_documentation(visibility: internal)
    public static func _applyGELU(_ values: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { values[i] = Activation.gelu(values[i]) }
    }
    @_documentation(visibility: internal)
    public static func _applySiLU(_ values: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { values[i] = Activation.silu(values[i]) }
    }
    @_documentation(visibility: internal)
    public static func _applyReLU(_ values: UnsafeMutablePointer<Double>, count: Int) {
        for i in 0..<count { values[i] = Activation.relu(values[i]) }
    }

    // MARK: The fused 1×1 convolution

    /// Empty: `cblas_dgemm` reads the weights as they are.
    @_documentation(visibility: internal)
    public static func _pointwisePack(_ weight: [Double], rows: Int, columns: Int) -> [Double] { [] }

    /// Never called: Double keeps its weights unpacked.
    @_documentation(visibility: internal)
    public static func _pointwiseUnpack(_ packed: [Double], rows: Int, columns: Int) -> [Double] {
        preconditionFailure("Double's 1×1 weights are not packed")
    }

    @_documentation(visibility: internal)
    public static func _pointwiseFused(_ job: _PointwiseJob<Double>) -> Tensor<Double> {
        let columns = job.windows?.columns()  // a dense convolution's im2col matrix, for OpenBLAS
        defer { if let columns { TensorStoragePool.recycle(columns) } }
        return PointwiseConvolution<Double>.fusedReference(columns ?? job.stencil?.apply(job.x) ?? job.x,
                                                           input: job.input, stages: job.stages, threads: job.threads)
    }

    /// `false`: the GEMM path would compute the stencil as a separate pass; blocks run their depthwise layer.
    @_documentation(visibility: internal)
    public static var _pointwiseFusesStencil: Bool { false }
}
