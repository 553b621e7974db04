/// Row-major matrix products through OpenBLAS (`cblas_sgemm` / `cblas_dgemm`), the package's one entry
/// to BLAS's products (the calls themselves are in `Float+TensorScalar.swift` / `Double+TensorScalar.swift`).
///
/// `C ← alpha·op(A)·op(B) + beta·C` with `op(A)` `m × k`, `op(B)` `k × n`, `C` `m × n`, all row-major
/// with leading dimensions `lda`, `ldb`, `ldc`: `S`'s own call (``TensorScalar/_gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``),
/// `cblas_sgemm` for `Float`, `cblas_dgemm` for `Double`.
///
/// Threads: OpenBLAS itself runs single-threaded (``BLASThreads``); ``multiplyInBlocks(m:n:k:a:lda:b:ldb:transposeB:c:ldc:threads:)``
/// spreads one product over the engine's pool.
enum GEMM {
    /// Columns of `C` per block of ``multiplyInBlocks(m:n:k:a:lda:b:ldb:transposeB:c:ldc:threads:)``: fixed,
    /// so the blocks — and so the bits — do not depend on the thread count.
    static let columnsPerBlock = 256

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
        BLASThreads.release()
        if m == 1, !transposeA, transposeB {
            // One row of A against B's rows (a classifier head on one image): a matrix-vector product on B
            // (`cblas_?gemv`); `cblas_?gemm` copied B into its packed layout first, for one dot product per column.
            S._gemv(m: Int32(n), n: Int32(k), alpha: alpha, a: b, lda: Int32(ldb), x: a, beta: beta, y: c)
            return
        }
        S._gemm(transposeA: transposeA, transposeB: transposeB, m: Int32(m), n: Int32(n), k: Int32(k), alpha: alpha,
                a: a, lda: Int32(lda), b: b, ldb: Int32(ldb), beta: beta, c: c, ldc: Int32(ldc))
    }

    /// `C = A·op(B)` (`A` `m × k` not transposed, `C` `m × n`) as blocks of ``columnsPerBlock`` columns of
    /// `C`, each one single-threaded product, on up to `threads` participants of the engine's pool. Each
    /// output is the same dot product as in one call; the blocking is fixed, so the result does not depend
    /// on `threads`.
    static func multiplyInBlocks<S: TensorScalar>(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<S>, lda: Int,
        b: UnsafePointer<S>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<S>, ldc: Int,
        threads: Int
    ) {
        guard m > 0, n > 0 else { return }
        let blocks = (n + columnsPerBlock - 1) / columnsPerBlock
        parallelChunks(blocks, threads: threads) { range in
            for block in range {
                let c0 = block * columnsPerBlock, width = min(columnsPerBlock, n - c0)
                // Columns c0… of op(B): columns of B, or rows of B when it is transposed.
                let bBlock = transposeB ? b + c0 * ldb : b + c0
                multiply(m: m, n: width, k: k, a: a, lda: lda, b: bBlock, ldb: ldb, transposeB: transposeB,
                         c: c + c0, ldc: ldc)
            }
        }
    }
}
