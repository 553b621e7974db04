/// NCHW accessors for rank-4 tensors. They trap on another rank (a programmer error); for a tensor
/// from a file or a caller, check with ``validatedNCHW()``, which throws ``TensorError``.
extension Tensor {
    /// `N` of an NCHW tensor. - Precondition: rank 4.
    public var batch: Int { shape4.n }
    /// `C` of an NCHW tensor. - Precondition: rank 4.
    public var channels: Int { shape4.c }
    /// `H` of an NCHW tensor. - Precondition: rank 4.
    public var height: Int { shape4.h }
    /// `W` of an NCHW tensor. - Precondition: rank 4.
    public var width: Int { shape4.w }

    private var shape4: (n: Int, c: Int, h: Int, w: Int) {
        precondition(rank == 4, "Tensor: expected an NCHW (rank-4) tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// The element at `[n, c, h, w]` of an NCHW tensor (bounds-checked by the storage array).
    public subscript(n: Int, c: Int, h: Int, w: Int) -> Scalar {
        get { scalars[((n * shape[1] + c) * shape[2] + h) * shape[3] + w] }
        set { scalars[((n * shape[1] + c) * shape[2] + h) * shape[3] + w] = newValue }
    }
}
