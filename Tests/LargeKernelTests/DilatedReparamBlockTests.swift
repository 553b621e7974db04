import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("UniRepLKNet DilatedReparamBlock")
struct DilatedReparamBlockTests: PrecisionChecked {
    /// The tables of `unireplknet.dilated_reparam` in Docs/blocks.md, written out here independently.
    static let tables: [Int: (k: [Int], r: [Int])] = [
        5: ([3, 3], [1, 2]), 7: ([5, 3, 3], [1, 2, 3]), 9: ([5, 5, 3, 3], [1, 2, 3, 4]),
        11: ([5, 5, 3, 3, 3], [1, 2, 3, 4, 5]), 13: ([5, 7, 3, 3, 3], [1, 2, 3, 4, 5]),
        15: ([5, 7, 3, 3, 3], [1, 2, 3, 5, 7]), 17: ([5, 9, 3, 3, 3], [1, 2, 4, 5, 7]),
    ]

    static func block<S: TensorScalar>(_: S.Type, kernelSize: Int, seed: UInt64) throws -> DilatedReparamBlock<S> {
        let table = Self.tables[kernelSize]!
        return try DilatedReparamBlock(
            kernelSize: kernelSize, lkOriginWeight: Fixture.weight(channels: 2, kernelSize, kernelSize, seed: seed),
            originBN: Fixture.bn(channels: 2, seed: seed + 1),
            branchWeights: table.k.enumerated().map { Fixture.weight(channels: 2, $1, $1, seed: seed + 10 + UInt64($0)) },
            branchBNs: table.k.indices.map { Fixture.bn(channels: 2, seed: seed + 20 + UInt64($0)) })
    }

    @Test("the branch tables and state_dict names match Docs/blocks.md", arguments: [5, 7, 9, 11, 13, 15, 17])
    func tables(kernelSize: Int) throws {
        let table = try DilatedReparamBlock<Double>.branchTable(kernelSize: kernelSize)
        let expected = Self.tables[kernelSize]!
        #expect(table.map(\.kernelSize) == expected.k && table.map(\.dilation) == expected.r)
        #expect(table.allSatisfy { $0.extent <= kernelSize && $0.extent % 2 == 1 })
        #expect(table[0].convKey == "dil_conv_k\(expected.k[0])_1" && table[0].bnKey == "dil_bn_k\(expected.k[0])_1")
    }

    @Test("the merged lk_origin equals the dilated branches and the Float64 oracle on both paths, for every table",
          arguments: Precision.allCases, bothPaths)
    func mergedEqualsUnmerged(precision: Precision, path: ConvolutionPath) throws {
        try check(precision, path: path)
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws {
        for kernelSize in Self.tables.keys.sorted() {
            let seed = 500 + UInt64(kernelSize) * 100
            let block = try Self.block(S.self, kernelSize: kernelSize, seed: seed)
            let merged = block.merged()
            guard case .unmerged(let origin, let branches) = block.form else { Issue.record("unmerged expected"); return }
            let table = Self.tables[kernelSize]!
            for shape in [[1, 2, 4, 6], [1, 2, kernelSize + 2, kernelSize + 3]] {
                let x = Tensor<S>.random(shape: shape, seed: seed + 50)
                var oracleBranches = [OracleBranch(weight: origin.kernel.weight, padding: Size2D(kernelSize / 2), bn: origin.bn)]
                for (i, b) in branches.enumerated() {
                    let (k, r) = (table.k[i], table.r[i])
                    oracleBranches.append(OracleBranch(weight: b.kernel.weight, dilation: Size2D(r),
                                                       padding: Size2D((r * (k - 1) + 1) / 2), bn: b.bn))
                }
                let oracle = oracleSum(x, oracleBranches)
                let unmergedOut = try block.forward(x, path: path)
                let mergedOut = try merged.forward(x, path: path)
                #expect(oracle.shape == shape && unmergedOut.shape == shape && mergedOut.shape == shape)
                let bound = errorBound(S.self, path: path, terms: kernelSize * kernelSize + 4 * (branches.count + 1),
                                       magnitude: oracle.magnitude,
                                       transformSize: (shape[2] + kernelSize - 1) * (shape[3] + kernelSize - 1),
                                       convs: branches.count + 1)
                expectMergedMatchesUnmerged(unmerged: unmergedOut, merged: mergedOut, oracle: oracle.output, bound: bound,
                                            "K=\(kernelSize) \(shape)")
            }
        }
    }

    @Test("a kernel size without a table, a missing branch or a mis-shaped branch is refused with an error")
    func invalid() {
        #expect(throws: LargeKernelError.self) { try DilatedReparamBlock<Double>.branchTable(kernelSize: 3) }
        #expect(throws: LargeKernelError.self) {
            try DilatedReparamBlock(kernelSize: 5, lkOriginWeight: Fixture.weight(Double.self, channels: 2, 5, 5, seed: 1),
                                    originBN: Fixture.bn(channels: 2, seed: 1),
                                    branchWeights: [Fixture.weight(channels: 2, 3, 3, seed: 2)], branchBNs: [Fixture.bn(channels: 2, seed: 2)])
        }
        #expect(throws: LargeKernelError.self) {
            try DilatedReparamBlock(kernelSize: 5, lkOriginWeight: Fixture.weight(Double.self, channels: 2, 5, 5, seed: 1),
                                    originBN: Fixture.bn(channels: 2, seed: 1),
                                    branchWeights: [Fixture.weight(channels: 2, 3, 3, seed: 2), Fixture.weight(channels: 2, 5, 5, seed: 3)],
                                    branchBNs: [Fixture.bn(channels: 2, seed: 2), Fixture.bn(channels: 2, seed: 3)])
        }
        #expect(throws: LargeKernelError.self) {
            try DilatedReparamBlock(kernelSize: 7, lkOriginWeight: Fixture.weight(Double.self, channels: 2, 5, 5, seed: 1),
                                    originBN: Fixture.bn(channels: 2, seed: 1), branchWeights: [], branchBNs: [])
        }
    }
}
