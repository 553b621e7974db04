import GlobalConv

/// `gfnet.block`: GFNet's `Block(dim, h, w)` on tokens `t = x` viewed as `[N, H·W, C]`:
/// `t + MLP(LN2(Filter(LN1(t))))` (one residual around both), `MLP = fc2(GELU(fc1(·)))` with
/// `fc1` `Linear(C, ⌊C·mlp_ratio⌋)`; LN over C with `layer_norm_eps` (1e-6).
///
/// Computed in NCHW throughout (a token's channels are a pixel's channels, so LN is
/// ``LayerNormChannelsLast`` and the MLP is per-pixel GEMMs; no transpose is needed). The filter
/// `irfft2(rfft2(t, ortho) ⊙ W, s=(H,W), ortho)` is the circular convolution with the spatial kernel
/// ``GlobalFilterKernel`` computes once per map width (DC/Nyquist columns projected to their
/// Hermitian part), run by the engine as a circular depthwise correlation with the flipped kernel:
/// `.direct` sums `H·W` taps per output, `.fft` is one periodic `H × W` transform per channel.
/// Keys `norm1.*`, `filter.complex_weight [h, w, C, 2]`, `norm2.*`, `mlp.fc1.*`, `mlp.fc2.*`.
/// Config `dim`, `h` (14), `w` (8), `mlp_ratio` (4), `layer_norm_eps` (1e-6); the input must be
/// `h × W` with `W/2 + 1 = w`. Computes in `Scalar` (a Float64 block stays Float64).
public struct GFNetBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "gfnet.block" }
    public let dim: Int, h: Int, w: Int, hidden: Int
    let norm1: LayerNormChannelsLast<Scalar>, norm2: LayerNormChannelsLast<Scalar>
    let fc1: PointwiseConvolution<Scalar>, fc2: PointwiseConvolution<Scalar>
    /// The filter per admissible map width (`2w − 2` and `2w − 1`, those with `W/2 + 1 = w`).
    let filters: [Int: GlobalFilter2D<Scalar>]
    public let complexWeight: Tensor<Scalar>
    /// GFNet-H's `BlockLayerScale` `gamma [C]` multiplying the residual branch; `nil` for the plain block.
    let gamma: Tensor<Scalar>?

    /// Builds the block from a JSON config (``GFNetBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: GFNetBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``GFNetBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: GFNetBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim")
        try check.atLeast(config.h, "h")
        try check.atLeast(config.w, "w")
        try check.finite(config.mlpRatio, "mlp_ratio")
        try check.finite(config.layerNormEps, "layer_norm_eps")
        let (dim, h, w, ratio, eps) = (config.dim, config.h, config.w, config.mlpRatio, config.layerNormEps)
        let hidden = BlockConfig.truncatedProduct(dim, ratio)
        guard hidden >= 1 else { throw .config(block: Self.id, message: "int(dim·mlp_ratio) must be ≥ 1, got \(hidden)") }
        guard eps >= 0 else { throw .config(block: Self.id, message: "\"layer_norm_eps\" must be ≥ 0, got \(eps)") }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in
            try Self(s, dim: dim, h: h, w: w, hidden: hidden, eps: Scalar(eps))
        }
    }

    /// Loads the block's tensors under `scope` (a model's `blocks.{j}.`); the caller's loader reports
    /// missing, unexpected and mis-shaped keys. Builds the filters for both map widths with `W/2 + 1 = w`.
    /// With `layerScale` it is GFNet-H's `BlockLayerScale`: `t + gamma ⊙ MLP(LN2(Filter(LN1(t))))`, key `gamma [C]`.
    init(_ s: StateDictScope<Scalar>, dim: Int, h: Int, w: Int, hidden: Int, eps: Scalar, layerScale: Bool = false) throws(BackboneError) {
        (self.dim, self.h, self.w, self.hidden) = (dim, h, w, hidden)
        gamma = layerScale ? try s.take("gamma", [dim]) : nil
        norm1 = try LayerNormChannelsLast(s.scope("norm1"), channels: dim, eps: eps)
        norm2 = try LayerNormChannelsLast(s.scope("norm2"), channels: dim, eps: eps)
        fc1 = try PointwiseConvolution(s.scope("mlp.fc1"), in: dim, out: hidden, linear: true)
        fc2 = try PointwiseConvolution(s.scope("mlp.fc2"), in: hidden, out: dim, linear: true)
        complexWeight = try s.take("filter.complex_weight", [h, w, dim, 2])
        var filters: [Int: GlobalFilter2D<Scalar>] = [:]
        // A failing load (a key missing or mis-shaped: zero placeholders) never yields a block: no filters.
        for width in Set([2 * w - 2, 2 * w - 1]) where width >= 1 && width / 2 + 1 == w && !s.loadWillFail {
            do { filters[width] = try GlobalFilter2D(complexWeight: complexWeight, height: h, width: width) }
            catch { throw .convolution(error) }
        }
        self.filters = filters
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: dim, block: Self.id)
        guard x.shape[2] == h, let filter = filters[x.shape[3]] else {
            throw .input(block: Self.id, message: "the filter is built for h = \(h), w = \(w) (an \(h) × \(2 * w - 2) or \(h) × \(2 * w - 1) map), got \(x.shape[2]) × \(x.shape[3])")
        }
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let filtered: Tensor<Scalar>
        do { filtered = try filter(norm1(x, threads: options.threads), path: path, options: options) } catch { throw .convolution(error) }
        return PointwiseConvolution.chain(filtered, input: .layerNorm(norm2.normalization),
                                          fc1, hidden: PointwiseEpilogue(activation: .gelu),
                                          fc2, epilogue: PointwiseEpilogue(residual: x, residualScale: gamma?.scalars), threads: options.threads)
    }
}
