/// A shape or element count that does not make a tensor, from a value a user supplied (a file, a
/// config, the command line); thrown by the validating initialisers and accessors of ``Tensor``.
///
/// The non-throwing forms (`Tensor(shape:scalars:)`, `Tensor(zeros:)`, `.channels`, …) keep their
/// `precondition`s: they are for shapes the program itself computed, where a mismatch is a
/// programmer error. Anything that comes from outside goes through the `validating` forms.
public enum TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An extent below zero.
    case negativeExtent(shape: [Int])
    /// The product of the extents does not fit in `Int`.
    case elementCountOverflow(shape: [Int])
    /// The shape holds `expected` elements but `actual` scalars were given.
    case scalarCountMismatch(shape: [Int], expected: Int, actual: Int)
    /// An NCHW (rank-4) tensor was needed.
    case notNCHW(shape: [Int])

    public var description: String {
        switch self {
        case .negativeExtent(let shape): "tensor shape \(shape) has a negative extent"
        case .elementCountOverflow(let shape): "the element count of tensor shape \(shape) overflows Int"
        case .scalarCountMismatch(let shape, let expected, let actual):
            "tensor shape \(shape) holds \(expected) elements, but \(actual) scalars were given"
        case .notNCHW(let shape): "expected an NCHW (rank-4) tensor, got shape \(shape)"
        }
    }
}
