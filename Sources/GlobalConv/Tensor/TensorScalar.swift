import RealModule

/// The floating-point precisions GlobalConv computes in.
///
/// A value for metadata: plan and cache keys, safetensors dtype names, plan files, error messages and
/// reports. Kernels are never chosen by testing it: generic code calls the scalar type's own
/// ``TensorScalar`` requirements, and the one place a `Precision` value becomes a type is ``scalarType``.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// IEEE 754 binary32 (`Float`), FFTW's `fftwf_*` functions.
    case float32
    /// IEEE 754 binary64 (`Double`), FFTW's `fftw_*` functions.
    case float64

    /// Bytes per scalar.
    public var byteWidth: Int { self == .float32 ? 4 : 8 }

    /// The scalar type of this precision (`Float.self` or `Double.self`): how code that holds only a
    /// precision value — an FFTW plan made from its descriptor, destroyed in its `deinit` — reaches that
    /// type's ``TensorScalar`` requirements.
    var scalarType: any TensorScalar.Type {
        switch self {
        case .float32: Float.self
        case .float64: Double.self
        }
    }
}

/// A scalar GlobalConv tensors hold and its FFT layer transforms: `Float` or `Double`, and no other.
///
/// ## One conformance per precision
/// `Float+TensorScalar.swift` and `Double+TensorScalar.swift` are the only conformances, in the
/// swift-numerics pattern (`Float+Real.swift`): each implements, for its own type, every kernel entry
/// point generic code needs — FFTW's plan and execute calls, BLAS's GEMM, the C kernels of the direct
/// path, of the FFT paths' copies and spectrum products, of the activations and of the fused 1×1
/// convolution. Generic code calls `S._copyRowsChecked(…)` and never tests ``precision`` to choose a
/// kernel or reinterprets memory as another type (an unsafe bit cast, or `assumingMemoryBound` to a type
/// other than `Self`); ``precision`` is metadata (keys, file dtypes, messages).
///
/// ## The underscored requirements are implementation details
/// Swift gives a protocol's requirements the protocol's own access level: a `public` protocol cannot
/// have `package` or `internal` requirements, and a `public` protocol cannot refine a `package` one.
/// So the kernel entry points are `public` requirements with underscored names, hidden from the
/// documentation (`@_documentation(visibility: internal)`), whose signatures use only public types
/// (pointers to `Self`, `OpaquePointer` for FFTW plans, raw pointers for C descriptions); they are not
/// API and may change in any release. No FFTW, BLAS or C-kernel type appears in them.
///
/// ## Closed to outside conformers
/// ``_token`` must return a ``_TensorScalarToken`` for the conforming type itself, and only GlobalConv
/// can make one (its initialiser is `internal`). A conformance outside this module therefore does not
/// compile — unless its `_token` never returns (`fatalError()`) or forges a token with an unsafe bit cast,
/// neither of which is an accidental conformance. SwiftPM has no compile-fail tests; checked by hand with
/// `swiftc -typecheck` of a client file against the built module: `_TensorScalarToken<T>()` fails with
/// "initializer is inaccessible due to 'internal' protection level", and `Float._token` as a
/// `_TensorScalarToken<T>` with "cannot assign value of type '_TensorScalarToken<Float>'".
/// A third conformer was memory-unsafe while generic code reinterpreted memory by precision; now each
/// conformance runs only its own kernels, and the token keeps the set of conformers to the two whose
/// kernels exist.
///
/// `Real` supplies `exp`, `erf`, `sqrt`, … generically.
public protocol TensorScalar: Real, BinaryFloatingPoint, SIMDScalar, Sendable, Hashable, Codable
where Self.Magnitude == Self {
    /// The precision this type stands for (metadata: keys, dtypes, messages — not kernel dispatch).
    static var precision: Precision { get }
    /// The unit roundoff `u = ε/2` (2⁻²⁴ for `Float`, 2⁻⁵³ for `Double`), used by error bounds.
    static var unitRoundoff: Self { get }

    // MARK: Closing the protocol

    /// GlobalConv's proof that this conformance is one of its own (see "Closed to outside conformers").
    @_documentation(visibility: internal)
    static var _token: _TensorScalarToken<Self> { get }

    // MARK: FFTW (the new-array interface; plans are `fftw_plan` / `fftwf_plan` as `OpaquePointer`)

    /// `fftw(f)_plan_many_dft_r2c` (`forward`) or `_c2r` on scratch buffers, with
    /// `fftw(f)_plan_with_nthreads(threads)` first. Called under ``FFTWLock``.
    @_documentation(visibility: internal)
    static func _fftwPlanReal(rank: Int32, dims: UnsafePointer<Int32>, howMany: Int32, forward: Bool,
                              real: UnsafeMutableRawPointer, realStride: Int32, realDistance: Int32,
                              complex: UnsafeMutableRawPointer, complexStride: Int32, complexDistance: Int32,
                              flags: UInt32, threads: Int32) -> OpaquePointer?
    /// `fftw(f)_plan_many_dft` of rank 1, in place, single-threaded. Called under ``FFTWLock``.
    @_documentation(visibility: internal)
    static func _fftwPlanComplex(length: Int32, howMany: Int32, data: UnsafeMutableRawPointer, stride: Int32,
                                 distance: Int32, sign: Int32, flags: UInt32) -> OpaquePointer?
    /// `fftw(f)_destroy_plan`. Called under ``FFTWLock``.
    @_documentation(visibility: internal)
    static func _fftwDestroyPlan(_ plan: OpaquePointer)
    /// `fftw(f)_execute_dft_r2c` (thread-safe on distinct arrays).
    @_documentation(visibility: internal)
    static func _fftwExecuteR2C(_ plan: OpaquePointer, real: UnsafeMutablePointer<Self>, complex: UnsafeMutablePointer<Self>)
    /// `fftw(f)_execute_dft_c2r` (thread-safe on distinct arrays; overwrites `complex`).
    @_documentation(visibility: internal)
    static func _fftwExecuteC2R(_ plan: OpaquePointer, complex: UnsafeMutablePointer<Self>, real: UnsafeMutablePointer<Self>)
    /// `fftw(f)_execute_dft` in place (thread-safe on distinct arrays).
    @_documentation(visibility: internal)
    static func _fftwExecuteComplex(_ plan: OpaquePointer, _ data: UnsafeMutablePointer<Self>)

    // MARK: Safetensors

    /// Appends each value's IEEE 754 bit pattern, little-endian (the data of a safetensors `F32` / `F64`
    /// tensor; ``SafetensorsWriter``).
    @_documentation(visibility: internal)
    static func _appendLittleEndianBytes(_ values: [Self], to bytes: inout [UInt8])

    // MARK: BLAS

    /// `cblas_sgemm` / `cblas_dgemm`, row-major: `C ← alpha·op(A)·op(B) + beta·C` (``GEMM``).
    @_documentation(visibility: internal)
    static func _gemm(transposeA: Bool, transposeB: Bool, m: Int32, n: Int32, k: Int32, alpha: Self,
                      a: UnsafePointer<Self>, lda: Int32, b: UnsafePointer<Self>, ldb: Int32, beta: Self,
                      c: UnsafeMutablePointer<Self>, ldc: Int32)
    /// `cblas_sgemv` / `cblas_dgemv`, row-major, not transposed: `y ← alpha·A·x + beta·y` for `A` `m × n`
    /// (row stride `lda`) and unit-stride `x`, `y` (``GEMM``).
    @_documentation(visibility: internal)
    static func _gemv(m: Int32, n: Int32, alpha: Self, a: UnsafePointer<Self>, lda: Int32, x: UnsafePointer<Self>,
                      beta: Self, y: UnsafeMutablePointer<Self>)

    // MARK: Scans and copies of the FFT paths (CVectorMath, circular.c; Float and Double the same C code)

    /// Whether no value of `p[0..<count]` is NaN or ±Inf (``NonFinite``).
    @_documentation(visibility: internal)
    static func _allFinite(_ p: UnsafePointer<Self>, count: Int) -> Bool
    /// `dst[r·destinationRowStride + i] = src[r·sourceRowStride + i·stride]` for `r < rows`, `i < count`
    /// (im2col's strided rows; `stride ≥ 1`).
    @_documentation(visibility: internal)
    static func _gatherStrided(_ src: UnsafePointer<Self>, stride: Int, count: Int, rows: Int, sourceRowStride: Int,
                               into dst: UnsafeMutablePointer<Self>, destinationRowStride: Int)
    /// One plane of a depthwise `k × k` correlation with stride `s` and zero padding `p` (CVectorMath's
    /// `gc_depthwise_strided_*`; ``DepthwiseConvolution2D/strided(_:stride:threads:)``) at level `isa`. `rows`: `k·(s·⌈wo/16⌉·16 + k)`.
    @_documentation(visibility: internal)
    static func _depthwiseStrided(_ x: UnsafePointer<Self>, height h: Int, width w: Int, weight: UnsafePointer<Self>, kernel k: Int,
                                  stride s: Int, padding p: Int, bias: Self, into y: UnsafeMutablePointer<Self>,
                                  outputHeight ho: Int, outputWidth wo: Int, rows: UnsafeMutablePointer<Self>, isa: Int32)
    /// `rows × columns` copied (row strides given); whether all are finite (``copyRowsChecked(_:stride:rows:columns:into:stride:)``).
    @_documentation(visibility: internal)
    static func _copyRowsChecked(_ src: UnsafePointer<Self>, stride: Int, rows: Int, columns: Int,
                                 into dst: UnsafeMutablePointer<Self>, stride dstStride: Int) -> Bool
    /// The depthwise FFT path's crop (``crop(_:stride:rows:columns:bias:into:)``); `rows`, `columns` ≥ 1.
    @_documentation(visibility: internal)
    static func _crop(_ src: UnsafePointer<Self>, stride: Int, rows: UnsafePointer<Int>, count rowCount: Int,
                      columns: UnsafePointer<Int>, count columnCount: Int, bias: Self, into out: UnsafeMutablePointer<Self>) -> Bool
    /// ``transposeAdding(_:rows:columns:into:rowAdd:add:)``.
    @_documentation(visibility: internal)
    static func _transposeAdding(_ src: UnsafePointer<Self>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Self>,
                                 rowAdd: UnsafePointer<Self>?, add: Self)
    /// ``addingRows(_:rows:columns:into:rowAdd:columnAdd:add:)``.
    @_documentation(visibility: internal)
    static func _addingRows(_ src: UnsafePointer<Self>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Self>,
                            rowAdd: UnsafePointer<Self>?, columnAdd: UnsafePointer<Self>?, add: Self) -> Bool
    /// ``interleavePair(_:_:count:adding:into:)``.
    @_documentation(visibility: internal)
    static func _interleavePair(_ a: UnsafePointer<Self>, _ b: UnsafePointer<Self>, count: Int, adding: UnsafePointer<Self>?,
                                into dst: UnsafeMutablePointer<Self>) -> Bool
    /// ``deinterleavePair(_:count:adding:into:_:)``.
    @_documentation(visibility: internal)
    static func _deinterleavePair(_ src: UnsafePointer<Self>, count: Int, adding add: Self,
                                  into a: UnsafeMutablePointer<Self>, _ b: UnsafeMutablePointer<Self>) -> Bool
    /// ``scaleComplexRows(_:rows:count:by:)``.
    @_documentation(visibility: internal)
    static func _scaleComplexRows(_ a: UnsafeMutablePointer<Self>, rows: Int, count: Int, by k: UnsafePointer<Self>)
    /// ``multiplyRows(_:rows:count:by:)``.
    @_documentation(visibility: internal)
    static func _multiplyRows(_ a: UnsafeMutablePointer<Self>, rows: Int, count: Int, by b: UnsafePointer<Self>)

    // MARK: The direct path (CDirectKernel)

    /// `gc_direct_correlate_f32/_f64` on the `gc_direct_plane` at `plane` (``DirectKernel2D``).
    @_documentation(visibility: internal)
    static func _directCorrelate(_ plane: UnsafeRawPointer, source: UnsafePointer<Self>, weights: UnsafePointer<Self>,
                                 bias: Self, output: UnsafeMutablePointer<Self>, isa: Int32)
    /// Whether this type has the one-line kernels (`gc_line_correlate_*`; single precision only).
    @_documentation(visibility: internal)
    static var _hasLineKernels: Bool { get }
    /// `gc_line_correlate_f32`; `false` (nothing written) where it does not run.
    @_documentation(visibility: internal)
    static func _lineCorrelate(_ src: UnsafePointer<Self>, stride: Int, step: Int, height: Int, width: Int,
                               weights: UnsafePointer<Self>, taps: Int, bias: Self, output: UnsafeMutablePointer<Self>,
                               isa: Int32) -> Bool
    /// `gc_line_correlate_rows_f32`; `false` (nothing written) where it does not run.
    @_documentation(visibility: internal)
    static func _lineCorrelateRows(_ x: UnsafePointer<Self>, height: Int, width: Int, adding: UnsafePointer<Self>?,
                                   weights: UnsafePointer<Self>, bias: Self, scratch: UnsafeMutablePointer<Self>,
                                   output: UnsafeMutablePointer<Self>, isa: Int32) -> Bool

    // MARK: Activations in place (``Activation``'s forms)

    /// GELU over `count` values (Float: CVectorMath's vectorised kernel).
    @_documentation(visibility: internal)
    static func _applyGELU(_ values: UnsafeMutablePointer<Self>, count: Int)
    /// SiLU over `count` values.
    @_documentation(visibility: internal)
    static func _applySiLU(_ values: UnsafeMutablePointer<Self>, count: Int)
    /// ReLU over `count` values.
    @_documentation(visibility: internal)
    static func _applyReLU(_ values: UnsafeMutablePointer<Self>, count: Int)

    // MARK: The fused 1×1 convolution (``PointwiseConvolution``)

    /// The weights (`rows × columns`, row-major) in this type's kernel layout (Float: ``PointwiseKernel``'s
    /// panels; Double: empty, its GEMM reads the weights themselves).
    @_documentation(visibility: internal)
    static func _pointwisePack(_ weight: [Self], rows: Int, columns: Int) -> [Self]
    /// The row-major `rows × columns` weights back from a non-empty ``_pointwisePack(_:rows:columns:)`` result.
    @_documentation(visibility: internal)
    static func _pointwiseUnpack(_ packed: [Self], rows: Int, columns: Int) -> [Self]
    /// Runs one fused forward (Float: the packed C kernel; Double: the GEMM reference path).
    @_documentation(visibility: internal)
    static func _pointwiseFused(_ job: _PointwiseJob<Self>) -> Tensor<Self>
    /// Whether ``_pointwiseFused(_:)`` reads a ``PointwiseStencil`` while packing (Float), so a block
    /// should hand its 3×3 stencil to the 1×1 convolution rather than run the depthwise layer.
    @_documentation(visibility: internal)
    static var _pointwiseFusesStencil: Bool { get }
}

/// Proof that a ``TensorScalar`` conformance is GlobalConv's own (an implementation detail).
///
/// Only GlobalConv can make one (the initialiser is `internal`), and a conformance must return one for
/// its own type, so no module but GlobalConv can conform a type to ``TensorScalar``
/// (see "Closed to outside conformers" there).
@_documentation(visibility: internal)
public struct _TensorScalarToken<Scalar>: Sendable {
    init() {}
}
