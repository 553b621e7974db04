/// A dense, contiguous, row-major tensor of `Float` or `Double`.
///
/// Layout: the last axis varies fastest. Four-dimensional tensors are NCHW
/// (`[batch, channels, height, width]`); weights keep PyTorch's shapes (`[C,1,kh,kw]`, `[C]`, …).
/// A value type with copy-on-write storage (`[Scalar]`); `Sendable`, safe to share read-only
/// across tasks.
public struct Tensor<Scalar: TensorScalar>: Sendable, Equatable {
    /// Extent of each axis; every extent is ≥ 0 and their product is ``count``.
    public private(set) var shape: [Int]
    private var storage: [Scalar]

    /// The elements in row-major order. Elements may be changed in place (`t.scalars[i] = v` costs
    /// O(1): the accessor yields the storage itself, no copy); changing their number is a programmer
    /// error caught right after the mutation.
    public var scalars: [Scalar] {
        get { storage }
        set {
            precondition(newValue.count == storage.count, "Tensor: scalars.count changed from \(storage.count) to \(newValue.count)")
            storage = newValue
        }
        _modify {
            let expected = storage.count
            yield &storage
            precondition(storage.count == expected, "Tensor: scalars.count changed from \(expected) to \(storage.count)")
        }
    }

    /// Wraps `scalars` (row-major) with `shape`.
    /// - Precondition: extents are non-negative, their product does not overflow and equals `scalars.count`
    ///   (a programmer error; for a shape or data from a file, config or command line use
    ///   ``init(validatingShape:scalars:)``, which throws ``TensorError``).
    public init(shape: [Int], scalars: [Scalar]) {
        let n = Tensor.elementCount(shape)
        precondition(n == scalars.count, "Tensor: shape \(shape) holds \(n) elements, got \(scalars.count)")
        self.shape = shape
        self.storage = scalars
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Scalar, shape: [Int]) {
        self.init(shape: shape, scalars: Array(repeating: value, count: Tensor.elementCount(shape)))
    }

    /// A tensor of `shape` filled with zeros.
    /// - Precondition: extents are non-negative and their product fits in `Int` (for a user's shape use
    ///   ``init(validatingZeros:)``).
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// Number of elements: the product of ``shape`` (1 for a rank-0 tensor).
    public var count: Int { storage.count }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// The product of `shape`, checked: extents must be ≥ 0 and the product must fit in `Int`.
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for extent in shape {
            precondition(extent >= 0, "Tensor: negative extent in shape \(shape)")
            let (p, overflow) = n.multipliedReportingOverflow(by: extent)
            precondition(!overflow, "Tensor: element count of shape \(shape) overflows Int")
            n = p
        }
        return n
    }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Every element converted to `T` (rounded to nearest when narrowing).
    public func converted<T: TensorScalar>(to _: T.Type = T.self) -> Tensor<T> {
        if let same = self as? Tensor<T> { return same }
        return Tensor<T>(shape: shape, scalars: scalars.map { T($0) })
    }

    /// Calls `body` with the contiguous storage.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the contiguous, mutable storage.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }
}
