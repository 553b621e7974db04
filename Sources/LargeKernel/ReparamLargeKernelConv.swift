import GlobalConv

/// RepLKNet's `ReparamLargeKernelConv` (depthwise, stride 1), in one of its three forms.
///
/// - **Unmerged** (training form): `y = BN_L(conv_K×K(x)) + BN_s(conv_s×s(x))`, each conv depthwise
///   without bias and padded by its `k//2`. Keys `lkb_origin.conv.weight [C,1,K,K]`, `lkb_origin.bn.*`,
///   `small_conv.conv.weight [C,1,s,s]`, `small_conv.bn.*` (the small branch is optional).
/// - **Unmerged, BatchNorm-fused** (the official `deep_fuse_BN()` run on the training form): each branch's
///   BN folded into its conv, `y = conv'_K×K(x) + conv'_s×s(x)`, each conv with bias. Keys
///   `lkb_origin.conv.{weight,bias}`, `small_conv.conv.{weight,bias}`, no `bn.*`.
/// - **Merged** (`lkb_reparam.{weight,bias}`): one K×K depthwise conv with bias, padded by `K//2`.
///
/// The merge is the official `get_equivalent_kernel_bias`: fuse each BN (`t = γ/std`, `W' = W·t`,
/// `b' = β − mean·γ/std`), then `W = W'_L + pad(W'_s, (K − s)/2 each side)` and `b = b'_L + b'_s`, in that
/// order. It is exact at every output position (borders included) because both branches read the same
/// zero-padded input with coinciding centres. A value type, `Sendable`.
public struct ReparamLargeKernelConv<Scalar: TensorScalar>: Sendable, Equatable {
    /// The two forms of the block.
    public enum Form: Sendable, Equatable {
        /// `lkb_origin` (K×K conv + BN) and the optional `small_conv` (s×s conv + BN).
        case unmerged(lkbOrigin: ConvBN<Scalar>, smallConv: ConvBN<Scalar>?)
        /// `lkb_origin` and the optional `small_conv` as plain depthwise convs: with their BNs fused into their
        /// biases (RepLKNet's `deep_fuse_BN()`), or without BN and bias (a SLaK built with `bn=False`).
        case unmergedFused(lkbOrigin: DepthwiseKernel<Scalar>, smallConv: DepthwiseKernel<Scalar>?)
        /// `lkb_reparam`: one dense K×K kernel with bias.
        case merged(lkbReparam: DepthwiseKernel<Scalar>)
    }

    /// Which form this value holds.
    public let form: Form

    /// The unmerged block.
    /// - Throws: ``LargeKernelError`` when the branches are not dense, differ in channels, the small kernel
    ///   is larger than the large one (the official assertion), or their sizes differ in parity (their
    ///   outputs would then differ in size and could not be summed).
    public init(lkbOrigin: ConvBN<Scalar>, smallConv: ConvBN<Scalar>?) throws(LargeKernelError) {
        try Self.checkBranches(lkbOrigin.kernel, smallConv?.kernel)
        form = .unmerged(lkbOrigin: lkbOrigin, smallConv: smallConv)
    }

    /// The unmerged block after the official `deep_fuse_BN()`: `lkb_origin.conv.{weight,bias}` and
    /// optionally `small_conv.conv.{weight,bias}`, each a depthwise conv with bias.
    /// - Throws: ``LargeKernelError`` as ``init(lkbOrigin:smallConv:)``.
    public init(fusedLKBOrigin lkbOrigin: DepthwiseKernel<Scalar>, smallConv: DepthwiseKernel<Scalar>?) throws(LargeKernelError) {
        try Self.checkBranches(lkbOrigin, smallConv)
        form = .unmergedFused(lkbOrigin: lkbOrigin, smallConv: smallConv)
    }

    /// The official constructor's assertions on the two branches, and what summing them needs.
    private static func checkBranches(_ lkbOrigin: DepthwiseKernel<Scalar>, _ smallConv: DepthwiseKernel<Scalar>?) throws(LargeKernelError) {
        guard lkbOrigin.isDense else { throw .invalidArgument("lkb_origin must not be dilated") }
        guard let small = smallConv else { return }
        guard small.isDense else { throw .invalidArgument("small_conv must not be dilated") }
        guard small.channels == lkbOrigin.channels else {
            throw .shapeMismatch("lkb_origin has \(lkbOrigin.channels) channels, small_conv \(small.channels)")
        }
        let (l, s) = (lkbOrigin.size, small.size)
        guard s.height <= l.height, s.width <= l.width else {
            throw .invalidArgument("the small kernel \(s) cannot be larger than the large kernel \(l)")
        }
        try DepthwiseKernel<Scalar>.checkParity(l, s)
    }

