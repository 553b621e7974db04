import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("RepLKNet ReparamLargeKernelConv")
struct ReparamLargeKernelConvTests: PrecisionChecked {
    /// (K, small kernel) pairs: RepLKNet's 31/5 and 13/5, and a 7/3.
    static let sizes: [(large: Int, small: Int)] = [(31, 5), (13, 5), (7, 3)]

    static func block<S: TensorScalar>(_: S.Type, large: Int, small: Int, channels: Int = 2, seed: UInt64)
        throws -> ReparamLargeKernelConv<S> {
        try ReparamLargeKernelConv(
            lkbOriginWeight: Fixture.weight(channels: channels, large, large, seed: seed),
            lkbOriginBN: Fixture.bn(channels: channels, seed: seed + 1),
            smallConvWeight: Fixture.weight(channels: channels, small, small, seed: seed + 2),
            smallConvBN: Fixture.bn(channels: channels, seed: seed + 3))
    }

    @Test("the merged lkb_reparam conv equals the two branches and the Float64 oracle on both paths, also on maps smaller than the kernel",
          arguments: Precision.allCases, bothPaths)
    func mergedEqualsUnmerged(precision: Precision, path: ConvolutionPath) throws {
        try check(precision, path: path)
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws {
        for (index, size) in Self.sizes.enumerated() {
            let seed = 200 + 10 * UInt64(index)
            let block = try Self.block(S.self, large: size.large, small: size.small, seed: seed)
            let merged = block.merged()
            guard case .unmerged(let lkb, let small?) = block.form, case .merged(let reparam) = merged.form else {
                Issue.record("unexpected forms")
                return
            }
            #expect(reparam.size == Size2D(size.large))
            for shape in [[1, 2, 6, 7], [2, 2, size.large + 3, size.large + 2]] {
                let x = Tensor<S>.random(shape: shape, seed: seed + 5)
                let unmergedOut = try block.forward(x, path: path)
                let mergedOut = try merged.forward(x, path: path)
                let oracle = oracleSum(x, [
                    OracleBranch(weight: lkb.kernel.weight, padding: Size2D(size.large / 2), bn: lkb.bn),
                    OracleBranch(weight: small.kernel.weight, padding: Size2D(size.small / 2), bn: small.bn),
                ])
                #expect(unmergedOut.shape == oracle.shape && mergedOut.shape == oracle.shape && oracle.shape == shape)
                let bound = errorBound(S.self, path: path, terms: size.large * size.large + 10, magnitude: oracle.magnitude,
                                       transformSize: (shape[2] + size.large - 1) * (shape[3] + size.large - 1), convs: 2)
                expectMergedMatchesUnmerged(unmerged: unmergedOut, merged: mergedOut, oracle: oracle.output, bound: bound,
                                            "K=\(size.large) \(shape)")
            }
        }
    }

    @Test("the merge is computed as get_equivalent_kernel_bias does: W_L·t_L + pad(W_s·t_s), b'_L + b'_s, bit for bit")
    func officialArithmetic() throws {
        let (k, s, c) = (13, 5, 3)
        let block = try Self.block(Float.self, large: k, small: s, channels: c, seed: 300)
        guard case .unmerged(let lkb, let small?) = block.form else { Issue.record("unmerged expected"); return }
        let merged = block.equivalentKernel()
        let off = (k - s) / 2
        for ch in 0..<c {
            func fused(_ bn: BatchNormParameters<Float>) -> (t: Float, b: Float) {
                let std = (bn.runningVar.scalars[ch] + bn.eps).squareRoot()
                return (bn.weight.scalars[ch] / std, bn.bias.scalars[ch] - bn.runningMean.scalars[ch] * bn.weight.scalars[ch] / std)
            }
            let (fl, fs) = (fused(lkb.bn), fused(small.bn))
            #expect(merged.bias.scalars[ch] == fl.b + fs.b)
            for u in 0..<k {
                for v in 0..<k {
                    var expected = lkb.kernel.weight[ch, 0, u, v] * fl.t
                    if (off..<(off + s)).contains(u) && (off..<(off + s)).contains(v) {
                        expected = expected + small.kernel.weight[ch, 0, u - off, v - off] * fs.t
                    }
                    #expect(merged.weight[ch, 0, u, v] == expected)
                }
            }
        }
    }

    @Test("a block loaded in merged form (lkb_reparam.weight, lkb_reparam.bias) runs that kernel")
    func loadMerged() throws {
        let w = Fixture.weight(Double.self, channels: 2, 7, 7, seed: 1)
        let b = Tensor<Double>.random(shape: [2], seed: 2)
        let block = try ReparamLargeKernelConv(lkbReparamWeight: w, lkbReparamBias: b)
        let x = Tensor<Double>.random(shape: [1, 2, 9, 8], seed: 3)
        let oracle = oracleSum(x, [OracleBranch(weight: w, bias: b, padding: Size2D(3))])
        let bound = errorBound(Double.self, path: .direct, terms: 49, magnitude: oracle.magnitude, transformSize: 0, convs: 0)
        #expect(worstRatio(try block.forward(x, path: .direct), oracle.output, bound: bound).ratio <= 1)
        #expect(block.merged() == block)
    }

    @Test("the BN-fused unmerged form (deep_fuse_BN: each branch a conv with bias) is the sum of its two biased convs against the Float64 oracle, and merges to one kernel",
          arguments: bothPaths)
    func batchNormFusedBranches(path: ConvolutionPath) throws {
        let (k, s) = (13, 5)
        let (wl, bl) = (Fixture.weight(Double.self, channels: 3, k, k, seed: 400), Tensor<Double>.random(shape: [3], seed: 401))
        let (ws, bs) = (Fixture.weight(Double.self, channels: 3, s, s, seed: 402), Tensor<Double>.random(shape: [3], seed: 403))
        let block = try ReparamLargeKernelConv(fusedLKBOrigin: DepthwiseKernel(weight: wl, bias: bl),
                                               smallConv: DepthwiseKernel(weight: ws, bias: bs))
        #expect(block.kernelSize == Size2D(k) && block.channels == 3)
        let merged = block.merged()
        guard case .merged = merged.form else { Issue.record("merged expected"); return }
        for shape in [[1, 3, 6, 7], [2, 3, 17, 16]] {
            let x = Tensor<Double>.random(shape: shape, seed: 404)
            let oracle = oracleSum(x, [OracleBranch(weight: wl, bias: bl, padding: Size2D(k / 2)),
                                       OracleBranch(weight: ws, bias: bs, padding: Size2D(s / 2))])
            let bound = errorBound(Double.self, path: path, terms: k * k + 10, magnitude: oracle.magnitude,
                                   transformSize: (shape[2] + k - 1) * (shape[3] + k - 1), convs: 2)
            expectMergedMatchesUnmerged(unmerged: try block.forward(x, path: path), merged: try merged.forward(x, path: path),
                                        oracle: oracle.output, bound: bound, "fused K=\(k) \(shape)")
        }
        // The official constructor's assertions hold for this form too.
        #expect(throws: LargeKernelError.self) {
            try ReparamLargeKernelConv(fusedLKBOrigin: DepthwiseKernel(weight: ws, bias: bs), smallConv: DepthwiseKernel(weight: wl, bias: bl))
        }
    }

