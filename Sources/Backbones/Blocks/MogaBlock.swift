import GlobalConv
import LargeKernel

/// `moganet.block`: MogaNet's `MogaBlock(embed_dims, ffn_ratio)` in eval mode (BN norms):
/// ```
/// x = x + ls1 ⊙ MOGA(BN1(x));   x = x + ls2 ⊙ CAFFN(BN2(x))
/// MOGA(y):  h = proj_1(y); h = SiLU(h + σ_a ⊙ (h − mean_HW(h)))
///           return proj_2(SiLU(gate(h)) ⊙ SiLU(value(h))) + y
/// value(h): x0 = DW_conv0(h) (5×5, dil d0);  x1 = DW_conv1(x0[e0..<e0+e1]) (5×5, dil d1);
///           x2 = DW_conv2(x0[C−e2..<C]) (7×7, dil d2);  PW_conv(cat(x0[..<e0], x1, x2))
/// CAFFN(z): h = GELU(dwconv3×3(fc1(z))); h = h + σ_m ⊙ (h − GELU(decompose(h))); fc2(h)
/// ```
/// Split `e_i = int(s_i/Σs · C)` (`e0 = C − e1 − e2`) computed in Double as Python does. With
/// `attn_force_fp32` SiLU is applied twice to gate and value (as the official fp32 path does).
/// The four depthwise convolutions (DW_conv0/1/2, mlp.dwconv) run on the requested path.
public struct MogaBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "moganet.block" }
    public let dim: Int
    public let hidden: Int
    let split: (e0: Int, e1: Int, e2: Int)
    let forceFP32: Bool
    let norm1: BatchNormParameters<Scalar>, norm2: BatchNormParameters<Scalar>
    let layerScale1: Tensor<Scalar>, layerScale2: Tensor<Scalar>
    let proj1: PointwiseConvolution<Scalar>, gate: PointwiseConvolution<Scalar>, proj2: PointwiseConvolution<Scalar>
    let attnSigma: Tensor<Scalar>
    let dw0: DepthwiseLayer<Scalar>, dw1: DepthwiseLayer<Scalar>, dw2: DepthwiseLayer<Scalar>
    let pw: PointwiseConvolution<Scalar>
    let fc1: PointwiseConvolution<Scalar>, fc2: PointwiseConvolution<Scalar>
    let mlpDW: DepthwiseLayer<Scalar>
    /// `mlpDW → GELU` as fc2's input stencil (single precision, direct and auto paths; see VANBlock).
    let mlpStencil: PointwiseStencil<Scalar>?
    /// fc2's input transform `f + σ_m ⊙ (f − GELU(decompose(f)))` (keys `decompose.{weight, bias}` and
    /// `sigma.scale`), made once at load.
    let decomposition: PointwiseInput<Scalar>

    /// Builds the block from a JSON config (``MogaBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: MogaBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``MogaBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: MogaBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim")
        try check.finite(config.ffnRatio, "ffn_ratio")
        let (dim, ratio, dil, split, forceFP32) = (config.dim, config.ffnRatio, config.attnDWDilation, config.attnChannelSplit, config.attnForceFP32)
        guard dil.count == 3, dil.allSatisfy({ (1...3).contains($0) }) else {
            throw .config(block: Self.id, message: "\"attn_dw_dilation\" entries must be in 1...3 (the official assertion), got \(dil)")
        }
        guard split.count == 3, split.allSatisfy({ $0 >= 1 }) else {
            throw .config(block: Self.id, message: "\"attn_channel_split\" must hold 3 integers ≥ 1, got \(split)")
        }
        let (e0, e1, e2) = try Self.channelSplit(dim: dim, split: split, block: Self.id)
        let hidden = BlockConfig.truncatedProduct(dim, ratio)
        guard hidden >= 1 else { throw .config(block: Self.id, message: "int(dim·ffn_ratio) must be ≥ 1, got \(hidden)") }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in
            try Self(s, dim: dim, hidden: hidden, split: (e0, e1, e2), dilation: dil, forceFP32: forceFP32)
        }
    }

    /// The value branch's channel split `e1 = int(s1/Σs·C)`, `e2 = int(s2/Σs·C)`, `e0 = C − e1 − e2`
    /// (Python's float arithmetic), after the official checks (`C` divisible by `Σs`, every branch non-empty).
    static func channelSplit(dim: Int, split: [Int], block: String) throws(BackboneError) -> (Int, Int, Int) {
        let total = split.reduce(0, +)
        guard dim % total == 0 else {
            throw .config(block: block, message: "\"dim\" \(dim) must be divisible by sum(attn_channel_split) = \(total)")
        }
        let e1 = Int(Double(split[1]) / Double(total) * Double(dim))
        let e2 = Int(Double(split[2]) / Double(total) * Double(dim))
        let e0 = dim - e1 - e2
        guard e0 >= 0, e1 >= 1, e2 >= 1 else {
            throw .config(block: block, message: "channel split \(split) of \(dim) gives (\(e0), \(e1), \(e2)); each branch needs channels")
        }
        return (e0, e1, e2)
    }

    /// Loads the block's tensors under `scope` (a model's `blocks{i}.{j}.`); the caller's loader reports
    /// missing, unexpected and mis-shaped keys. `split` from ``channelSplit(dim:split:block:)``, dilations in 1…3.
    init(_ s: StateDictScope<Scalar>, dim: Int, hidden: Int, split: (Int, Int, Int), dilation dil: [Int], forceFP32: Bool) throws(BackboneError) {
        let (e0, e1, e2) = split
        self.dim = dim
        self.hidden = hidden
        self.split = (e0, e1, e2)
        self.forceFP32 = forceFP32
        let a = s.scope("attn"), v = a.scope("value"), m = s.scope("mlp")
        norm1 = try BatchNormParameters(s.scope("norm1"), channels: dim)
        norm2 = try BatchNormParameters(s.scope("norm2"), channels: dim)
        layerScale1 = try s.take("layer_scale_1", [1, dim, 1, 1])
        layerScale2 = try s.take("layer_scale_2", [1, dim, 1, 1])
        proj1 = try PointwiseConvolution(a.scope("proj_1"), in: dim, out: dim)
        gate = try PointwiseConvolution(a.scope("gate"), in: dim, out: dim)
        proj2 = try PointwiseConvolution(a.scope("proj_2"), in: dim, out: dim)
        attnSigma = try a.scope("sigma").take("scale", [1, dim, 1, 1])
        dw0 = try DepthwiseLayer(v.scope("DW_conv0"), channels: dim, same: 5, dilation: dil[0])
        dw1 = try DepthwiseLayer(v.scope("DW_conv1"), channels: e1, same: 5, dilation: dil[1])
        dw2 = try DepthwiseLayer(v.scope("DW_conv2"), channels: e2, same: 7, dilation: dil[2])
        pw = try PointwiseConvolution(v.scope("PW_conv"), in: dim, out: dim)
        fc1 = try PointwiseConvolution(m.scope("fc1"), in: dim, out: hidden)
        fc2 = try PointwiseConvolution(m.scope("fc2"), in: hidden, out: dim)
        let decompose = try PointwiseConvolution(m.scope("decompose"), in: hidden, out: 1)
        mlpDW = try DepthwiseLayer(m.scope("dwconv"), channels: hidden, same: 3)
        decomposition = .decompose(weight: decompose.weight.scalars, bias: decompose.bias?.scalars[0] ?? 0,
                                   scale: try m.scope("sigma").take("scale", [1, hidden, 1, 1]).scalars)
        mlpStencil = PointwiseStencil<Scalar>.isFused ? PointwiseStencil(mlpDW.conv, activation: .gelu) : nil
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: dim, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let t = options.threads
        // Attention branch.
        let silu = PointwiseEpilogue<Scalar>(activation: .silu)
        // Attention branch; BN2, SiLUs, the gate product's partner, residuals and layer scales run in the
        // 1×1 convolutions' prologues and epilogues (same op order as PyTorch).
        // BN1(x) is applied where it is read (proj_1's input, proj_2's added shortcut), never stored.
        let bn1 = norm1.affine
        var h = proj1(x, input: .affine(bn1), epilogue: PointwiseEpilogue(), threads: t)
        h.addScaledDifferenceFromSpatialMean(perChannel: attnSigma.scalars, then: .silu, threads: t)  // SiLU(h + σ ⊙ (h − mean_HW h))
        var g = gate(h, epilogue: silu, threads: t)
        // torch.cat([x0[:, :e0], DW1(x0[:, e0:e0+e1]), DW2(x0[:, -e2:])], dim=1): the three groups partition
        // the channels in order; DW1 and DW2 read their groups of x0 and write their outputs into cat's
        // channels in place (the depthwise convolution's channel-window call), the first group is copied.
        let x0 = try dw0(h, path: path, options: options)
        var cat = Tensor<Scalar>(shape: x0.shape, scalars: TensorStoragePool.take(x0.count))  // every channel written below
        cat.replaceChannels(startingAt: 0, with: x0, channels: 0..<split.e0, threads: t)
        try dw1(x0, channelsFrom: split.e0, into: &cat, channelsAt: split.e0, path: path, options: options)
        try dw2(x0, channelsFrom: dim - split.e2, into: &cat, channelsAt: dim - split.e2, path: path, options: options)
        let gated: Tensor<Scalar>  // SiLU(gate) ⊙ SiLU(value)
        if forceFP32 {
            var v = pw(cat, epilogue: silu, threads: t)
            Activation.silu.apply(to: &g, threads: t)
            Activation.silu.apply(to: &v, threads: t)
            g.multiply(by: v, threads: t)
            (gated, g) = (g, v)  // g keeps a storage to recycle
        } else {
            // The product in the value's epilogue: SiLU(value) ⊙ g, the same bits as g ⊙ SiLU(value).
            gated = pw(cat, epilogue: PointwiseEpilogue(activation: .silu, multiply: g), threads: t)
        }
        let x1Out = proj2(gated, epilogue: PointwiseEpilogue(add: x, addAffine: bn1, residual: x, residualScale: layerScale1.scalars),
                          threads: t)
        TensorStoragePool.recycle(h, g, x0, cat, gated)
        // Channel-aggregation FFN.
        let e = fc1(x1Out, input: .affine(norm2.affine), epilogue: PointwiseEpilogue(), threads: t)
        // fc2 reads f + σ ⊙ (f − GELU(decompose(f))), computed per pixel while its input is packed.
        let tail = PointwiseEpilogue(residual: x1Out, residualScale: layerScale2.scalars)
        let out: Tensor<Scalar>
        if let stencil = mlpStencil, path != .fft {
            // f = GELU(dwconv3×3(e)) computed in the same packing, never stored.
            out = fc2(e, stencil: stencil, input: decomposition, epilogue: tail, threads: t)
        } else {
            let f = try mlpDW(e, path: path, options: options, activation: .gelu)
            out = fc2(f, input: decomposition, epilogue: tail, threads: t)
            TensorStoragePool.recycle(f)
        }
        TensorStoragePool.recycle(e, x1Out)
        return out
    }
}
