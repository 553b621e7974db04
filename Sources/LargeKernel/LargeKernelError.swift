import GlobalConv

/// Why a large-kernel operation could not be carried out; the message says what and why.
///
/// Everything that can be reached from weights, configs or the command line throws this instead of
/// crashing: wrong shapes, sizes outside a table, a merge that would not be exact.
public enum LargeKernelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A weight, bias, BatchNorm vector or input whose shape does not fit the others.
    case shapeMismatch(String)
    /// A size, dilation or option outside the allowed range.
    case invalidArgument(String)
    /// A merge or conversion that has no exact form (for example branches whose outputs differ in size).
    case notExactlyMergeable(String)
    /// The underlying convolution refused its arguments.
    case convolution(ConvolutionError)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): "shape mismatch: \(m)"
        case .invalidArgument(let m): "invalid argument: \(m)"
        case .notExactlyMergeable(let m): "no exact merge: \(m)"
        case .convolution(let e): "convolution: \(e.description)"
        }
    }
}

/// Runs `body`, turning a ``ConvolutionError`` into ``LargeKernelError/convolution(_:)``.
@inline(__always)
func wrapping<T>(_ body: () throws(ConvolutionError) -> T) throws(LargeKernelError) -> T {
    do { return try body() } catch { throw .convolution(error) }
}
