import GlobalConv

/// `gfnet`: the official isotropic GFNet classifier (raoyongming/GFNet, `gfnet.py`, class `GFNet`).
///
/// ```
/// patch_embed.proj  Conv(in→C, p×p, stride p), p = patch_size; tokens = the g×g map, g = img_size/p
///                   (token n = r·g + c is pixel (r, c) of the NCHW map: no transpose is needed)
/// pos_embed         t ← t + pos_embed[0, n, :]           (no class token)
/// blocks.{j}        gfnet.block(C, h = g, w = g/2 + 1, mlp_ratio, LN eps 1e-6), j < depth
/// norm, head        LN(C) on every token, then token mean → Linear(C→num_classes)   (norm before pooling)
/// ```
/// The input must be exactly `img_size × img_size` (the official patch embedding asserts it).
/// ``features(_:path:options:)`` returns one map, the last block's output (the model is isotropic).
/// Keys `patch_embed.proj.{weight [C,in,p,p], bias}`, `pos_embed [1, g², C]`, `blocks.{j}.` + gfnet.block's
/// keys, `norm.*`, `head.*`. The global filters run on `path` (`.fft`: one transform per plane; `.direct`:
/// the equivalent circular convolution).
public struct GFNetModel<Scalar: TensorScalar>: Model {
    public static var id: String { "gfnet" }
    public let config: GFNetConfig
    let embed: Convolution2D<Scalar>
    let posEmbed: Tensor<Scalar>
    let blocks: [GFNetBlock<Scalar>]
    let norm: LayerNormChannelsLast<Scalar>
    /// `nil` for `num_classes` 0 (the official `nn.Identity` head).
    let head: Linear<Scalar>?

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> GFNetConfig { try GFNetConfig.parse(config) }

    public init(config: GFNetConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        guard [config.imgSize, config.patchSize, config.embedDim, config.depth, config.inChans].allSatisfy({ $0 >= 1 }), config.numClasses >= 0,
              config.grid >= 1, config.mlpRatio.isFinite, config.mlpRatio > 0 else {
            throw .config(block: id, message: "img_size ≥ patch_size ≥ 1, embed_dim, depth, in_chans ≥ 1, num_classes ≥ 0 (0: no head) and a positive mlp_ratio needed, got \(config)")
        }
        let (c, g) = (config.embedDim, config.grid)
        let hidden = BlockConfig.truncatedProduct(c, config.mlpRatio)
        guard hidden >= 1 else { throw .config(block: id, message: "int(embed_dim·mlp_ratio) must be ≥ 1, got \(hidden)") }
        self.config = config
        (embed, posEmbed, blocks, norm, head) = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            let embed = try Convolution2D(s.scope("patch_embed.proj"), in: config.inChans, out: c, kernel: Size2D(config.patchSize),
                                          stride: Size2D(config.patchSize), padding: Size2D(0))
            let pos = try s.take("pos_embed", [1, g * g, c])
            var blocks: [GFNetBlock<Scalar>] = []
            for j in 0..<config.depth {
                blocks.append(try GFNetBlock(s.scope("blocks.\(j)"), dim: c, h: g, w: g / 2 + 1, hidden: hidden, eps: Scalar(1e-6)))
            }
            return (embed, pos, blocks, try LayerNormChannelsLast(s.scope("norm"), channels: c, eps: Scalar(1e-6)),
                    try Linear.classifier(s.scope("head"), in: c, classes: config.numClasses))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: config.inChans, block: Self.id)
        guard x.shape[2] == config.imgSize, x.shape[3] == config.imgSize else {
            throw .input(block: Self.id, message: "the model is built for \(config.imgSize)×\(config.imgSize) images (img_size), got \(x.shape[2])×\(x.shape[3])")
        }
        var h = try embed.run(x, threads: options.threads, model: Self.id, layer: "patch_embed.proj")
        h.addPositionEmbedding(posEmbed)
        for block in blocks { h = try block.forward(h, path: path, options: options) }
        return [h]
    }

    public var hasClassifier: Bool { head != nil }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        try head.classify(norm(last, threads: threads).spatialMean(threads: threads), threads: threads)
    }
}
