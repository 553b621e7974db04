internal import CCPUFeatures
internal import CDirectKernel
internal import CVectorMath

/// One compiled C kernel: an entry of the X-macro lists that define and dispatch the C targets' kernels
/// (`Sources/CDirectKernel/direct_kernels.h`, `Sources/CVectorMath/vector_math_kernels.h`). `name` is the
/// C function's name as a profiler shows it (e.g. `gc_f32_dw_avx512`); grep it in Sources to find the list
/// entry and the definition. Tests check that every listed kernel this CPU runs is run by a variant
/// they test. Immutable, `Sendable`.
struct CompiledKernel: Hashable, Sendable {
    /// The C function's name.
    var name: String
    /// The instruction-set level it is compiled for: 0 portable, 1 AVX2 + FMA, 2 AVX-512 (`gc_isa`).
    var level: Int
    /// 4 (single precision) or 8 (double).
    var elementSize: Int

    /// The highest level this CPU runs (`gc_cpu_best_isa`, detected once per process).
    static let cpuLevel = Int(gc_cpu_best_isa().rawValue)

    /// Whether this CPU runs the kernel.
    var runsOnThisCPU: Bool { level <= Self.cpuLevel }

    /// CDirectKernel's kernels: general, aligned-window, row-reuse and line kernels, in list order.
    static let direct: [CompiledKernel] = (0..<gc_direct_kernel_count()).map { CompiledKernel(gc_direct_kernel_at($0)) }

    /// CVectorMath's kernels chosen by level: pointwise, GELU and the circular FFT path's copies, in list order.
    static let vectorMath: [CompiledKernel] = (0..<gc_vector_math_kernel_count()).map {
        CompiledKernel(gc_vector_math_kernel_at($0))
    }

    private init(_ info: gc_kernel_info) {
        name = String(cString: info.name)
        level = Int(info.isa.rawValue)
        elementSize = Int(info.element_size)
    }
}
