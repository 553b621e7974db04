import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("BatchNorm fusion")
struct BatchNormFusionTests: PrecisionChecked {
    /// A kernel with a non-zero conv bias (so `b − mean` matters), optionally dilated.
    static let kernels: [(kh: Int, kw: Int, dilation: Size2D)] = [(7, 7, Size2D(1)), (3, 5, Size2D(height: 2, width: 3))]

    @Test("BN after a conv equals the fused conv on both paths, on maps larger and smaller than the kernel",
          arguments: Precision.allCases, bothPaths)
    func fusedEqualsUnfused(precision: Precision, path: ConvolutionPath) throws {
        try check(precision, path: path)
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws {
        for (index, spec) in Self.kernels.enumerated() {
            let seed = UInt64(100 + 10 * index)
            let kernel = try DepthwiseKernel<S>(weight: Fixture.weight(channels: 3, spec.kh, spec.kw, seed: seed),
                                                bias: .random(shape: [3], seed: seed + 1), dilation: spec.dilation)
            let bn = Fixture.bn(S.self, channels: 3, seed: seed + 2)
            let fused = try kernel.fusingBatchNorm(bn)
            for shape in [[2, 3, 12, 11], [1, 3, 4, 3]] {
                let x = Tensor<S>.random(shape: shape, seed: seed + 3)
                let unfused = try bn.apply(kernel.forward(x, path: path))
                let merged = try fused.forward(x, path: path)
                let oracle = oracleSum(x, [OracleBranch(weight: kernel.weight, bias: kernel.bias, dilation: spec.dilation,
                                                        padding: kernel.centrePadding, bn: bn)])
                let e = kernel.extent
                let bound = errorBound(S.self, path: path, terms: spec.kh * spec.kw + 4, magnitude: oracle.magnitude,
                                       transformSize: (shape[2] + e.height - 1) * (shape[3] + e.width - 1), convs: 1)
                #expect(merged.shape == oracle.shape && unfused.shape == oracle.shape)
                expectMergedMatchesUnmerged(unmerged: unfused, merged: merged, oracle: oracle.output, bound: bound,
                                            "\(spec) on \(shape)")
            }
        }
    }

    @Test("a bias-free fusion is bit-identical to RepLKNet's fuse_bn (t = γ/std, b' = β − mean·γ/std)")
    func officialOrder() throws {
        let bn = Fixture.bn(Float.self, channels: 16, seed: 7)
        let w = Fixture.weight(Float.self, channels: 16, 3, 3, seed: 8)
        let fused = try DepthwiseKernel(weight: w).fusingBatchNorm(bn)
        for c in 0..<16 {
            let std = (bn.runningVar.scalars[c] + bn.eps).squareRoot()
            let t = bn.weight.scalars[c] / std
            #expect(fused.bias.scalars[c] == bn.bias.scalars[c] - bn.runningMean.scalars[c] * bn.weight.scalars[c] / std)
            for k in 0..<9 { #expect(fused.weight.scalars[c * 9 + k] == w.scalars[c * 9 + k] * t) }
        }
    }

    @Test("BatchNorm parameters of mismatched shapes or a non-positive variance are refused with an error")
    func invalidParameters() {
        let ones = Tensor<Double>(repeating: 1, shape: [3])
        #expect(throws: LargeKernelError.self) {
            try BatchNormParameters(weight: ones, bias: Tensor(zeros: [2]), runningMean: ones, runningVar: ones)
        }
        #expect(throws: LargeKernelError.self) {
            try BatchNormParameters(weight: ones, bias: ones, runningMean: ones, runningVar: Tensor(repeating: -1, shape: [3]))
        }
        #expect(throws: LargeKernelError.self) {
            try DepthwiseKernel(weight: Tensor<Double>(zeros: [3, 1, 3, 3])).fusingBatchNorm(.identity(channels: 4))
        }
    }

    @Test("the identity BatchNorm leaves a tensor unchanged bit for bit")
    func identity() throws {
        let x = Tensor<Double>.random(shape: [2, 3, 4, 5], seed: 9)
        #expect(try BatchNormParameters<Double>.identity(channels: 3).apply(x) == x)
    }
}
