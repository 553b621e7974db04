import Testing
@testable import GlobalConv
import Verification

@Suite("Depthwise convolution")
struct DepthwiseConvolutionTests {
    static let matrix = DepthwiseCase.matrix(count: 240, seed: 0x5EED_D1AC)

    @Test("the random matrix covers every awkward geometry at least ten times")
    func matrixCoverage() {
        let m = Self.matrix
        func count(_ p: (DepthwiseCase) -> Bool) -> Int { m.filter(p).count }
        let dilated = { (c: DepthwiseCase) in
            Size2D(height: c.dilation.height * (c.kernel.height - 1) + 1, width: c.dilation.width * (c.kernel.width - 1) + 1)
        }
        #expect(count { dilated($0).height > $0.map.height || dilated($0).width > $0.map.width } >= 10, "kernel larger than the map")
        #expect(count { $0.kernel.height % 2 == 0 || $0.kernel.width % 2 == 0 } >= 10, "even kernel")
        #expect(count { $0.kernel.height != $0.kernel.width } >= 10, "rectangular kernel")
        #expect(count { $0.dilation.height > 1 || $0.dilation.width > 1 } >= 10, "dilation")
        #expect(count { $0.mode == .zeros } >= 10, "zeros")
        #expect(count { $0.mode == .circular } >= 10, "circular")
        #expect(count { $0.mode == .circular && ($0.padding.height > 2 * $0.map.height || $0.padding.width > 2 * $0.map.width) } >= 10,
                "circular padding wrapping more than twice")
        #expect(count { $0.map.height == 1 || $0.map.width == 1 } >= 10, "H or W of 1")
        #expect(count { $0.map.width >= 16 } >= 10, "maps wide enough for two 8-lane tiles")
        // The direct kernels' narrow-map vectors: a quarter vector for outputs 4–7 wide (AVX-512 Float) and
        // 2–3 wide (AVX-512 Double, AVX2 Float), below the half vector's width.
        func outputWidth(_ c: DepthwiseCase) -> Int {
            c.map.width + 2 * c.padding.width - dilated(c).width + 1
        }
        #expect(count { (4..<8).contains(outputWidth($0)) } >= 10, "outputs 4 to 7 wide")
        #expect(count { (2..<4).contains(outputWidth($0)) } >= 10, "outputs 2 or 3 wide")
        #expect(count { $0.batch > 1 } >= 10, "batch > 1")
        #expect(count { $0.hasBias } >= 10 && count { !$0.hasBias } >= 10, "with and without bias")
        #expect(count { $0.threads > 1 } >= 10, "several threads")
    }

    @Test("every path matches the Float64 definition on 240 random configurations",
          arguments: Precision.allCases, ConvolutionPath.allCases)
    func randomMatrix(precision: Precision, path: ConvolutionPath) throws {
        switch precision {
        case .float32: try checkMatrix(Float.self, path: path)
        case .float64: try checkMatrix(Double.self, path: path)
        }
    }

    private func checkMatrix<S: TensorScalar>(_: S.Type, path: ConvolutionPath) throws {
        for c in Self.matrix {
            let g = try c.geometry
            let (x, w, b) = c.tensors(S.self)
            let conv = try DepthwiseConvolution2D(weight: w, bias: b, geometry: g)
            let y = try conv(x, path: path, options: ExecutionOptions(threads: c.threads))
            let ref = Reference.depthwise2D(input: x, weight: w, bias: b, geometry: g)
            try #require(y.shape == ref.shape, "\(c)")
            let k = g.dilatedKernel
            let tol = PathTolerance(path: path, terms: c.kernel.height * c.kernel.width,
                                    transformSize: (c.map.height + k.height) * (c.map.width + k.width) * 4,
                                    magnitude: ref.magnitude)
            let worst = tol.worst(y, reference: ref.output)
            #expect(worst.ratio <= 1, "\(c): output \(worst.index) off by \(worst.ratio)× its bound")
        }
    }

    @Test("every compiled direct kernel this CPU runs matches the definition on the random matrix",
          arguments: Precision.allCases, DirectKernel2D.Variant.supported)
    func directVariants(precision: Precision, variant: DirectKernel2D.Variant) throws {
        switch precision {
        case .float32: try checkVariant(Float.self, variant)
        case .float64: try checkVariant(Double.self, variant)
        }
    }

    private func checkVariant<S: TensorScalar>(_: S.Type, _ variant: DirectKernel2D.Variant) throws {
        for c in Self.matrix {
            let g = try c.geometry
            let (x, w, b) = c.tensors(S.self)
            let conv = try DepthwiseConvolution2D(weight: w, bias: b, geometry: g)
            let y = conv.direct(x, outputShape: try conv.outputShape(for: x.shape), threads: c.threads, variant: variant)
            let ref = Reference.depthwise2D(input: x, weight: w, bias: b, geometry: g)
            let worst = PathTolerance(path: .direct, terms: c.kernel.height * c.kernel.width, transformSize: 0,
                                      magnitude: ref.magnitude).worst(y, reference: ref.output)
            #expect(y.shape == ref.shape && worst.ratio <= 1, "\(variant) \(c): output \(worst.index) off by \(worst.ratio)× its bound")
        }
    }

    @Test("dilation-1 kernels 2 to 16 columns wide (the row-reuse AVX-512 kernel on an aligned source) match the definition",
          arguments: DirectKernel2D.Variant.supported, [(3, 3), (5, 5), (7, 2), (2, 16), (13, 13), (17, 9), (1, 11)])
    func rowReuse(variant: DirectKernel2D.Variant, kernel: (Int, Int)) throws {
        // Heights below 4, of 7 (an overlapping 4-row tile) and multiples of 8; widths with masked tails.
        for map in [(2, 5), (7, 37), (19, 16), (56, 56)] {
            for mode in PaddingMode.allCases {
                for padding in [Size2D(height: kernel.0 / 2, width: kernel.1 / 2), Size2D(0), Size2D(height: kernel.0 / 2 + 1, width: 1)] {
                    let c = DepthwiseCase(batch: 1, channels: 2, map: Size2D(height: map.0, width: map.1),
                                          kernel: Size2D(height: kernel.0, width: kernel.1), dilation: Size2D(1), padding: padding,
                                          mode: mode, hasBias: true, threads: 2, seed: 33)
                    guard let g = try? c.geometry, (try? g.outputSize(for: c.map)) != nil else { continue }
                    try directMatchesDefinition(c, variant: variant)
                }
            }
        }
    }

    @Test("dilated kernels with a row-reuse kernel (VAN's 7×7 dilation 3, MogaNet's 5×5 dilation 2) and their neighbours match the definition",
          arguments: DirectKernel2D.Variant.supported, [(7, 3), (5, 2), (7, 2), (5, 3), (3, 2)])
    func dilatedRowReuse(variant: DirectKernel2D.Variant, kernel: (size: Int, dilation: Int)) throws {
        // Heights with fewer rows than the dilation, one or two rows per residue class, overlapping 4-row tiles
        // and whole 8-row tiles per class (56 rows: 19, 19, 18); widths with masked tails; a rectangular
        // dilation (its own kernel only when both directions match); square kernels (their height a constant
        // in the kernel) and a shorter one (the height a loop bound).
        for map in [(2, 5), (7, 37), (19, 16), (56, 56), (14, 14)] {
            for padding in [Size2D(kernel.dilation * (kernel.size - 1) / 2), Size2D(0), Size2D(height: 1, width: kernel.dilation)] {
                for dilation in [Size2D(kernel.dilation), Size2D(height: 1, width: kernel.dilation)] {
                    for height in [kernel.size, 2] {
                        let c = DepthwiseCase(batch: 1, channels: 2, map: Size2D(height: map.0, width: map.1),
                                              kernel: Size2D(height: height, width: kernel.size), dilation: dilation, padding: padding,
                                              mode: .zeros, hasBias: true, threads: 2, seed: 35)
                        guard let g = try? c.geometry, (try? g.outputSize(for: c.map)) != nil else { continue }
                        try directMatchesDefinition(c, variant: variant)
                    }
                }
            }
        }
    }

    @Test("kernels wider than the map (the wide-kernel AVX-512 kernel: RepLKNet's 27×27 on 14×14) match the definition",
          arguments: DirectKernel2D.Variant.supported)
    func wideKernels(variant: DirectKernel2D.Variant) throws {
        // (map, kernel, padding): square and rectangular (those with the data no larger than the kernel both
        // ways take the wide kernel — RepLKNet's 29×29 on 28×28 just so — the others are its neighbours), a map of one column, tiles of 14 rows and a remainder
        // (18 and 17 rows, the latter with rows the kernel reaches only in part; 28 rows: two whole tiles, each
        // with live rows that start at its first row or end at its last, the kernel's two straight runs),
        // output blocks of 16 columns with masked tails, padding that leaves the kernel partly outside.
        let cases: [((Int, Int), (Int, Int), (Int, Int))] = [
            ((14, 14), (27, 27), (13, 13)), ((7, 7), (13, 13), (6, 6)), ((5, 9), (31, 31), (15, 15)),
            ((14, 20), (5, 51), (2, 25)), ((9, 1), (3, 17), (1, 8)), ((11, 12), (19, 23), (9, 11)), ((3, 4), (5, 33), (1, 15)),
            ((18, 10), (31, 31), (15, 15)), ((17, 6), (27, 11), (13, 5)), ((28, 12), (43, 43), (21, 21)), ((28, 28), (29, 29), (14, 14)),
        ]
        for (map, kernel, padding) in cases {
            let c = DepthwiseCase(batch: 2, channels: 3, map: Size2D(height: map.0, width: map.1),
                                  kernel: Size2D(height: kernel.0, width: kernel.1), dilation: Size2D(1),
                                  padding: Size2D(height: padding.0, width: padding.1), mode: .zeros, hasBias: true, threads: 2, seed: 41)
            let (conv, y) = try directMatchesDefinition(c, variant: variant)
            var x = c.tensors(Float.self).input
            // An infinite sample reaches exactly the outputs it is a tap of (as PyTorch: no other output sees it).
            x[0, 0, map.0 - 1, map.1 - 1] = .infinity
            let z = conv.direct(x, outputShape: try conv.outputShape(for: x.shape), threads: 2, variant: variant)
            let (oh, ow) = (z.shape[2], z.shape[3])
            for i in 0..<oh { for j in 0..<ow {
                let (u, v) = (map.0 - 1 + padding.0 - i, map.1 - 1 + padding.1 - j)  // the tap that reads the sample
                let reads = u >= 0 && u < kernel.0 && v >= 0 && v < kernel.1
                #expect(z[0, 0, i, j].isFinite == !reads, "\(variant) \(c): output (\(i), \(j))")
                #expect(z[0, 1, i, j] == y[0, 1, i, j] && z[1, 0, i, j] == y[1, 0, i, j], "\(variant) \(c): other planes")
            } }
        }
    }

    /// Runs case `c` (Float) on the direct path with `variant` on two threads, expects it within the direct
    /// path's bound of the Float64 definition, and returns the convolution and its output.
    @discardableResult
    private func directMatchesDefinition(_ c: DepthwiseCase, variant: DirectKernel2D.Variant) throws
        -> (conv: DepthwiseConvolution2D<Float>, output: Tensor<Float>) {
        let g = try c.geometry
        let (x, w, b) = c.tensors(Float.self)
        let conv = try DepthwiseConvolution2D(weight: w, bias: b, geometry: g)
        let y = conv.direct(x, outputShape: try conv.outputShape(for: x.shape), threads: 2, variant: variant)
        let ref = Reference.depthwise2D(input: x, weight: w, bias: b, geometry: g)
        let worst = PathTolerance(path: .direct, terms: c.kernel.height * c.kernel.width, transformSize: 0, magnitude: ref.magnitude)
            .worst(y, reference: ref.output)
        #expect(y.shape == ref.shape && worst.ratio <= 1, "\(variant) \(c): output \(worst.index) off by \(worst.ratio)× its bound")
        return (conv, y)
    }

    @Test("a 56×56 map with kernels 3 to 31 matches the definition on several threads",
          arguments: Precision.allCases, [3, 8, 31])
    func typicalSizes(precision: Precision, k: Int) throws {
        switch precision {
        case .float32: try checkTypical(Float.self, k: k)
        case .float64: try checkTypical(Double.self, k: k)
        }
    }

    private func checkTypical<S: TensorScalar>(_: S.Type, k: Int) throws {
        for mode in PaddingMode.allCases {
            let c = DepthwiseCase(batch: 1, channels: 3, map: Size2D(56), kernel: Size2D(k), dilation: Size2D(1),
                                  padding: Size2D(k / 2), mode: mode, hasBias: true, threads: 2, seed: UInt64(k))
            let g = try c.geometry
            let (x, w, b) = c.tensors(S.self)
            let y = try DepthwiseConvolution2D(weight: w, bias: b, geometry: g)(x, path: .direct, options: ExecutionOptions(threads: 2))
            let ref = Reference.depthwise2D(input: x, weight: w, bias: b, geometry: g)
            let worst = PathTolerance(path: .direct, terms: k * k, transformSize: 0, magnitude: ref.magnitude)
                .worst(y, reference: ref.output)
            #expect(y.shape == ref.shape && worst.ratio <= 1, "\(c): output \(worst.index) off by \(worst.ratio)× its bound")
        }
    }

    @Test("the direct path gives bit-identical results for any thread count", arguments: Precision.allCases)
    func threadCountInvariance(precision: Precision) throws {
        let c = DepthwiseCase(batch: 3, channels: 5, map: Size2D(height: 13, width: 19), kernel: Size2D(height: 5, width: 4),
                              dilation: Size2D(height: 1, width: 2), padding: Size2D(height: 2, width: 3), mode: .zeros,
                              hasBias: true, threads: 1, seed: 11)
        func run<S: TensorScalar>(_: S.Type) throws -> [Bool] {
            let (x, w, b) = c.tensors(S.self)
            let conv = try DepthwiseConvolution2D(weight: w, bias: b, geometry: try c.geometry)
            let one = try conv(x, path: .direct, options: ExecutionOptions(threads: 1))
            return try [2, 3, 7, 64].map { t in try conv(x, path: .direct, options: ExecutionOptions(threads: t)) == one }
        }
        let same = precision == .float32 ? try run(Float.self) : try run(Double.self)
        #expect(same.allSatisfy { $0 })
    }

    @Test("a NaN or an Inf in the input reaches exactly the outputs whose footprint holds it",
          arguments: Precision.allCases, PaddingMode.allCases)
    func nonFiniteFootprint(precision: Precision, mode: PaddingMode) throws {
        let cases = [
            (Size2D(9, 12), Size2D(3), Size2D(1), Size2D(1)),
            (Size2D(9, 12), Size2D(height: 4, width: 6), Size2D(height: 2, width: 1), Size2D(height: 3, width: 5)),
            (Size2D(5, 6), Size2D(9), Size2D(1), Size2D(height: 7, width: 8)),     // kernel larger than the map
            (Size2D(3, 2), Size2D(3), Size2D(2), Size2D(height: 7, width: 9)),     // padding wrapping several times
        ]
        for (k, (map, kernel, dilation, padding)) in cases.enumerated() {
            let c = DepthwiseCase(batch: 2, channels: 2, map: map, kernel: kernel, dilation: dilation, padding: padding,
                                  mode: mode, hasBias: true, threads: 2, seed: 100 + UInt64(k))
            switch precision {
            case .float32: try checkNonFinite(Float.self, c)
            case .float64: try checkNonFinite(Double.self, c)
            }
        }
    }

    private func checkNonFinite<S: TensorScalar>(_: S.Type, _ c: DepthwiseCase) throws {
        let g = try c.geometry
        var (x, w, b) = c.tensors(S.self)
        x[0, 1, c.map.height / 2, c.map.width / 3] = .nan
        x[1, 0, c.map.height - 1, c.map.width - 1] = .infinity
        x[1, 1, 0, 0] = -.infinity
        let y = try DepthwiseConvolution2D(weight: w, bias: b, geometry: g)(x, path: .direct, options: ExecutionOptions(threads: 2))
        let ref = Reference.depthwise2D(input: x, weight: w, bias: b, geometry: g)
        let classes = y.scalars.map { Self.classify(Double($0)) }
        #expect(classes == ref.output.map(Self.classify), "\(c)")
        #expect(classes.contains("nan") && classes.contains("finite"), "\(c): the test must see both kinds")
        // The finite outputs keep the direct bound.
        let tol = PathTolerance(path: .direct, terms: c.kernel.height * c.kernel.width, transformSize: 0,
                                magnitude: ref.magnitude)
        for i in 0..<y.count where ref.output[i].isFinite {
            #expect(abs(Double(y.scalars[i]) - ref.output[i]) <= tol.bound(S.self, at: i), "\(c): output \(i)")
        }
    }

    private static func classify(_ v: Double) -> String {
        v.isNaN ? "nan" : v == .infinity ? "+inf" : v == -.infinity ? "-inf" : "finite"
    }
}

extension Size2D {
    init(_ height: Int, _ width: Int) { self.init(height: height, width: width) }
}
