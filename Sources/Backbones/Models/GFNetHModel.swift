import GlobalConv

/// `gfnet_h`: the official GFNet-H classifier (raoyongming/GFNet, `gfnet.py`, class `GFNetPyramid`).
///
/// ```
/// patch_embed.0.proj  Conv(3→C0, p×p, stride p) → token grid S0 × S0;  t ← t + pos_embed   (stage 0 only)
/// blocks.0.{j}        GFNet block with layer scale (h = S0, w = S0/2 + 1), LN eps 1e-6
/// s = 1…3  patch_embed.s.proj  Conv(C_{s−1}→C_s, 2×2, stride 2) on the S_{s−1} grid (no norm);  blocks.s.{j}
/// norm, head          LN(C3) on every token, then token mean → Linear(C3→num_classes)
/// ```
/// `S_s = [56, 28, 14, 7][s]·img_size // 224`. The input must be exactly `img_size × img_size`.
/// ``features(_:path:options:)`` returns each stage's output (tokens as NCHW maps). Keys
/// `patch_embed.0.proj.{weight [C0,3,p,p], bias}`, `pos_embed [1, S0², C0]`, `patch_embed.{s}.proj.{weight
/// [C_s,C_{s−1},2,2], bias}`, `blocks.{s}.{j}.` + gfnet.block's keys + `gamma [C]` (absent with
/// `no_layerscale`), `norm.*`, `head.*`. The global filters run on `path`.
public struct GFNetHModel<Scalar: TensorScalar>: Model {
    public static var id: String { "gfnet_h" }
    public let config: GFNetHConfig
    let embeds: [Convolution2D<Scalar>]
    let posEmbed: Tensor<Scalar>
    let stages: [[GFNetBlock<Scalar>]]
    let norm: LayerNormChannelsLast<Scalar>
    let head: Linear<Scalar>

    public static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> GFNetHConfig { try GFNetHConfig.parse(config) }

    public init(config: GFNetHConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let id = Self.id
        let dims = config.embedDim, sizes = config.sizes
        guard dims.count == 4, config.depth.count == 4, config.mlpRatio.count == 4,
              (dims + config.depth + [config.imgSize, config.patchSize, config.numClasses]).allSatisfy({ $0 >= 1 }),
              config.mlpRatio.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .config(block: id, message: "embed_dim, depth and mlp_ratio need 4 positive values, img_size, patch_size, num_classes ≥ 1; got \(config)")
        }
        // The class's stage sizes must be what the patch embedding and the 2×2/s2 DownLayers produce.
        var grid = config.imgSize / config.patchSize
        for s in 0..<4 {
            guard grid >= 1, sizes[s] == grid else {
                throw .config(block: id, message: "img_size \(config.imgSize) with patch_size \(config.patchSize) gives a \(grid)×\(grid) grid in stage \(s), "
                              + "but the class sizes its filters for \(sizes[s]) ([56, 28, 14, 7]·img_size // 224)")
            }
            grid /= 2
        }
        let hidden = (0..<4).map { BlockConfig.truncatedProduct(dims[$0], config.mlpRatio[$0]) }
        guard hidden.allSatisfy({ $0 >= 1 }) else { throw .config(block: id, message: "int(embed_dim·mlp_ratio) must be ≥ 1, got \(hidden)") }
        self.config = config
        (embeds, posEmbed, stages, norm, head) = try loadStrictly(consume stateDict, block: id) { (s) throws(BackboneError) in
            var embeds: [Convolution2D<Scalar>] = [], stages: [[GFNetBlock<Scalar>]] = []
            for i in 0..<4 {
                let p = s.scope("patch_embed.\(i).proj")
                embeds.append(i == 0 ? try Convolution2D(p, in: 3, out: dims[0], kernel: Size2D(config.patchSize), stride: Size2D(config.patchSize), padding: Size2D(0))
                                     : try Convolution2D(p, in: dims[i - 1], out: dims[i], kernel: Size2D(2), stride: Size2D(2), padding: Size2D(0)))
                var blocks: [GFNetBlock<Scalar>] = []
                for j in 0..<config.depth[i] {
                    blocks.append(try GFNetBlock(s.scope("blocks.\(i).\(j)"), dim: dims[i], h: sizes[i], w: sizes[i] / 2 + 1, hidden: hidden[i],
                                                 eps: Scalar(1e-6), layerScale: !config.noLayerscale))
                }
                stages.append(blocks)
            }
            let pos = try s.take("pos_embed", [1, sizes[0] * sizes[0], dims[0]])
            return (embeds, pos, stages, try LayerNormChannelsLast(s.scope("norm"), channels: dims[3], eps: Scalar(1e-6)),
                    try Linear(s.scope("head"), in: dims[3], out: config.numClasses))
        }
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>] {
        try checkInput(x, channels: 3, block: Self.id)
        guard x.shape[2] == config.imgSize, x.shape[3] == config.imgSize else {
            throw .input(block: Self.id, message: "the model is built for \(config.imgSize)×\(config.imgSize) images (img_size), got \(x.shape[2])×\(x.shape[3])")
        }
        var h = x
        var out: [Tensor<Scalar>] = []
        for s in 0..<4 {
            h = try embeds[s].run(h, threads: options.threads, model: Self.id, layer: "patch_embed.\(s).proj")
            if s == 0 { h.addPositionEmbedding(posEmbed) }
            for block in stages[s] { h = try block.forward(h, path: path, options: options) }
            out.append(h)
        }
        return out
    }

    public func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar> {
        do { return try head(norm(last, threads: threads).spatialMean(threads: threads), threads: threads) } catch { throw .convolution(error) }
    }
}
