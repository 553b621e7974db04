import GlobalConv
import LargeKernel

/// `van.block`: VAN's `Block(dim, mlp_ratio)` in eval mode:
/// ```
/// y = BN1(x);  x = x + ls1 ⊙ (proj_2(LKA(GELU(proj_1(y)))) + y)       (inner shortcut adds BN1(x))
/// x = x + ls2 ⊙ fc2(GELU(dwconv3×3(fc1(BN2(x)))))
/// ```
/// Config `dim`, `mlp_ratio` (4), `kernel_size` (21), `dilation` (3). Keys `layer_scale_1 [C]`,
/// `layer_scale_2 [C]`, `norm1.*`, `norm2.*`, `attn.proj_1.*`, `attn.spatial_gating_unit.*`,
/// `attn.proj_2.*`, `mlp.fc1.*`, `mlp.dwconv.dwconv.*`, `mlp.fc2.*`. LKA's convs and the MLP's 3×3
/// run on the requested path.
public struct VANBlock<Scalar: TensorScalar>: Block {
    public static var id: String { "van.block" }
    public let dim: Int, hidden: Int
    let norm1: BatchNormParameters<Scalar>, norm2: BatchNormParameters<Scalar>
    let proj1: PointwiseConvolution<Scalar>, proj2: PointwiseConvolution<Scalar>
    public let lka: LargeKernelAttention<Scalar>
    let fc1: PointwiseConvolution<Scalar>, fc2: PointwiseConvolution<Scalar>
    let dwconv: DepthwiseLayer<Scalar>
    /// The MLP's `dwconv → GELU` as fc2's input stencil (single precision; the direct and auto paths — a
    /// 3×3 kernel is always direct under `.auto` — while `.fft` runs the depthwise FFT path).
    let mlpStencil: PointwiseStencil<Scalar>?
    let layerScale1: Tensor<Scalar>, layerScale2: Tensor<Scalar>

    /// Builds the block from a JSON config (``VANBlockConfig/parse(_:)``: every missing and unknown key in one error).
    public init(config: BlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: VANBlockConfig.parse(config), stateDict: stateDict)
    }

    /// Builds the block from its typed config (defaults: ``VANBlockConfig``) and a state_dict, loaded strictly.
    /// - Throws: ``BackboneError/config(block:message:)`` for values the block cannot take,
    ///   ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    public init(config: VANBlockConfig, stateDict: [String: Tensor<Scalar>]) throws(BackboneError) {
        let check = TypedConfigCheck(block: Self.id)
        try check.atLeast(config.dim, "dim")
        try check.finite(config.mlpRatio, "mlp_ratio")
        try check.atLeast(config.kernelSize, "kernel_size")
        try check.atLeast(config.dilation, "dilation")
        let (dim, ratio, k, d) = (config.dim, config.mlpRatio, config.kernelSize, config.dilation)
        let hidden = BlockConfig.truncatedProduct(dim, ratio)
        guard hidden >= 1 else { throw .config(block: Self.id, message: "int(dim·mlp_ratio) must be ≥ 1, got \(hidden)") }
        let dec: LKADecomposition
        do { dec = try LKADecomposition(kernelSize: k, dilation: d) } catch { throw .config(block: Self.id, message: "\(error)") }
        self = try loadStrictly(stateDict, block: Self.id) { (s) throws(BackboneError) in
            try Self(s, dim: dim, hidden: hidden, decomposition: dec)
        }
    }

    /// Loads the block's tensors under `scope` (a model's `block{i}.{j}.`); the caller's loader reports
    /// missing, unexpected and mis-shaped keys. LKA is built from the tensors at once (zero placeholders
    /// of missing keys build too, so the combined report is not cut short).
    init(_ s: StateDictScope<Scalar>, dim: Int, hidden: Int, decomposition dec: LKADecomposition) throws(BackboneError) {
        (self.dim, self.hidden) = (dim, hidden)
        let a = s.scope("attn"), m = s.scope("mlp")
        norm1 = try BatchNormParameters(s.scope("norm1"), channels: dim)
        norm2 = try BatchNormParameters(s.scope("norm2"), channels: dim)
        proj1 = try PointwiseConvolution(a.scope("proj_1"), in: dim, out: dim)
        proj2 = try PointwiseConvolution(a.scope("proj_2"), in: dim, out: dim)
        let t = try LKATensors(a.scope("spatial_gating_unit"), channels: dim, decomposition: dec)
        fc1 = try PointwiseConvolution(m.scope("fc1"), in: dim, out: hidden)
        fc2 = try PointwiseConvolution(m.scope("fc2"), in: hidden, out: dim)
        dwconv = try DepthwiseLayer(m.scope("dwconv.dwconv"), channels: hidden, same: 3)
        layerScale1 = try s.take("layer_scale_1", [dim])
        layerScale2 = try s.take("layer_scale_2", [dim])
        lka = try t.build()
        mlpStencil = PointwiseStencil<Scalar>.isFused ? PointwiseStencil(dwconv.conv, activation: .gelu) : nil
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        try checkInput(x, channels: dim, block: Self.id)
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output of the same shape, as PyTorch
        let threads = options.threads
        // The element-wise work runs in the 1×1 convolutions' prologues and epilogues (same op order).
        // BN1(x) is applied where it is read (proj_1's input, proj_2's added shortcut), never stored.
        let bn1 = norm1.affine
        let a = proj1(x, input: .affine(bn1), epilogue: PointwiseEpilogue(activation: .gelu), threads: threads)
        let s = try largeKernel { () throws(LargeKernelError) in try lka.spatial(a, path: path, options: options) }
        let t = lka.conv1(s, epilogue: PointwiseEpilogue(multiply: a), threads: threads)            // LKA: a ⊙ conv1(s)
        let x1 = proj2(t, epilogue: PointwiseEpilogue(add: x, addAffine: bn1, residual: x, residualScale: layerScale1.scalars),
                       threads: threads)
        TensorStoragePool.recycle(a, s, t)
        let f = fc1(x1, input: .affine(norm2.affine), epilogue: PointwiseEpilogue(), threads: threads)
        let tail = PointwiseEpilogue(residual: x1, residualScale: layerScale2.scalars)
        let out: Tensor<Scalar>
        if let stencil = mlpStencil, path != .fft {
            // The 3×3 dwconv + GELU computed while fc2 reads its input: the hidden map is never stored.
            out = fc2(f, stencil: stencil, epilogue: tail, threads: threads)
        } else {
            let h = try dwconv(f, path: path, options: options, activation: .gelu)
            out = fc2(h, epilogue: tail, threads: threads)
            TensorStoragePool.recycle(h)
        }
        TensorStoragePool.recycle(f, x1)
        return out
    }
}