    @Test("inconsistent branches are refused with an error: larger small kernel, parity mismatch, half a branch")
    func invalid() {
        let bn2 = Fixture.bn(Double.self, channels: 2, seed: 1)
        #expect(throws: LargeKernelError.self) {
            try ReparamLargeKernelConv(lkbOriginWeight: Fixture.weight(channels: 2, 5, 5, seed: 1), lkbOriginBN: bn2,
                                       smallConvWeight: Fixture.weight(channels: 2, 7, 7, seed: 2), smallConvBN: bn2)
        }
        #expect(throws: LargeKernelError.self) {
            try ReparamLargeKernelConv(lkbOriginWeight: Fixture.weight(channels: 2, 9, 9, seed: 1), lkbOriginBN: bn2,
                                       smallConvWeight: Fixture.weight(channels: 2, 4, 4, seed: 2), smallConvBN: bn2)
        }
        #expect(throws: LargeKernelError.self) {
            try ReparamLargeKernelConv(lkbOriginWeight: Fixture.weight(channels: 2, 9, 9, seed: 1), lkbOriginBN: bn2,
                                       smallConvWeight: Fixture.weight(channels: 2, 3, 3, seed: 2), smallConvBN: nil)
        }
        #expect(throws: LargeKernelError.self) {
            try ReparamLargeKernelConv(lkbOriginWeight: Fixture.weight(channels: 3, 9, 9, seed: 1), lkbOriginBN: bn2,
                                       smallConvWeight: nil, smallConvBN: nil)
        }
    }
}
