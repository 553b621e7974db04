/// A convolution was asked for something it cannot compute; the message says what and why.
public enum ConvolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A weight, bias or input whose shape does not fit the others.
    case shapeMismatch(String)
    /// A size, padding or dilation outside the allowed range.
    case invalidArgument(String)
    /// The work would need more memory than `Int` can address or the configured budget allows.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let m): "shape mismatch: \(m)"
        case .invalidArgument(let m): "invalid argument: \(m)"
        case .tooLarge(let m): "too large: \(m)"
        }
    }
}
