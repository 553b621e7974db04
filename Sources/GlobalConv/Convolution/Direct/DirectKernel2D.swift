internal import CCPUFeatures
internal import CDirectKernel

/// The zero-free inner kernel of every direct path: one plane's 2-D cross-correlation with stride 1,
///
/// `out[i, j] = bias + Σ_{u<kh} Σ_{v<kw} w[u, v] · src[i + dh·u, j + dw·v]`  for `i < outH`, `j < outW`,
///
/// read from a source plane that already holds whatever padding the caller's semantics need (zeros or
/// the periodic extension, see ``DirectSource2D``), so no tap is ever bounds-checked. Taps whose reads
/// for a whole register tile miss the source's data rows or columns (they would read only zero padding)
/// are skipped.
///
/// The loops are in C (target `CDirectKernel`), compiled once per instruction set through function
/// target attributes and chosen at run time: AVX-512 (with an aligned-source variant for `dw = 1` that
/// builds the shifted windows in registers instead of splitting cache lines), AVX2 + FMA, or portable
/// GCC vector code (SSE2 / NEON). Swift alone compiles for baseline x86-64 (SSE2, no FMA) without
/// `unsafeFlags`, which measured 2–4× slower. Each output is the bias, then the products added in
/// `u`-major, `v`-minor order; AVX2/AVX-512 fuse each product with its addition (one rounding, within
/// the same `γ(T+1)` bound). Reentrant: no state besides the arguments. The C functions are named per
/// level (`gc_f32_dw_avx512`, `gc_f64_dw_portable`, `gc_f32_dw_rows7_avx512`, …: the list in
/// `Sources/CDirectKernel/direct_kernels.h`, ``CompiledKernel/direct``); the choice among them is one
/// dispatch-table lookup per call (Docs/architecture.md, "C targets").
struct DirectKernel2D: Sendable {
    /// `kh × kw`.
    var kernel: Size2D
    /// `dh × dw`.
    var dilation: Size2D
    /// `outH × outW`, each ≥ 1.
    var output: Size2D

    /// The C description of one plane read from `source`.
    func plane(reading source: DirectSource2D) -> gc_direct_plane {
        gc_direct_plane(
            kernel_h: kernel.height, kernel_w: kernel.width, dilation_h: dilation.height, dilation_w: dilation.width,
            out_h: output.height, out_w: output.width, src_stride: source.stride,
            data_row_begin: source.dataRows.lowerBound, data_row_end: source.dataRows.upperBound,
            data_col_begin: source.dataColumns.lowerBound, data_col_end: source.dataColumns.upperBound)
    }

    /// One compiled version of the loops. Production calls use ``best``; tests run every one this CPU
    /// supports against the reference.
    enum Variant: Int, CaseIterable, Sendable {
        /// 16-byte GCC vectors (SSE2 on x86-64, NEON on arm64).
        case portable
        /// AVX2 + FMA.
        case avx2
        /// AVX-512 with one unaligned load per product.
        case avx512
        /// AVX-512 on a 64-byte aligned source copy, shifted windows built in registers (`dw = 1` and
        /// `kw > 1`; other kernels run ``avx512``).
        case avx512Aligned

        /// The fastest variant this CPU runs.
        static let best: Variant = switch gc_cpu_best_isa() {
        case GC_ISA_AVX512: .avx512Aligned
        case GC_ISA_AVX2: .avx2
        default: .portable
        }

        /// Every variant this CPU runs.
        static var supported: [Variant] { allCases.filter { $0.rawValue <= best.rawValue } }

        var isa: Int32 {
            switch self {
            case .portable: Int32(GC_ISA_PORTABLE.rawValue)
            case .avx2: Int32(GC_ISA_AVX2.rawValue)
            case .avx512, .avx512Aligned: Int32(GC_ISA_AVX512.rawValue)
            }
        }
    }

    /// The source row stride (a multiple of 64 bytes, with a 64-byte aligned source) at which `variant`
    /// runs fastest on `S`, or `nil` when it reads any source as fast.
    func preferredSourceStride<S: TensorScalar>(_: S.Type, variant: Variant) -> Int? {
        guard variant == .avx512Aligned else { return nil }
        let stride = gc_direct_source_stride(output.width, kernel.width, dilation.width, MemoryLayout<S>.stride, variant.isa)
        return stride > 0 ? stride : nil
    }

    /// The name of the C kernel (``CompiledKernel/name``) that ``run(_:variant:source:weights:bias:output:)``
    /// runs on these planes for `variant`, elements of `elementSize` bytes (4 or 8), read from a 64-byte
    /// aligned source with row stride `sourceStride` whose every sample (or, given `data`, every sample of
    /// those rows and columns) may be non-zero.
    func kernelName(variant: Variant, elementSize: Int, sourceStride: Int,
                    data: (rows: Range<Int>, columns: Range<Int>)? = nil) -> String {
        var p = gc_direct_plane(
            kernel_h: kernel.height, kernel_w: kernel.width, dilation_h: dilation.height, dilation_w: dilation.width,
            out_h: output.height, out_w: output.width, src_stride: sourceStride,
            data_row_begin: data?.rows.lowerBound ?? 0,
            data_row_end: data?.rows.upperBound ?? output.height + dilation.height * (kernel.height - 1),
            data_col_begin: data?.columns.lowerBound ?? 0, data_col_end: data?.columns.upperBound ?? sourceStride)
        // Only the source's alignment matters to the choice; the address is never read.
        let aligned = UnsafeRawPointer(bitPattern: 64)!
        return String(cString: gc_direct_kernel_name(&p, aligned, elementSize, variant.isa))
    }

    /// Computes one output plane (row stride `outW`) from the source at `src` (laid out as `plane`).
    static func run<S: TensorScalar>(_ plane: gc_direct_plane, variant: Variant, source src: UnsafePointer<S>,
                                     weights: UnsafePointer<S>, bias: S, output: UnsafeMutablePointer<S>) {
        withUnsafePointer(to: plane) { p in
            S._directCorrelate(UnsafeRawPointer(p), source: src, weights: weights, bias: bias, output: output, isa: variant.isa)
        }
    }
}
