import GlobalConv
import LargeKernel

/// UniRepLKNet's `UniRepLKNetBlock(dim C, kernel_size k)` in eval mode (a whole-model block; no block
/// fixture of its own):
/// ```
/// y = dwconv(x)         k ≥ 7: DilatedReparamBlock (unireplknet.dilated_reparam); k ∈ {3, 5}: depthwise k×k, p k/2;
///                       k = 0: y = x (the official `nn.Identity()`)
/// y = BN_norm(y)        (training form only, and not for k = 0)
/// y = y ⊙ SE(y)         SE(y) = sigmoid(up(ReLU(down(mean_HW(y))))), down 1×1 C→C/4, up 1×1 C/4→C, with biases
/// z = GELU(Linear1(y))  C → 4C per pixel, with bias
/// z = GRN(z)            G = √(Σ_HW z²) per channel;  N = G / (mean_c G + 1e-6);  z = (γ·N + 1)·z + β
/// out = x + gamma ⊙ BN_out(Linear2(z))      Linear2 4C → C without bias   (training form)
/// out = x + Linear2(z)                      Linear2 with bias, GRN without β (deploy form)
/// ```
/// Keys (training): `dwconv.*` (k ≥ 7: `lk_origin.weight`, `origin_bn.*`, `dil_conv_k{k}_{r}.weight`,
/// `dil_bn_k{k}_{r}.*`; k ∈ {3, 5}: `dwconv.weight`; k = 0: neither `dwconv.*` nor `norm.*`), `norm.*`,
/// `se.down.*`, `se.up.*`, `pwconv1.1.{weight, bias}`,
/// `act.1.gamma [1,1,1,4C]`, `act.1.beta`, `pwconv2.0.weight`, `pwconv2.2.*` (BN), `gamma [C]`. Deploy:
/// `dwconv.lk_origin.{weight, bias}` (k ≥ 7) or `dwconv.{weight, bias}`, `se.*`, `pwconv1.1.*`, `act.1.gamma`,
/// `pwconv2.0.{weight, bias}`. The depthwise convolutions run on the requested path. Immutable; thread-safe.
struct UniRepLKNetBlock<Scalar: TensorScalar>: Sendable {
    enum Mixer: Sendable {
        case dilated(DilatedReparamConvBlock<Scalar>)
        case plain(DepthwiseLayer<Scalar>)
        /// Kernel size 0: no spatial mixing (and no `norm`).
        case identity
    }
    let dim: Int
    let dwconv: Mixer
    let norm: BatchNormParameters<Scalar>?
    let seDown: PointwiseConvolution<Scalar>, seUp: PointwiseConvolution<Scalar>
    let pwconv1: PointwiseConvolution<Scalar>
    let grn: GlobalResponseNorm<Scalar>
    let pwconv2: PointwiseConvolution<Scalar>
    let outNorm: BatchNormParameters<Scalar>?
    let gamma: Tensor<Scalar>?

    /// `layerScale`: whether the block has `gamma` (training form with a positive `layer_scale_init_value`).
    /// - Throws: a config error for a kernel size other than 0, 3, 5 or one with a dilated-branch table (7…17 odd).
    init(_ s: StateDictScope<Scalar>, dim: Int, kernelSize k: Int, deploy: Bool, layerScale: Bool, model: String) throws(BackboneError) {
        self.dim = dim
        let ffn = 4 * dim
        if k >= 7 {
            dwconv = .dilated(try DilatedReparamConvBlock(s.scope("dwconv"), channels: dim, kernelSize: k, merged: deploy))
        } else if k == 3 || k == 5 {
            dwconv = .plain(try DepthwiseLayer(s.scope("dwconv"), channels: dim, same: k, bias: deploy))
        } else if k == 0 {
            dwconv = .identity
        } else {
            throw .config(block: model, message: "kernel size \(k): blocks take 0 (no mixer), 3, 5 or a dilated re-param size (7, 9, 11, 13, 15, 17), as the official assertion")
        }
        norm = deploy || k == 0 ? nil : try BatchNormParameters(s.scope("norm"), channels: dim)
        seDown = try PointwiseConvolution(s.scope("se.down"), in: dim, out: dim / 4)
        seUp = try PointwiseConvolution(s.scope("se.up"), in: dim / 4, out: dim)
        pwconv1 = try PointwiseConvolution(s.scope("pwconv1.1"), in: dim, out: ffn, linear: true)
        grn = GlobalResponseNorm(gamma: try s.take("act.1.gamma", [1, 1, 1, ffn]).scalars,
                                 beta: deploy ? nil : try s.take("act.1.beta", [1, 1, 1, ffn]).scalars)
        pwconv2 = try PointwiseConvolution(s.scope("pwconv2.0"), in: ffn, out: dim, linear: true, bias: deploy)
        outNorm = deploy ? nil : try BatchNormParameters(s.scope("pwconv2.2"), channels: dim)
        gamma = layerScale ? try s.take("gamma", [dim]) : nil
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let threads = options.threads
        var y: Tensor<Scalar>
        switch dwconv {
        case .dilated(let b): y = try b.forward(x, path: path, options: options)
        case .plain(let d): y = try d(x, path: path, options: options)
        case .identity: y = x
        }
        if let norm { y = norm(y, threads: threads) }
        // SE: a per-(image, channel) gate from the plane means.
        let squeezed = seUp(seDown(y.spatialMean(threads: threads), input: .identity,
                                   epilogue: PointwiseEpilogue(activation: .relu), threads: threads),
                            threads: threads)
        let gate = squeezed.scalars.map { 1 / (1 + Scalar.exp(-$0)) }
        // The gate (`y·g + 0` is the product, rounded once) and GRN, each a per-(image, channel) affine.
        let gated = ChannelAffine(scale: gate, shift: [Scalar](repeating: 0, count: gate.count))
        var z = GlobalResponseNorm.convolve(pwconv1, &y, after: gated, epilogue: PointwiseEpilogue(activation: .gelu), threads: threads)
        let out = GlobalResponseNorm.convolve(pwconv2, &z, after: grn.affine(z, threads: threads),
                                epilogue: PointwiseEpilogue(affine: outNorm?.affine, residual: x, residualScale: gamma?.scalars),
                                threads: threads)
        TensorStoragePool.recycle(y, z)
        return out
    }
}
