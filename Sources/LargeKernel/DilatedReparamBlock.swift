import GlobalConv

/// UniRepLKNet's `DilatedReparamBlock(channels, kernel_size)`: a K×K depthwise kernel plus parallel
/// dilated small kernels, in either of two forms.
///
/// - **Unmerged**: `y = origin_bn(lk_origin(x)) + Σ_(k,r) dil_bn_k{k}_{r}(dil_conv_k{k}_{r}(x))`, summed in
///   table order; `lk_origin` is K×K padded by `K//2`, each `dil_conv_k{k}_{r}` is k×k with dilation r
///   padded by `⌊(r·(k−1)+1)/2⌋`; no conv has a bias. The (k, r) tables are ``branchTable(kernelSize:)``.
/// - **Merged**: `lk_origin.{weight,bias}`, one K×K kernel with bias, padded by `K//2`.
///
/// Merge (the official `merge_dilated_branches`): fuse each BN, turn each dilated kernel into its dense
/// `(k−1)·r+1` form by zero insertion, centre-pad it by `K//2 − ((k−1)·r+1)//2`, add it to the fused large
/// kernel, and add the biases, branch by branch in table order. Exact everywhere: every branch has an
/// odd extent ≤ K and reads the same zero-padded input with the same centre. A value type, `Sendable`.
public struct DilatedReparamBlock<Scalar: TensorScalar>: Sendable, Equatable {
    /// One dilated branch of the table: a k×k kernel with dilation r.
    public struct Branch: Hashable, Sendable {
        /// Taps per axis, `k`.
        public let kernelSize: Int
        /// Dilation `r`.
        public let dilation: Int
        /// `r·(k − 1) + 1`.
        public var extent: Int { dilation * (kernelSize - 1) + 1 }
        /// The conv's `state_dict` prefix, `dil_conv_k{k}_{r}` (its key is `….weight`).
        public var convKey: String { "dil_conv_k\(kernelSize)_\(dilation)" }
        /// The BatchNorm's `state_dict` prefix, `dil_bn_k{k}_{r}` (keys `….weight`, `….bias`, `….running_*`).
        public var bnKey: String { "dil_bn_k\(kernelSize)_\(dilation)" }
    }

    /// The official branch tables: K=5: k=(3,3), r=(1,2); K=7: (5,3,3), (1,2,3); K=9: (5,5,3,3), (1,2,3,4);
    /// K=11: (5,5,3,3,3), (1,2,3,4,5); K=13: (5,7,3,3,3), (1,2,3,4,5); K=15: (5,7,3,3,3), (1,2,3,5,7);
    /// K=17: (5,9,3,3,3), (1,2,4,5,7).
    /// - Throws: ``LargeKernelError/invalidArgument(_:)`` for any other K (the official block raises too).
    public static func branchTable(kernelSize: Int) throws(LargeKernelError) -> [Branch] {
        let table: ([Int], [Int])
        switch kernelSize {
        case 17: table = ([5, 9, 3, 3, 3], [1, 2, 4, 5, 7])
        case 15: table = ([5, 7, 3, 3, 3], [1, 2, 3, 5, 7])
        case 13: table = ([5, 7, 3, 3, 3], [1, 2, 3, 4, 5])
        case 11: table = ([5, 5, 3, 3, 3], [1, 2, 3, 4, 5])
        case 9: table = ([5, 5, 3, 3], [1, 2, 3, 4])
        case 7: table = ([5, 3, 3], [1, 2, 3])
        case 5: table = ([3, 3], [1, 2])
        default:
            throw .invalidArgument("DilatedReparamBlock has tables for kernel sizes 5, 7, 9, 11, 13, 15, 17, not \(kernelSize)")
        }
        return zip(table.0, table.1).map { Branch(kernelSize: $0, dilation: $1) }
    }

    /// The two forms of the block.
    public enum Form: Sendable, Equatable {
        /// `lk_origin` + `origin_bn`, and one conv + BN per table entry (in table order).
        case unmerged(lkOrigin: ConvBN<Scalar>, branches: [ConvBN<Scalar>])
        /// `lk_origin` with its bias: the merged K×K kernel.
        case merged(lkOrigin: DepthwiseKernel<Scalar>)
    }

    /// `K`.
    public let kernelSize: Int
    /// Which form this value holds.
    public let form: Form

