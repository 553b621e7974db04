/// Row-major matrix products through OpenBLAS (`cblas_sgemm` / `cblas_dgemm`), the package's one entry
/// to BLAS's products (the calls themselves are in `Float+TensorScalar.swift` / `Double+TensorScalar.swift`).
///
/// `C ← alpha·op(A)·op(B) + beta·C` with `op(A)` `m × k`, `op(B)` `k × n`, `C` `m × n`, all row-major
/// with leading dimensions `lda`, `ldb`, `ldc`: `S`'s own call (``TensorScalar/_gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``),
/// `cblas_sgemm` for `Float`, `cblas_dgemm` for `Double`.
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
        S._gemm(transposeA: transposeA, transposeB: transposeB, m: Int32(m), n: Int32(n), k: Int32(k), alpha: alpha,
                a: a, lda: Int32(lda), b: b, ldb: Int32(ldb), beta: beta, c: c, ldc: Int32(ldc))
    }
}
