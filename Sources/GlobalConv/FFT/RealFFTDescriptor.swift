/// Everything that makes one batched real FFTW plan different from another; the plan cache's key.
///
/// Layout (FFTW's "advanced" interface, element units): transform `t < howMany` of the real side
/// starts at `t·realDistance` and reads index `i` (row-major over `dims`) at `i·realStride`; the
/// complex side is the half spectrum `dims[0..<last] × (dims.last/2 + 1)`, interleaved (re, im),
/// starting at `t·complexDistance` complex elements with stride `complexStride`.
struct RealFFTDescriptor: Hashable, Sendable {
    enum Direction: Hashable, Sendable {
        /// Real → half complex (`r2c`, exponent −1).
        case forward
        /// Half complex → real (`c2r`, exponent +1), unnormalised: `c2r(r2c(x)) = (Π dims)·x`.
        case inverse
    }

    var precision: Precision
    var direction: Direction
    /// Logical real sizes, row-major (`[Lh, Lw]` for 2-D planes, `[L]` for 1-D).
    var dims: [Int]
    var howMany: Int = 1
    var realStride: Int = 1
    var realDistance: Int
    var complexStride: Int = 1
    var complexDistance: Int
    var threads: Int = 1
    var effort: PlanningEffort = .estimate
    /// Planned with `FFTW_UNALIGNED`, so it may execute on buffers at any (element-aligned) address.
    var unaligned = false

    /// Number of complex elements of one half spectrum: `Π dims[..<last] · (dims.last/2 + 1)`.
    var complexCount: Int { dims.dropLast().reduce(1, *) * (dims.last! / 2 + 1) }
    /// Number of real elements of one transform.
    var realCount: Int { dims.reduce(1, *) }

    /// Elements the real side spans (the buffer a plan for this descriptor needs).
    var realSpan: Int { (howMany - 1) * realDistance + (realCount - 1) * realStride + 1 }
    /// Complex elements the complex side spans.
    var complexSpan: Int { (howMany - 1) * complexDistance + (complexCount - 1) * complexStride + 1 }

    /// A batch of contiguous 2-D (`dims.count == 2`) or 1-D transforms, one after another.
    static func contiguous(_ precision: Precision, _ direction: Direction, dims: [Int], howMany: Int = 1,
                           threads: Int = 1, effort: PlanningEffort = .estimate) -> RealFFTDescriptor {
        let real = dims.reduce(1, *)
        let complex = dims.dropLast().reduce(1, *) * (dims.last! / 2 + 1)
        return RealFFTDescriptor(precision: precision, direction: direction, dims: dims, howMany: howMany,
                                 realDistance: real, complexDistance: complex, threads: threads, effort: effort)
    }
}