    /// The unmerged block from `state_dict` tensors: `lkb_origin.conv.weight`, `lkb_origin.bn.*`, and
    /// optionally `small_conv.conv.weight`, `small_conv.bn.*`.
    /// - Throws: ``LargeKernelError`` for inconsistent shapes (see ``init(lkbOrigin:smallConv:)``).
    public init(lkbOriginWeight: Tensor<Scalar>, lkbOriginBN: BatchNormParameters<Scalar>,
                smallConvWeight: Tensor<Scalar>?, smallConvBN: BatchNormParameters<Scalar>?) throws(LargeKernelError) {
        guard (smallConvWeight == nil) == (smallConvBN == nil) else {
            throw .invalidArgument("small_conv needs both its conv weight and its BatchNorm, or neither")
        }
        let small: ConvBN<Scalar>?
        if let w = smallConvWeight, let bn = smallConvBN { small = try ConvBN(weight: w, bn: bn) } else { small = nil }
        try self.init(lkbOrigin: ConvBN(weight: lkbOriginWeight, bn: lkbOriginBN), smallConv: small)
    }

    /// The merged block from `lkb_reparam.weight` `[C,1,K,K]` and `lkb_reparam.bias` `[C]`.
    /// - Throws: ``LargeKernelError`` for inconsistent shapes.
    public init(lkbReparamWeight: Tensor<Scalar>, lkbReparamBias: Tensor<Scalar>) throws(LargeKernelError) {
        form = .merged(lkbReparam: try DepthwiseKernel(weight: lkbReparamWeight, bias: lkbReparamBias))
    }

    /// Number of channels `C`.
    public var channels: Int {
        switch form {
        case .unmerged(let l, _): l.channels
        case .unmergedFused(let l, _): l.channels
        case .merged(let k): k.channels
        }
    }

    /// The large kernel's size `K × K` (the output keeps the map size for odd K).
    public var kernelSize: Size2D {
        switch form {
        case .unmerged(let l, _): l.kernel.size
        case .unmergedFused(let l, _): l.size
        case .merged(let k): k.size
        }
    }

    /// The official `get_equivalent_kernel_bias()`: the `lkb_reparam` kernel and bias (for the merged
    /// form, its own kernel).
    public func equivalentKernel() -> DepthwiseKernel<Scalar> {
        switch form {
        case .merged(let k): return k
        case .unmerged(let l, let s):
            guard let s else { return l.fused() }
            // Channels and parity were checked at construction.
            return try! DepthwiseKernel.parallelMerge([l.fused(), s.fused()])
        case .unmergedFused(let l, let s):
            guard let s else { return l }
            // Channels and parity were checked at construction.
            return try! DepthwiseKernel.parallelMerge([l, s])
        }
    }

    /// The re-parameterised block (`merge_kernel()`): the merged form with ``equivalentKernel()``.
    public func merged() -> ReparamLargeKernelConv {
        ReparamLargeKernelConv(form: .merged(lkbReparam: equivalentKernel()))
    }

    private init(form: Form) { self.form = form }

    /// The block's forward on `x` (`[N, C, H, W]`), each conv along `path`: the unmerged form sums
    /// `lkb_origin(x) + small_conv(x)` (in that order; the BN-fused form each conv with its bias), the merged
    /// form runs `lkb_reparam`.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        switch form {
        case .merged(let k):
            return try k.forward(x, path: path, options: options)
        case .unmerged(let l, let s):
            return try forwardSum(of: [l, s].compactMap { $0 }, x, path: path, options: options) { _ in
                "ReparamLargeKernelConv branches"
            }
        case .unmergedFused(let l, let s):
            return try forwardSum(of: [l, s].compactMap { $0 }, x, path: path, options: options) { _ in
                "ReparamLargeKernelConv branches"
            }
        }
    }
}
