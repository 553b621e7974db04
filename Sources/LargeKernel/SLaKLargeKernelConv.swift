import GlobalConv

/// SLaK's large kernel (its `ReparamLargeKernelConv`): with `Decom=True` (the released models) a K×K
/// depthwise kernel replaced by a K×N and an N×K strip plus, when `N < K`, an N×N square; with a falsy
/// `Decom` RepLKNet's K×K + N×N pair (``ReparamLargeKernelConv``). Its forms:
///
/// - **Unmerged**: `y = BN₁(conv_K×N(x)) + BN₂(conv_N×K(x)) + BN_s(conv_N×N(x))`, each depthwise without
///   bias and zero-padded by `(kh//2, kw//2)` of its own kernel (51×5 pads 25 and 2), summed in that
///   order. Keys `LoRA1.conv.weight [C,1,K,N]`, `LoRA1.bn.*`, `LoRA2.conv.weight [C,1,N,K]`, `LoRA2.bn.*`,
///   `small_conv.conv.weight [C,1,N,N]`, `small_conv.bn.*`.
/// - **Unmerged without BatchNorm** (`bn=False`): the same three convs summed, each bias-free and with no
///   BN (keys `….conv.weight` only).
/// - **Undecomposed** (falsy `Decom`): `lkb_origin` K×K and `small_conv` N×N (N < K), each with its BN or,
///   with `bn=False`, without (``ReparamLargeKernelConv``'s unmerged forms).
/// - **Merged** (`lkb_reparam.{weight,bias}`): one K×K kernel with bias, padded by `K//2`.
///
/// Merge: fuse each BN, centre-pad every branch to K×K (the strips along their short axis by
/// `K//2 − N//2`), add in branch order; biases add. Exact everywhere when K and N have the same parity
/// (both odd as in the paper, or both even: then every branch yields an (H+1)×(W+1) output and the
/// centres `K/2`, `N/2` still coincide). With mixed parity the branches' outputs differ in size by one,
/// the unmerged block cannot be summed and the centres are half a tap apart, so construction throws.
/// A value type, `Sendable`.
public struct SLaKLargeKernelConv<Scalar: TensorScalar>: Sendable, Equatable {
    /// The two forms of the block.
    public enum Form: Sendable, Equatable {
        /// `LoRA1` (K×N), `LoRA2` (N×K), optional `small_conv` (N×N, only when N < K).
        case unmerged(loRA1: ConvBN<Scalar>, loRA2: ConvBN<Scalar>, smallConv: ConvBN<Scalar>?)
        /// The same branches without BatchNorms (`bn=False`): bias-free convs.
        case unmergedWithoutBN(loRA1: DepthwiseKernel<Scalar>, loRA2: DepthwiseKernel<Scalar>, smallConv: DepthwiseKernel<Scalar>?)
        /// A falsy `Decom`: the K×K `lkb_origin` and N×N `small_conv` of RepLKNet's block.
        case undecomposed(ReparamLargeKernelConv<Scalar>)
        /// `lkb_reparam`: one dense K×K kernel with bias.
        case merged(lkbReparam: DepthwiseKernel<Scalar>)
    }

    /// Which form this value holds.
    public let form: Form

    /// The unmerged block.
    /// - Throws: ``LargeKernelError`` when `LoRA1` is not K×N and `LoRA2` N×K with `1 ≤ N ≤ K`, `small_conv`
    ///   is not N×N, present although `N = K`, a branch is dilated, channels differ, or K and N differ in
    ///   parity (``LargeKernelError/notExactlyMergeable(_:)``).
    public init(loRA1: ConvBN<Scalar>, loRA2: ConvBN<Scalar>, smallConv: ConvBN<Scalar>?) throws(LargeKernelError) {
        try Self.checkBranches(loRA1.kernel, loRA2.kernel, smallConv?.kernel)
        form = .unmerged(loRA1: loRA1, loRA2: loRA2, smallConv: smallConv)
    }

    /// The unmerged block of a SLaK built with `bn=False`: the three bias-free convs, summed.
    /// - Throws: ``LargeKernelError`` as ``init(loRA1:loRA2:smallConv:)``.
    public init(loRA1WithoutBN loRA1: DepthwiseKernel<Scalar>, loRA2: DepthwiseKernel<Scalar>,
                smallConv: DepthwiseKernel<Scalar>?) throws(LargeKernelError) {
        try Self.checkBranches(loRA1, loRA2, smallConv)
        form = .unmergedWithoutBN(loRA1: loRA1, loRA2: loRA2, smallConv: smallConv)
    }

    /// A SLaK block built with a falsy `Decom`: RepLKNet's K×K + N×N pair (with or without BatchNorms).
    public init(undecomposed: ReparamLargeKernelConv<Scalar>) {
        form = .undecomposed(undecomposed)
    }

