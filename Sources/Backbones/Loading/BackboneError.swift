import GlobalConv
import LargeKernel

/// Why a block could not be built or run; the message says what and where.
public enum BackboneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The state_dict does not fit the block (all problems listed).
    case stateDict(StateDictError)
    /// The config JSON is malformed, has an unknown key, a value of the wrong type or out of range.
    case config(block: String, message: String)
    /// No block has this id.
    case unknownBlock(String)
    /// No model family has this id.
    case unknownModel(String)
    /// The input does not fit the block (channels, map size a block requires).
    case input(block: String, message: String)
    /// The engine refused a convolution.
    case convolution(ConvolutionError)
    /// A LargeKernel type (RepLK, SLaK, UniRepLK, LKA, BatchNorm parameters) refused its arguments.
    case largeKernel(LargeKernelError)
    /// A fixture file is unreadable or inconsistent.
    case fixture(String)

    public var description: String {
        switch self {
        case .stateDict(let e): e.description
        case .config(let b, let m): "config of \(b): \(m)"
        case .unknownBlock(let id): "unknown block id \"\(id)\"; known ids: \(BlockRegistry.ids.joined(separator: ", "))"
        case .unknownModel(let id): "unknown model id \"\(id)\"; known ids: \(ModelRegistry.ids.joined(separator: ", "))"
        case .input(let b, let m): "input to \(b): \(m)"
        case .convolution(let e): "convolution: \(e)"
        case .largeKernel(let e): "large kernel: \(e)"
        case .fixture(let m): "fixture: \(m)"
        }
    }
}

/// Runs a LargeKernel call, turning its error into ``BackboneError/largeKernel(_:)``.
func largeKernel<T>(_ body: () throws(LargeKernelError) -> T) throws(BackboneError) -> T {
    do { return try body() } catch { throw .largeKernel(error) }
}
