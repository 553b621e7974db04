import RealModule
internal import CFFTW
internal import CBLAS
internal import CVectorMath
internal import CDirectKernel

/// `Float`'s kernels: FFTW's single-precision library (`fftwf_*`), `cblas_sgemm`, and the `_f32` C kernels
/// of CDirectKernel and CVectorMath (each chosen by instruction-set level inside C).
extension Float: TensorScalar {
    /// `.float32`: FFTW's single-precision (`fftwf_*`) library.
    public static var precision: Precision { .float32 }
    /// `2⁻²⁴`.
    public static var unitRoundoff: Float { .ulpOfOne / 2 }

    @_documentation(visibility: internal)
    public static var _token: _TensorScalarToken<Float> { _TensorScalarToken() }

    // MARK: FFTW

    @_documentation(visibility: internal)
    public static func _fftwPlanReal(rank: Int32, dims: UnsafePointer<Int32>, howMany: Int32, forward: Bool,
                                     real: UnsafeMutableRawPointer, realStride: Int32, realDistance: Int32,
                                     complex: UnsafeMutableRawPointer, complexStride: Int32, complexDistance: Int32,
                                     flags: UInt32, threads: Int32) -> OpaquePointer? {
        fftwf_plan_with_nthreads(threads)
        let (r, c) = (real.assumingMemoryBound(to: Float.self), complex.assumingMemoryBound(to: fftwf_complex.self))
        return forward
            ? fftwf_plan_many_dft_r2c(rank, dims, howMany, r, nil, realStride, realDistance, c, nil, complexStride, complexDistance, flags)
            : fftwf_plan_many_dft_c2r(rank, dims, howMany, c, nil, complexStride, complexDistance, r, nil, realStride, realDistance, flags)
    }

    @_documentation(visibility: internal)
    public static func _fftwPlanComplex(length: Int32, howMany: Int32, data: UnsafeMutableRawPointer, stride: Int32,
                                        distance: Int32, sign: Int32, flags: UInt32) -> OpaquePointer? {
        fftwf_plan_with_nthreads(1)
        var n = length
        let c = data.assumingMemoryBound(to: fftwf_complex.self)
        return fftwf_plan_many_dft(1, &n, howMany, c, nil, stride, distance, c, nil, stride, distance, sign, flags)
    }

    @_documentation(visibility: internal)
    public static func _fftwDestroyPlan(_ plan: OpaquePointer) { fftwf_destroy_plan(plan) }

    @_documentation(visibility: internal)
    public static func _fftwExecuteR2C(_ plan: OpaquePointer, real: UnsafeMutablePointer<Float>, complex: UnsafeMutablePointer<Float>) {
        fftwf_execute_dft_r2c(plan, real, UnsafeMutableRawPointer(complex).assumingMemoryBound(to: fftwf_complex.self))
    }

    @_documentation(visibility: internal)
    public static func _fftwExecuteC2R(_ plan: OpaquePointer, complex: UnsafeMutablePointer<Float>, real: UnsafeMutablePointer<Float>) {
        fftwf_execute_dft_c2r(plan, UnsafeMutableRawPointer(complex).assumingMemoryBound(to: fftwf_complex.self), real)
    }

    @_documentation(visibility: internal)
    public static func _fftwExecuteComplex(_ plan: OpaquePointer, _ data: UnsafeMutablePointer<Float>) {
        let c = UnsafeMutableRawPointer(data).assumingMemoryBound(to: fftwf_complex.self)
        fftwf_execute_dft(plan, c, c)
    }

    // MARK: Safetensors

    @_documentation(visibility: internal)
    public static func _appendLittleEndianBytes(_ values: [Float], to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + values.count * MemoryLayout<Float>.size)
        for x in values { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
    }

    // MARK: BLAS