    /// The decomposed branches' shapes: `LoRA1` K×N, `LoRA2` N×K with `N ≤ K`, `small_conv` N×N only when
    /// `N < K`, none dilated, equal channels, K and N of equal parity.
    private static func checkBranches(_ loRA1: DepthwiseKernel<Scalar>, _ loRA2: DepthwiseKernel<Scalar>,
                                      _ smallConv: DepthwiseKernel<Scalar>?) throws(LargeKernelError) {
        let (s1, s2) = (loRA1.size, loRA2.size)
        let (k, n) = (s1.height, s1.width)
        guard s2 == Size2D(height: n, width: k), n <= k else {
            throw .shapeMismatch("LoRA1 must be K×N and LoRA2 N×K with N ≤ K, got \(s1) and \(s2)")
        }
        guard loRA1.isDense, loRA2.isDense, smallConv?.isDense ?? true else {
            throw .invalidArgument("SLaK branches are not dilated")
        }
        guard loRA2.channels == loRA1.channels, (smallConv?.channels ?? loRA1.channels) == loRA1.channels else {
            throw .shapeMismatch("SLaK branches differ in channel count")
        }
        if let small = smallConv {
            guard n < k else { throw .invalidArgument("small_conv exists only when N < K; here N = K = \(k)") }
            guard small.size == Size2D(n) else {
                throw .shapeMismatch("small_conv must be N×N = \(n)×\(n), got \(small.size)")
            }
        }
        guard (k - n) % 2 == 0 else {
            throw .notExactlyMergeable(
                "SLaK sizes K = \(k) and N = \(n) differ in parity: padded by (kh//2, kw//2) the K×N branch gives an "
                + "output \(k % 2 == 0 ? "one row taller" : "one column wider") than the map along one axis and the N×K "
                + "branch along the other, so the branches cannot be summed and their centres (K//2, N//2) are half a "
                + "tap apart; use K and N both odd (as SLaK does) or both even")
        }
    }

    /// The unmerged block from `state_dict` tensors (`LoRA1.*`, `LoRA2.*`, optional `small_conv.*`).
    /// - Throws: ``LargeKernelError`` for inconsistent shapes (see ``init(loRA1:loRA2:smallConv:)``).
    public init(loRA1Weight: Tensor<Scalar>, loRA1BN: BatchNormParameters<Scalar>,
                loRA2Weight: Tensor<Scalar>, loRA2BN: BatchNormParameters<Scalar>,
                smallConvWeight: Tensor<Scalar>?, smallConvBN: BatchNormParameters<Scalar>?) throws(LargeKernelError) {
        guard (smallConvWeight == nil) == (smallConvBN == nil) else {
            throw .invalidArgument("small_conv needs both its conv weight and its BatchNorm, or neither")
        }
        let small: ConvBN<Scalar>?
        if let w = smallConvWeight, let bn = smallConvBN { small = try ConvBN(weight: w, bn: bn) } else { small = nil }
        try self.init(loRA1: ConvBN(weight: loRA1Weight, bn: loRA1BN), loRA2: ConvBN(weight: loRA2Weight, bn: loRA2BN),
                      smallConv: small)
    }

    /// The merged block from `lkb_reparam.weight` `[C,1,K,K]` and `lkb_reparam.bias` `[C]`.
    /// - Throws: ``LargeKernelError`` for inconsistent shapes.
    public init(lkbReparamWeight: Tensor<Scalar>, lkbReparamBias: Tensor<Scalar>) throws(LargeKernelError) {
        form = .merged(lkbReparam: try DepthwiseKernel(weight: lkbReparamWeight, bias: lkbReparamBias))
    }

    private init(form: Form) { self.form = form }

    /// Number of channels `C`.
    public var channels: Int {
        switch form {
        case .unmerged(let a, _, _): a.channels
        case .unmergedWithoutBN(let a, _, _): a.channels
        case .undecomposed(let r): r.channels
        case .merged(let k): k.channels
        }
    }

    /// The merged K×K kernel and bias (for the merged form, its own kernel).
    public func equivalentKernel() -> DepthwiseKernel<Scalar> {
        switch form {
        case .merged(let k): return k
        case .unmerged(let a, let b, let s):
            // Shapes, channels and parity were checked at construction.
            return try! DepthwiseKernel.parallelMerge([a.fused(), b.fused()] + (s.map { [$0.fused()] } ?? []))
        case .unmergedWithoutBN(let a, let b, let s):
            return try! DepthwiseKernel.parallelMerge([a, b] + (s.map { [$0] } ?? []))
        case .undecomposed(let r): return r.equivalentKernel()
        }
    }

    /// The re-parameterised block: the merged form with ``equivalentKernel()``.
    public func merged() -> SLaKLargeKernelConv { SLaKLargeKernelConv(form: .merged(lkbReparam: equivalentKernel())) }

    /// The block's forward on `x` (`[N, C, H, W]`), each conv along `path`.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        switch form {
        case .merged(let k):
            return try k.forward(x, path: path, options: options)
        case .unmerged(let a, let b, let s):
            return try forwardSum(of: [a, b, s].compactMap { $0 }, x, path: path, options: options) {
                $0 == 1 ? "SLaK LoRA1 + LoRA2" : "SLaK small_conv"
            }
        case .unmergedWithoutBN(let a, let b, let s):
            return try forwardSum(of: [a, b, s].compactMap { $0 }, x, path: path, options: options) {
                $0 == 1 ? "SLaK LoRA1 + LoRA2" : "SLaK small_conv"
            }
        case .undecomposed(let r):
            return try r.forward(x, path: path, options: options)
        }
    }
}
