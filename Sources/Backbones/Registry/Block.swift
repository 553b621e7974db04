import GlobalConv

/// A backbone block with loaded weights: PyTorch's eval-mode forward of one module.
///
/// Every block is built from its `config` (the keys of Docs/blocks.md, official defaults) and a state_dict
/// keyed by the official names (Docs/blocks.md), loaded strictly. `forward` runs every spatial (depthwise)
/// convolution through the GlobalConv engine on `path`; 1×1 convolutions run on the engine's fused 1×1
/// kernel (Float) or OpenBLAS (Double), on `options.threads` threads. Blocks are immutable values, safe to call from many tasks.
public protocol Block<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar

    /// The block id (Docs/blocks.md), e.g. `van.block`.
    static var id: String { get }

    /// Builds the block from a parsed config and a state_dict.
    /// - Throws: ``BackboneError/config(block:message:)`` for a bad config,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError)

    /// The eval-mode forward pass on an NCHW input.
    /// - Throws: ``BackboneError/input(block:message:)`` for an input the block cannot take.
    func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar>
}

extension Block {
    /// Builds the block from `config` JSON text (`{}` or empty: all defaults) and a state_dict.
    public init(configJSON: String, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: BlockConfig(block: Self.id, json: configJSON), stateDict: stateDict)
    }

    /// `forward` on the `.auto` path with default options.
    public func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                               options: ExecutionOptions = .default) throws(BackboneError) -> Tensor<Scalar> {
        try forward(x, path: path, options: options)
    }
}

/// Checks that `x` is NCHW with `channels` channels and a non-empty map. An empty batch (`N = 0`) is
/// accepted: every block then returns an empty output of the right shape, as PyTorch does; a map with
/// no rows or columns stays an error.
func checkInput<S: TensorScalar>(_ x: Tensor<S>, channels: Int, block: String) throws(BackboneError) {
    guard x.rank == 4 else { throw .input(block: block, message: "expected an NCHW tensor, got shape \(x.shape)") }
    guard x.shape[1] == channels else {
        throw .input(block: block, message: "expected \(channels) channels, got \(x.shape[1]) (shape \(x.shape))")
    }
    guard x.shape[2] >= 1, x.shape[3] >= 1 else {
        throw .input(block: block, message: "expected a map of at least 1×1 (an empty batch is fine, an empty map is not), got shape \(x.shape)")
    }
}

/// Loads with a ``StateDictLoader`` through `body` and throws its combined error, if any.
func loadStrictly<S: TensorScalar, T>(
    _ stateDict: consuming [String: Tensor<S>], block: String, _ body: (StateDictScope<S>) throws(BackboneError) -> T
) throws(BackboneError) -> T {
    let loader = StateDictLoader(consume stateDict, block: block)
    let value = try body(loader.root)
    do { try loader.finish() } catch { throw .stateDict(error) }
    return value
}
