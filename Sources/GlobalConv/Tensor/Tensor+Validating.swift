/// Throwing forms of ``Tensor``'s initialisers and NCHW accessors, for shapes and data that come from
/// a user (a file, a config, the command line). Their non-throwing twins trap on the same input and
/// are meant only for shapes the program computed itself (a programmer error when wrong).
extension Tensor {
    /// The product of `shape`.
    /// - Throws: ``TensorError/negativeExtent(shape:)`` or ``TensorError/elementCountOverflow(shape:)``.
    public static func validatedElementCount(_ shape: [Int]) throws(TensorError) -> Int {
        var n = 1
        for extent in shape {
            guard extent >= 0 else { throw .negativeExtent(shape: shape) }
            let (p, overflow) = n.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw .elementCountOverflow(shape: shape) }
            n = p
        }
        return n
    }

    /// Wraps `scalars` (row-major) with `shape`, as ``init(shape:scalars:)`` does.
    /// - Throws: ``TensorError`` for a negative extent, an overflowing element count, or a count of
    ///   `scalars` other than the shape's (`Tensor(validatingShape: [2, 2], scalars: [1, 2, 3])`).
    public init(validatingShape shape: [Int], scalars: [Scalar]) throws(TensorError) {
        let n = try Self.validatedElementCount(shape)
        guard n == scalars.count else { throw .scalarCountMismatch(shape: shape, expected: n, actual: scalars.count) }
        self.init(shape: shape, scalars: scalars)
    }

    /// A tensor of `shape` filled with zeros, as ``init(zeros:)`` does.
    /// - Throws: ``TensorError`` for a negative extent (`[2, -1]`) or an overflowing element count.
    public init(validatingZeros shape: [Int]) throws(TensorError) {
        let n = try Self.validatedElementCount(shape)
        self.init(shape: shape, scalars: Array(repeating: 0, count: n))
    }

    /// `(batch, channels, height, width)` of an NCHW tensor.
    /// - Throws: ``TensorError/notNCHW(shape:)`` when the rank is not 4 (where `.channels` traps).
    public func validatedNCHW() throws(TensorError) -> (batch: Int, channels: Int, height: Int, width: Int) {
        guard rank == 4 else { throw .notNCHW(shape: shape) }
        return (shape[0], shape[1], shape[2], shape[3])
    }
}
