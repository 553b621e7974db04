internal import CCPUFeatures
internal import CDirectKernel

extension DirectKernel2D {
    /// Whether the line kernels run for `variant` on this CPU (single precision, level AVX-512).
    static func lineKernelRuns(variant: Variant) -> Bool {
        gc_isa_clamp(variant.isa) == GC_ISA_AVX512
    }

    /// Whether the line kernels run for `variant` on this CPU for `S` (``TensorScalar/_hasLineKernels``:
    /// single precision).
    static func lineKernelRuns<S: TensorScalar>(_: S.Type, variant: Variant) -> Bool {
        S._hasLineKernels && lineKernelRuns(variant: variant)
    }

    /// One plane of a correlation along one axis, `out[i·W + j] = bias + Σ_{k<taps} w[k]·src[i·stride + j + k·step]`
    /// for `i < output.height`, `j < output.width` (`step = stride`: a `taps × 1` kernel down the columns;
    /// `step = 1`: a `1 × taps` kernel along the rows), on the C line kernel (4 rows × 64 columns per
    /// register tile). The arithmetic and order are ``run(_:variant:source:weights:bias:output:)``'s at level
    /// AVX-512, so the result is bit-identical to it.
    ///
    /// - Returns: `false` (nothing written) unless this is single precision and `variant` runs at AVX-512
    ///   on this CPU; the caller then runs the general kernel.
    /// - Precondition: the source holds every sample the sums read.
    static func runLine<S: TensorScalar>(variant: Variant, source src: UnsafePointer<S>, stride: Int, step: Int, output size: Size2D,
                                         weights: UnsafePointer<S>, taps: Int, bias: S, output: UnsafeMutablePointer<S>) -> Bool {
        S._lineCorrelate(src, stride: stride, step: step, height: size.height, width: size.width, weights: weights, taps: taps,
                         bias: bias, output: output, isa: variant.isa)
    }
}

extension DirectKernel2D {
    /// ParC's correlation along the rows of one `h × w` plane, `out[i·w + j] = bias + Σ_{k<w} wt[k]·(x + add)[i, (j + k) mod w]`
    /// (`add[j]` added along the row first, when given), computed on the plane's transpose by the line kernel
    /// (C `gc_line_correlate_rows_f32`); bit-identical to the general kernel on the periodic extension.
    ///
    /// - Returns: `false` (nothing written) unless this is single precision and `variant` runs at AVX-512
    ///   on this CPU.
    /// - Precondition: `scratch` holds ``lineRowsScratchCount(height:width:)`` samples.
    static func runLineRows<S: TensorScalar>(variant: Variant, plane x: UnsafePointer<S>, height h: Int, width w: Int,
                                             adding add: UnsafePointer<S>?, weights: UnsafePointer<S>, bias: S,
                                             scratch: UnsafeMutablePointer<S>, output: UnsafeMutablePointer<S>) -> Bool {
        S._lineCorrelateRows(x, height: h, width: w, adding: add, weights: weights, bias: bias, scratch: scratch, output: output,
                             isa: variant.isa)
    }

    /// Scratch samples ``runLineRows(variant:plane:height:width:adding:weights:bias:scratch:output:)`` needs.
    static func lineRowsScratchCount(height: Int, width: Int) -> Int { gc_line_rows_scratch_count(height, width) }
}
