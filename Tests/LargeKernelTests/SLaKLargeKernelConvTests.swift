import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("SLaK decomposed large kernel")
struct SLaKLargeKernelConvTests: PrecisionChecked {
    /// (K, N, with small_conv): odd sizes as in SLaK (51/5 scaled down), N = K without small_conv, and both even.
    static let cases: [(k: Int, n: Int, small: Bool)] = [(13, 3, true), (9, 9, false), (8, 4, true), (11, 5, false)]

    static func block<S: TensorScalar>(_: S.Type, k: Int, n: Int, small: Bool, seed: UInt64) throws -> SLaKLargeKernelConv<S> {
        try SLaKLargeKernelConv(
            loRA1Weight: Fixture.weight(channels: 2, k, n, seed: seed), loRA1BN: Fixture.bn(channels: 2, seed: seed + 1),
            loRA2Weight: Fixture.weight(channels: 2, n, k, seed: seed + 2), loRA2BN: Fixture.bn(channels: 2, seed: seed + 3),
            smallConvWeight: small ? Fixture.weight(channels: 2, n, n, seed: seed + 4) : nil,
            smallConvBN: small ? Fixture.bn(channels: 2, seed: seed + 5) : nil)
    }

    @Test("the merged K×K kernel equals the K×N, N×K and N×N branches and the Float64 oracle on both paths",
          arguments: Precision.allCases, bothPaths)
    func mergedEqualsUnmerged(precision: Precision, path: ConvolutionPath) throws {
        try check(precision, path: path)
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws {
        for (index, spec) in Self.cases.enumerated() {
            let seed = 400 + 10 * UInt64(index)
            let block = try Self.block(S.self, k: spec.k, n: spec.n, small: spec.small, seed: seed)
            let merged = block.merged()
            guard case .unmerged(let l1, let l2, let sm) = block.form else { Issue.record("unmerged expected"); return }
            #expect(merged.equivalentKernel().size == Size2D(spec.k))
            for shape in [[1, 2, 5, 4], [2, 2, spec.k + 4, spec.k + 1]] {
                let x = Tensor<S>.random(shape: shape, seed: seed + 7)
                var branches = [l1, l2].map {
                    OracleBranch(weight: $0.kernel.weight, padding: Size2D(height: $0.kernel.size.height / 2, width: $0.kernel.size.width / 2), bn: $0.bn)
                }
                if let sm { branches.append(OracleBranch(weight: sm.kernel.weight, padding: Size2D(spec.n / 2), bn: sm.bn)) }
                let oracle = oracleSum(x, branches)
                let unmergedOut = try block.forward(x, path: path)
                let mergedOut = try merged.forward(x, path: path)
                // Even K: every branch gives an (H+1)×(W+1) output, as in PyTorch.
                let grow = spec.k % 2 == 0 ? 1 : 0
                #expect(oracle.shape == [shape[0], 2, shape[2] + grow, shape[3] + grow])
                #expect(unmergedOut.shape == oracle.shape && mergedOut.shape == oracle.shape)
                let bound = errorBound(S.self, path: path, terms: spec.k * spec.k + 12, magnitude: oracle.magnitude,
                                       transformSize: (shape[2] + spec.k - 1) * (shape[3] + spec.k - 1), convs: 3)
                expectMergedMatchesUnmerged(unmerged: unmergedOut, merged: mergedOut, oracle: oracle.output, bound: bound,
                                            "\(spec) \(shape)")
            }
        }
    }

    @Test("K and N of different parity are refused: the branch outputs would differ in size")
    func mixedParity() {
        #expect(throws: LargeKernelError.self) { try Self.block(Double.self, k: 9, n: 4, small: true, seed: 1) }
        #expect(throws: LargeKernelError.self) { try Self.block(Double.self, k: 10, n: 3, small: false, seed: 1) }
        // The branches themselves show why: the K×N and N×K outputs do not have the same shape.
        let x = Tensor<Double>.random(shape: [1, 2, 8, 8], seed: 2)
        let a = try! DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 9, 4, seed: 3))
        let b = try! DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 4, 9, seed: 4))
        #expect(try! a.forward(x, path: .direct).shape != b.forward(x, path: .direct).shape)
    }

    @Test("malformed SLaK weights are refused with an error")
    func invalid() {
        #expect(throws: LargeKernelError.self) { try Self.block(Double.self, k: 9, n: 9, small: true, seed: 1) }
        #expect(throws: LargeKernelError.self) {
            try SLaKLargeKernelConv(
                loRA1Weight: Fixture.weight(Double.self, channels: 2, 9, 3, seed: 1), loRA1BN: Fixture.bn(channels: 2, seed: 1),
                loRA2Weight: Fixture.weight(Double.self, channels: 2, 9, 3, seed: 2), loRA2BN: Fixture.bn(channels: 2, seed: 2),
                smallConvWeight: nil, smallConvBN: nil)
        }
        #expect(throws: LargeKernelError.self) {
            try SLaKLargeKernelConv(
                loRA1Weight: Fixture.weight(Double.self, channels: 2, 9, 3, seed: 1), loRA1BN: Fixture.bn(channels: 2, seed: 1),
                loRA2Weight: Fixture.weight(Double.self, channels: 2, 3, 9, seed: 2), loRA2BN: Fixture.bn(channels: 2, seed: 2),
                smallConvWeight: Fixture.weight(Double.self, channels: 2, 5, 5, seed: 3), smallConvBN: Fixture.bn(channels: 2, seed: 3))
        }
    }
}