    @_documentation(visibility: internal)
    public static func _gemm(transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Float,
                             a: UnsafePointer<Float>, lda: Int32, b: UnsafePointer<Float>, ldb: Int32, beta: Float,
                             c: UnsafeMutablePointer<Float>, ldc: Int32) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    @_documentation(visibility: internal)
    public static func _gemv(m: Int32, n: Int32, alpha: Float, a: UnsafePointer<Float>, lda: Int32, x: UnsafePointer<Float>,
                             beta: Float, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, alpha, a, lda, x, 1, beta, y, 1)
    }

    // MARK: Scans and copies

    @_documentation(visibility: internal)
    public static func _allFinite(_ p: UnsafePointer<Float>, count: Int) -> Bool { gc_all_finite_f32(p, count) != 0 }

    @_documentation(visibility: internal)
    public static func _gatherStrided(_ src: UnsafePointer<Float>, stride: Int, count: Int, rows: Int, sourceRowStride: Int,
                                      into dst: UnsafeMutablePointer<Float>, destinationRowStride: Int) {
        gc_gather_strided_f32(src, stride, count, rows, sourceRowStride, dst, destinationRowStride)
    }

    @_documentation(visibility: internal)
    public static func _depthwiseStrided(_ x: UnsafePointer<Float>, height h: Int, width w: Int, weight: UnsafePointer<Float>, kernel k: Int,
                                         stride s: Int, padding p: Int, bias: Float, into y: UnsafeMutablePointer<Float>,
                                         outputHeight ho: Int, outputWidth wo: Int, rows: UnsafeMutablePointer<Float>, isa: Int32) {
        gc_depthwise_strided_f32(x, h, w, weight, k, s, p, bias, y, ho, wo, rows, isa)
    }

    @_documentation(visibility: internal)
    public static func _copyRowsChecked(_ src: UnsafePointer<Float>, stride: Int, rows: Int, columns: Int,
                                        into dst: UnsafeMutablePointer<Float>, stride dstStride: Int) -> Bool {
        gc_copy_rows_f32(src, stride, rows, columns, dst, dstStride) != 0
    }

    @_documentation(visibility: internal)
    public static func _crop(_ src: UnsafePointer<Float>, stride: Int, rows: UnsafePointer<Int>, count rowCount: Int,
                             columns: UnsafePointer<Int>, count columnCount: Int, bias: Float,
                             into out: UnsafeMutablePointer<Float>) -> Bool {
        gc_crop_f32(src, stride, rows, rowCount, columns, columnCount, bias, out) != 0
    }

    @_documentation(visibility: internal)
    public static func _transposeAdding(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>,
                                        rowAdd: UnsafePointer<Float>?, add: Float) {
        gc_transpose_add_f32(src, rows, columns, dst, rowAdd, add)
    }

    @_documentation(visibility: internal)
    public static func _addingRows(_ src: UnsafePointer<Float>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Float>,
                                   rowAdd: UnsafePointer<Float>?, columnAdd: UnsafePointer<Float>?, add: Float) -> Bool {
        gc_add_rows_f32(src, rows, columns, dst, rowAdd, columnAdd, add) != 0
    }

    @_documentation(visibility: internal)
    public static func _interleavePair(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                                       adding: UnsafePointer<Float>?, into dst: UnsafeMutablePointer<Float>) -> Bool {
        gc_interleave_pair_f32(a, b, count, adding, dst) != 0
    }

    @_documentation(visibility: internal)
    public static func _deinterleavePair(_ src: UnsafePointer<Float>, count: Int, adding add: Float,
                                         into a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>) -> Bool {
        gc_deinterleave_pair_f32(src, count, add, a, b) != 0
    }

    @_documentation(visibility: internal)
    public static func _scaleComplexRows(_ a: UnsafeMutablePointer<Float>, rows: Int, count: Int, by k: UnsafePointer<Float>) {
        gc_cscale_rows_f32(a, rows, count, k)
    }

    @_documentation(visibility: internal)
    public static func _multiplyRows(_ a: UnsafeMutablePointer<Float>, rows: Int, count: Int, by b: UnsafePointer<Float>) {
        gc_cmul_rows_f32(a, rows, count, b)
    }

    // MARK: The direct path

    @_documentation(visibility: internal)
    public static func _directCorrelate(_ plane: UnsafeRawPointer, source: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                                        bias: Float, output: UnsafeMutablePointer<Float>, isa: Int32) {
        gc_direct_correlate_f32(plane.assumingMemoryBound(to: gc_direct_plane.self), source, weights, bias, output, isa)
    }

    /// `true`: `gc_line_correlate_f32` and `gc_line_correlate_rows_f32` (AVX-512).
    @_documentation(visibility: internal)
    public static var _hasLineKernels: Bool { true }

    @_documentation(visibility: internal)
    public static func _lineCorrelate(_ src: UnsafePointer<Float>, stride: Int, step: Int, height: Int, width: Int,
                                      weights: UnsafePointer<Float>, taps: Int, bias: Float, output: UnsafeMutablePointer<Float>,
                                      isa: Int32) -> Bool {
        gc_line_correlate_f32(src, stride, step, height, width, weights, taps, bias, output, isa) != 0
    }

    @_documentation(visibility: internal)
    public static func _lineCorrelateRows(_ x: UnsafePointer<Float>, height: Int, width: Int, adding: UnsafePointer<Float>?,
                                          weights: UnsafePointer<Float>, bias: Float, scratch: UnsafeMutablePointer<Float>,
                                          output: UnsafeMutablePointer<Float>, isa: Int32) -> Bool {
        gc_line_correlate_rows_f32(x, height, width, adding, weights, bias, scratch, output, isa) != 0
    }

    // MARK: Activations

    @_documentation(visibility: internal)
    public static func _applyGELU(_ values: UnsafeMutablePointer<Float>, count: Int) { gc_gelu_f32(values, count) }
    @_documentation(visibility: internal)
    public static func _applySiLU(_ values: UnsafeMutablePointer<Float>, count: Int) { gc_silu_f32(values, count) }
    @_documentation(visibility: internal)
    public static func _applyReLU(_ values: UnsafeMutablePointer<Float>, count: Int) { gc_relu_f32(values, count) }

    // MARK: The fused 1×1 convolution

    @_documentation(visibility: internal)
    public static func _pointwisePack(_ weight: [Float], rows: Int, columns: Int) -> [Float] {
        PointwiseKernel.pack(weight, m: rows, k: columns)
    }

    @_documentation(visibility: internal)
    public static func _pointwiseUnpack(_ packed: [Float], rows: Int, columns: Int) -> [Float] {
        PointwiseKernel.unpack(packed, m: rows, k: columns)
    }

    @_documentation(visibility: internal)
    public static func _pointwiseFused(_ job: _PointwiseJob<Float>) -> Tensor<Float> {
        PointwiseConvolution<Float>.fusedFloat(job)
    }

    /// `true`: the packed kernel computes the stencil per strip while packing its input.
    @_documentation(visibility: internal)
    public static var _pointwiseFusesStencil: Bool { true }
}
