internal import CBLAS


/// Row-major matrix products through OpenBLAS (`cblas_sgemm` / `cblas_dgemm`), the only place
/// the package touches BLAS.
///
/// `C ← alpha·op(A)·op(B) + beta·C` with `op(A)` `m × k`, `op(B)` `k × n`, `C` `m × n`, all row-major
/// with leading dimensions `lda`, `ldb`, `ldc`. Dispatches on `S.precision`: `Float` storage goes to
/// `cblas_sgemm`, `Double` to `cblas_dgemm` (the pointers are reinterpreted, never converted).
///
/// Threads: OpenBLAS runs its own pool; ``BLASThreads/use(_:)`` sets its size before every call so a
/// block's `ExecutionOptions.threads` bounds it. Callers never run their own parallel loop around a GEMM.
enum GEMM {
    static func multiply<S: TensorScalar>(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<S>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<S>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<S>, ldc: Int,
        alpha: S = 1, beta: S = 0
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative extent m=\(m) n=\(n) k=\(k)")
        guard m > 0, n > 0 else { return }
        precondition(m <= Int(Int32.max) && n <= Int(Int32.max) && k <= Int(Int32.max)
                     && lda <= Int(Int32.max) && ldb <= Int(Int32.max) && ldc <= Int(Int32.max),
                     "GEMM: extents beyond 32-bit BLAS integers")
        let ta = transposeA ? CblasTrans : CblasNoTrans
        let tb = transposeB ? CblasTrans : CblasNoTrans
        switch S.precision {
        case .float32:
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Float(alpha),
                        UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), Float(beta),
                        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        case .float64:
            cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Double(alpha),
                        UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), Double(beta),
                        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        }
    }
}
