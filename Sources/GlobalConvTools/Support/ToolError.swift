/// An error of the `globalconv` tools: a bad value from the command line or a file, a file that cannot
/// be read or written, or a library computation that failed. The message says what and why.
package enum ToolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A value (argument, config, file line) that is malformed or out of range; says what is allowed.
    case invalidValue(String)
    /// A file that cannot be read or written.
    case io(String)
    /// A computation that failed in a library; the library's message.
    case failed(String)

    package var description: String {
        switch self {
        case .invalidValue(let m): m
        case .io(let m): m
        case .failed(let m): m
        }
    }
}
