import Testing
import GlobalConv
import LargeKernel
import Verification

/// The large-kernel types loaded from the PyTorch fixtures in `Fixtures/` (official `state_dict` names,
/// Docs/fixtures.md) and run on both paths: the output must match PyTorch's within twice the
/// rounding bound of one evaluation (ours and PyTorch's each within it of the exact value).
@Suite("PyTorch fixtures")
struct PyTorchFixtureTests {
    /// `Fixtures/` at the package root (``FixturesDirectory``).
    static let directory: String = FixturesDirectory.path

    static func open(_ stem: String, _ precision: Precision) throws -> SafetensorsFile {
        try SafetensorsFile(atPath: "\(directory)/\(stem).\(precision.rawValue).safetensors")
    }

    static func bn<S: TensorScalar>(_ f: SafetensorsFile, _ prefix: String) throws -> BatchNormParameters<S> {
        try BatchNormParameters(weight: f.tensor("\(prefix).weight"), bias: f.tensor("\(prefix).bias"),
                                runningMean: f.tensor("\(prefix).running_mean"),
                                runningVar: f.tensor("\(prefix).running_var"), eps: 1e-5)
    }

    /// Checks `actual` against the fixture output with the doubled bound, returning the relative error.
    static func expectMatches<S: TensorScalar>(_ actual: Tensor<S>, _ f: SafetensorsFile, path: ConvolutionPath,
                                               terms: Int, magnitude: [Double], convs: Int, kernel: Int,
                                               _ what: String) throws {
        let expected: Tensor<S> = try f.tensor("output")
        #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)")
        let (h, w) = (expected.shape[2], expected.shape[3])
        let bound = errorBound(S.self, path: path, terms: terms, magnitude: magnitude,
                               transformSize: (h + kernel - 1) * (w + kernel - 1), convs: convs).map { 2 * $0 }
        let r = worstRatio(actual, expected.scalars.map { Double($0) }, bound: bound)
        #expect(r.ratio <= 1, "\(what) on \(path): \(r)")
        if S.self == Double.self { #expect(r.relative <= 1e-12, "\(what) on \(path): relative \(r.relative)") }
    }

    /// ``expectMatches(_:_:path:terms:magnitude:convs:kernel:_:)`` for a re-parameterisable block: its unmerged
    /// and `merged()` outputs against fixture `f` (`stem`), and, when given, the output of the block loaded
    /// from the merged fixture (`stem-merged`) against that file.
    static func expectForms<S: TensorScalar>(_ stem: String, unmerged: Tensor<S>, merged: Tensor<S>, _ f: SafetensorsFile,
                                             loaded: (output: Tensor<S>, file: SafetensorsFile)? = nil,
                                             path: ConvolutionPath, terms: Int, magnitude: [Double], convs: Int,
                                             kernel: Int) throws {
        try expectMatches(unmerged, f, path: path, terms: terms, magnitude: magnitude, convs: convs, kernel: kernel,
                          "\(stem) unmerged")
        try expectMatches(merged, f, path: path, terms: terms, magnitude: magnitude, convs: convs, kernel: kernel,
                          "\(stem) merged by us")
        if let loaded {
            try expectMatches(loaded.output, loaded.file, path: path, terms: terms, magnitude: magnitude, convs: convs,
                              kernel: kernel, "\(stem)-merged fixture")
        }
    }

    @Test("replknet.large_kernel: unmerged, merged by us, and the merged fixture match PyTorch",
          arguments: Precision.allCases, bothPaths)
    func replknet(precision: Precision, path: ConvolutionPath) throws {
        switch precision {
        case .float32: try replknet(Float.self, precision, path)
        case .float64: try replknet(Double.self, precision, path)
        }
    }

    func replknet<S: TensorScalar>(_: S.Type, _ precision: Precision, _ path: ConvolutionPath) throws {
        let f = try Self.open("replknet.large_kernel", precision)
        let block = try ReparamLargeKernelConv<S>(
            lkbOriginWeight: f.tensor("lkb_origin.conv.weight"), lkbOriginBN: Self.bn(f, "lkb_origin.bn"),
            smallConvWeight: f.tensor("small_conv.conv.weight"), smallConvBN: Self.bn(f, "small_conv.bn"))
        let x: Tensor<S> = try f.tensor("input")
        guard case .unmerged(let l, let s?) = block.form else { Issue.record("unmerged expected"); return }
        let mag = oracleSum(x, [OracleBranch(weight: l.kernel.weight, padding: Size2D(15), bn: l.bn),
                                OracleBranch(weight: s.kernel.weight, padding: Size2D(2), bn: s.bn)]).magnitude
        let m = try Self.open("replknet.large_kernel-merged", precision)
        let loaded = try ReparamLargeKernelConv<S>(lkbReparamWeight: m.tensor("lkb_reparam.weight"),
                                                   lkbReparamBias: m.tensor("lkb_reparam.bias"))
        try Self.expectForms("replknet.large_kernel", unmerged: block.forward(x, path: path),
                             merged: block.merged().forward(x, path: path), f, loaded: (loaded.forward(x, path: path), m),
                             path: path, terms: 31 * 31 + 10, magnitude: mag, convs: 2, kernel: 31)
    }

    @Test("slak.large_kernel (51×5 ∥ 5×51 ∥ 5×5): unmerged and merged by us match PyTorch",
          arguments: Precision.allCases, bothPaths)
    func slak(precision: Precision, path: ConvolutionPath) throws {
        switch precision {
        case .float32: try slak(Float.self, precision, path)
        case .float64: try slak(Double.self, precision, path)
        }
    }

    func slak<S: TensorScalar>(_: S.Type, _ precision: Precision, _ path: ConvolutionPath) throws {
        let f = try Self.open("slak.large_kernel", precision)
        let block = try SLaKLargeKernelConv<S>(
            loRA1Weight: f.tensor("LoRA1.conv.weight"), loRA1BN: Self.bn(f, "LoRA1.bn"),
            loRA2Weight: f.tensor("LoRA2.conv.weight"), loRA2BN: Self.bn(f, "LoRA2.bn"),
            smallConvWeight: f.tensor("small_conv.conv.weight"), smallConvBN: Self.bn(f, "small_conv.bn"))
        let x: Tensor<S> = try f.tensor("input")
        guard case .unmerged(let a, let b, let s?) = block.form else { Issue.record("unmerged expected"); return }
        let mag = oracleSum(x, [OracleBranch(weight: a.kernel.weight, padding: Size2D(height: 25, width: 2), bn: a.bn),
                                OracleBranch(weight: b.kernel.weight, padding: Size2D(height: 2, width: 25), bn: b.bn),
                                OracleBranch(weight: s.kernel.weight, padding: Size2D(2), bn: s.bn)]).magnitude
        try Self.expectForms("slak.large_kernel", unmerged: block.forward(x, path: path),
                             merged: block.merged().forward(x, path: path), f,
                             path: path, terms: 51 * 51 + 12, magnitude: mag, convs: 3, kernel: 51)
    }

    @Test("unireplknet.dilated_reparam (K=13 and K=9): unmerged, merged by us, and the merged fixtures match PyTorch",
          arguments: Precision.allCases, bothPaths)
    func unireplknet(precision: Precision, path: ConvolutionPath) throws {
        switch precision {
        case .float32: try unireplknet(Float.self, precision, path)
        case .float64: try unireplknet(Double.self, precision, path)
        }
    }

    func unireplknet<S: TensorScalar>(_: S.Type, _ precision: Precision, _ path: ConvolutionPath) throws {
        for (stem, k) in [("unireplknet.dilated_reparam", 13), ("unireplknet.dilated_reparam-k9", 9)] {
            let f = try Self.open(stem, precision)
            let table = try DilatedReparamBlock<S>.branchTable(kernelSize: k)
            let block = try DilatedReparamBlock<S>(
                kernelSize: k, lkOriginWeight: f.tensor("lk_origin.weight"), originBN: Self.bn(f, "origin_bn"),
                branchWeights: table.map { b throws(SafetensorsError) in try f.tensor("\(b.convKey).weight") },
                branchBNs: table.map { b throws in try Self.bn(f, b.bnKey) })
            let x: Tensor<S> = try f.tensor("input")
            guard case .unmerged(let o, let branches) = block.form else { Issue.record("unmerged expected"); return }
            var oracle = [OracleBranch(weight: o.kernel.weight, padding: Size2D(k / 2), bn: o.bn)]
            for (b, conv) in zip(table, branches) {
                oracle.append(OracleBranch(weight: conv.kernel.weight, dilation: Size2D(b.dilation),
                                           padding: Size2D(b.extent / 2), bn: conv.bn))
            }
            let mag = oracleSum(x, oracle).magnitude
            let terms = k * k + 4 * (table.count + 1)
            let m = try Self.open(stem + "-merged", precision)
            let loaded = try DilatedReparamBlock<S>(mergedWeight: m.tensor("lk_origin.weight"), mergedBias: m.tensor("lk_origin.bias"))
            try Self.expectForms(stem, unmerged: block.forward(x, path: path), merged: block.merged().forward(x, path: path), f,
                                 loaded: (loaded.forward(x, path: path), m),
                                 path: path, terms: terms, magnitude: mag, convs: table.count + 1, kernel: k)
        }
    }

    @Test("van.lka (K=21, d=3) matches PyTorch", arguments: Precision.allCases, bothPaths)
    func lka(precision: Precision, path: ConvolutionPath) throws {
        switch precision {
        case .float32: try lka(Float.self, precision, path)
        case .float64: try lka(Double.self, precision, path)
        }
    }

    func lka<S: TensorScalar>(_: S.Type, _ precision: Precision, _ path: ConvolutionPath) throws {
        let f = try Self.open("van.lka", precision)
        let module = try LargeKernelAttention<S>(
            decomposition: .van, conv0Weight: f.tensor("conv0.weight"), conv0Bias: f.tensor("conv0.bias"),
            convSpatialWeight: f.tensor("conv_spatial.weight"), convSpatialBias: f.tensor("conv_spatial.bias"),
            conv1Weight: f.tensor("conv1.weight"), conv1Bias: f.tensor("conv1.bias"))
        let x: Tensor<S> = try f.tensor("input")
        let oracle = LargeKernelAttentionTests.oracle(x, module)
        try Self.expectMatches(try module.forward(x, path: path), f, path: path, terms: 25 + 49 + 8 + 4,
                               magnitude: oracle.magnitude, convs: 2, kernel: 23, "van.lka")
    }
}