    /// The unmerged block.
    /// - Parameters:
    ///   - lkOriginWeight: `lk_origin.weight`, `[C,1,K,K]`.
    ///   - originBN: `origin_bn.*`.
    ///   - branchWeights: `dil_conv_k{k}_{r}.weight` `[C,1,k,k]`, one per ``branchTable(kernelSize:)`` entry, in order.
    ///   - branchBNs: `dil_bn_k{k}_{r}.*`, likewise.
    /// - Throws: ``LargeKernelError`` for a K without a table, a wrong number of branches or wrong shapes.
    public init(kernelSize: Int, lkOriginWeight: Tensor<Scalar>, originBN: BatchNormParameters<Scalar>,
                branchWeights: [Tensor<Scalar>], branchBNs: [BatchNormParameters<Scalar>]) throws(LargeKernelError) {
        let table = try Self.branchTable(kernelSize: kernelSize)
        guard branchWeights.count == table.count, branchBNs.count == table.count else {
            throw .shapeMismatch("K = \(kernelSize) has \(table.count) dilated branches, got \(branchWeights.count) weights "
                                 + "and \(branchBNs.count) BatchNorms")
        }
        let origin = try ConvBN(weight: lkOriginWeight, bn: originBN)
        guard origin.kernel.size == Size2D(kernelSize) else {
            throw .shapeMismatch("lk_origin.weight must be [C,1,\(kernelSize),\(kernelSize)], got \(lkOriginWeight.shape)")
        }
        var branches: [ConvBN<Scalar>] = []
        for (i, b) in table.enumerated() {
            let conv = try ConvBN(weight: branchWeights[i], dilation: Size2D(b.dilation), bn: branchBNs[i])
            guard conv.kernel.size == Size2D(b.kernelSize), conv.channels == origin.channels else {
                throw .shapeMismatch("\(b.convKey).weight must be [\(origin.channels),1,\(b.kernelSize),\(b.kernelSize)], "
                                     + "got \(branchWeights[i].shape)")
            }
            branches.append(conv)
        }
        self.kernelSize = kernelSize
        form = .unmerged(lkOrigin: origin, branches: branches)
    }

    /// The merged block from `lk_origin.weight` `[C,1,K,K]` and `lk_origin.bias` `[C]`.
    /// - Throws: ``LargeKernelError`` for inconsistent shapes or a non-square kernel.
    public init(mergedWeight: Tensor<Scalar>, mergedBias: Tensor<Scalar>) throws(LargeKernelError) {
        let k = try DepthwiseKernel(weight: mergedWeight, bias: mergedBias)
        guard k.size.height == k.size.width else { throw .shapeMismatch("lk_origin must be square, got \(mergedWeight.shape)") }
        kernelSize = k.size.height
        form = .merged(lkOrigin: k)
    }

    private init(kernelSize: Int, form: Form) {
        self.kernelSize = kernelSize
        self.form = form
    }

    /// Number of channels `C`.
    public var channels: Int {
        switch form {
        case .unmerged(let o, _): o.channels
        case .merged(let k): k.channels
        }
    }

    /// The merged K×K kernel and bias (for the merged form, its own kernel).
    public func equivalentKernel() -> DepthwiseKernel<Scalar> {
        switch form {
        case .merged(let k): return k
        case .unmerged(let o, let branches):
            // Every extent is odd and ≤ K, channels match: checked at construction.
            return try! DepthwiseKernel.parallelMerge([o.fused()] + branches.map { $0.fused() })
        }
    }

    /// The re-parameterised block (`merge_dilated_branches()`): the merged form.
    public func merged() -> DilatedReparamBlock {
        DilatedReparamBlock(kernelSize: kernelSize, form: .merged(lkOrigin: equivalentKernel()))
    }

    /// The block's forward on `x` (`[N, C, H, W]`), each conv along `path`.
    /// - Throws: ``LargeKernelError`` when `x` does not fit.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                        options: ExecutionOptions = .default) throws(LargeKernelError) -> Tensor<Scalar> {
        switch form {
        case .merged(let k):
            return try k.forward(x, path: path, options: options)
        case .unmerged(let o, let branches):
            return try forwardSum(of: [o] + branches, x, path: path, options: options) { _ in
                "DilatedReparamBlock branches"
            }
        }
    }
}
