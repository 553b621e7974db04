import Testing
@testable import GlobalConv

/// The fused 1×1 convolutions (``PointwiseConvolution`` with ``PointwiseInput`` / ``PointwiseEpilogue``,
/// one layer or a two-layer chain) against a Float64 evaluation of the definition with a carried
/// first-order error bound (``PointwiseOracle``), on every compiled Float kernel and on the Double path.
@Suite("Fused pointwise convolution")
struct PointwiseFusionTests {
    /// A configuration: the input transform and one or two layers with their epilogues.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var cin: Int, hidden: Int, cout: Int
        var input: Int        // 0 identity, 1 affine, 2 layer norm, 3 feature decomposition
        var chained: Bool
        var bias: Bool
        /// The input read through a 3×3 depthwise stencil with GELU first (``PointwiseStencil``).
        var stencil = false
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "plain with bias", cin: 7, hidden: 0, cout: 13, input: 0, chained: false, bias: true),
        Case(name: "BN in, BN + ReLU out, residual (RepLKNet pw1/pw2)", cin: 9, hidden: 0, cout: 9, input: 1, chained: false, bias: false),
        Case(name: "SiLU, gate, add, scaled residual, no bias", cin: 5, hidden: 0, cout: 11, input: 0, chained: false, bias: false),
        Case(name: "one output channel, GELU (MogaNet decompose)", cin: 16, hidden: 0, cout: 1, input: 0, chained: false, bias: true),
        Case(name: "LN in, GELU hidden, scaled residual (ConvNeXt tail)", cin: 8, hidden: 32, cout: 8, input: 2, chained: true, bias: true),
        Case(name: "BN in, BN + GELU hidden, BN + residual (RepLKNet ConvFFN)", cin: 6, hidden: 19, cout: 6, input: 1, chained: true, bias: false),
        Case(name: "feature decomposition in, scaled residual (MogaNet fc2)", cin: 16, hidden: 0, cout: 5, input: 3, chained: false, bias: true),
        Case(name: "BN'd map added, scaled residual (VAN proj_2)", cin: 10, hidden: 0, cout: 7, input: 0, chained: false, bias: true),
        Case(name: "bias then GELU, nothing else (VAN proj_1)", cin: 9, hidden: 0, cout: 8, input: 1, chained: false, bias: true),
        Case(name: "bias then gate (LKA conv1)", cin: 8, hidden: 0, cout: 8, input: 0, chained: false, bias: true),
        Case(name: "many output channels, split into channel blocks on small maps", cin: 7, hidden: 0, cout: 61, input: 0,
             chained: false, bias: true),
        Case(name: "LN in, wide chain split into channel blocks on small maps", cin: 8, hidden: 50, cout: 37, input: 2,
             chained: true, bias: true),
        Case(name: "conv-BN-ReLU, no bias (RepLKNet pw1, stem, transitions)", cin: 9, hidden: 0, cout: 10, input: 1,
             chained: false, bias: false),
        Case(name: "conv-BN-ReLU with a bias", cin: 7, hidden: 0, cout: 8, input: 0, chained: false, bias: true),
        Case(name: "ReLU after the bias", cin: 6, hidden: 0, cout: 7, input: 0, chained: false, bias: true),
        Case(name: "ReLU alone", cin: 5, hidden: 0, cout: 9, input: 0, chained: false, bias: false),
        Case(name: "3×3 stencil + GELU in, scaled residual (VAN fc2)", cin: 12, hidden: 0, cout: 5, input: 0, chained: false,
             bias: true, stencil: true),
        Case(name: "3×3 stencil + GELU in, wide output: channel blocks reuse the packed strip", cin: 12, hidden: 0, cout: 53,
             input: 0, chained: false, bias: true, stencil: true),
        Case(name: "3×3 stencil + GELU, then feature decomposition (MogaNet fc2)", cin: 10, hidden: 0, cout: 4, input: 3,
             chained: false, bias: true, stencil: true),
    ]

    /// The tensors of one case (order-one values, seeded by the case).
    func build<S: TensorScalar>(_ c: Case, _: S.Type, batch: Int, height: Int, width: Int)
        -> (x: Tensor<S>, stencil: PointwiseStencil<S>?, input: PointwiseInput<S>,
            stages: [(conv: PointwiseConvolution<S>, epilogue: PointwiseEpilogue<S>)]) {
        var seed: UInt64 = UInt64(c.cin * 1000 + c.cout * 10 + c.input) &* 0x9E37_79B9
        func next() -> UInt64 { seed &+= 1; return seed }
        func vec(_ n: Int, _ r: ClosedRange<S> = -1...1) -> [S] { Tensor<S>.random(shape: [n], in: r, seed: next()).scalars }
        let x = Tensor<S>.random(shape: [batch, c.cin, height, width], in: -2...2, seed: next())
        let stencil: PointwiseStencil<S>? = c.stencil
            ? PointwiseStencil(try! DepthwiseConvolution2D(weight: Tensor.random(shape: [c.cin, 1, 3, 3], seed: next()),
                                                           bias: Tensor.random(shape: [c.cin], seed: next()), padding: Size2D(1)),
                               activation: .gelu)!
            : nil
        let input: PointwiseInput<S> = switch c.input {
        case 1: .affine(ChannelAffine(scale: vec(c.cin, 0.5...1.5), shift: vec(c.cin)))
        case 2: .layerNorm(ChannelLayerNorm(weight: vec(c.cin, 0.5...1.5), bias: vec(c.cin), eps: S(1e-6)))
        case 3: .decompose(weight: vec(c.cin), bias: vec(1)[0], scale: vec(c.cin))
        default: .identity
        }
        func conv(_ cout: Int, _ cin: Int) -> PointwiseConvolution<S> {
            PointwiseConvolution(weight: Tensor.random(shape: [cout, cin], seed: next()),
                                 bias: c.bias ? Tensor.random(shape: [cout], seed: next()) : nil)
        }
        let outShape = [batch, c.cout, height, width]
        let last: PointwiseEpilogue<S> = switch c.name {
        case _ where c.name.hasPrefix("BN in, BN + ReLU"):
            PointwiseEpilogue(affine: ChannelAffine(scale: vec(c.cout, 0.5...1.5), shift: vec(c.cout)), activation: .relu,
                              residual: Tensor.random(shape: outShape, seed: next()))
        case _ where c.name.hasPrefix("conv-BN-ReLU"):
            PointwiseEpilogue(affine: ChannelAffine(scale: vec(c.cout, -1.5...1.5), shift: vec(c.cout)), activation: .relu)
        case _ where c.name.hasPrefix("ReLU"): PointwiseEpilogue(activation: .relu)
        case _ where c.name.hasPrefix("SiLU"):
            PointwiseEpilogue(activation: .silu, multiply: Tensor.random(shape: outShape, seed: next()),
                              add: Tensor.random(shape: outShape, seed: next()),
                              residual: Tensor.random(shape: outShape, seed: next()), residualScale: vec(c.cout))
        case _ where c.name.hasPrefix("one output"), _ where c.name.hasPrefix("bias then GELU"): PointwiseEpilogue(activation: .gelu)
        case _ where c.name.hasPrefix("BN'd map"):
            PointwiseEpilogue(add: Tensor.random(shape: outShape, seed: next()),
                              addAffine: ChannelAffine(scale: vec(c.cout, 0.5...1.5), shift: vec(c.cout)),
                              residual: Tensor.random(shape: outShape, seed: next()), residualScale: vec(c.cout))
        case _ where c.name.hasPrefix("bias then gate"): PointwiseEpilogue(multiply: Tensor.random(shape: outShape, seed: next()))
        case _ where c.name.hasPrefix("LN in"), _ where c.name.hasPrefix("feature decomposition"), _ where c.stencil:
            PointwiseEpilogue(residual: Tensor.random(shape: outShape, seed: next()), residualScale: vec(c.cout))
        case _ where c.name.hasPrefix("BN in, BN + GELU"):
            PointwiseEpilogue(affine: ChannelAffine(scale: vec(c.cout, 0.5...1.5), shift: vec(c.cout)),
                              residual: Tensor.random(shape: outShape, seed: next()))
        default: PointwiseEpilogue()
        }
        if c.chained {
            let hidden: PointwiseEpilogue<S> = c.name.hasPrefix("BN in")
                ? PointwiseEpilogue(affine: ChannelAffine(scale: vec(c.hidden, 0.5...1.5), shift: vec(c.hidden)), activation: .gelu)
                : PointwiseEpilogue(activation: .gelu)
            return (x, stencil, input, [(conv(c.hidden, c.cin), hidden), (conv(c.cout, c.hidden), last)])
        }
        return (x, stencil, input, [(conv(c.cout, c.cin), last)])
    }

    func check<S: TensorScalar>(_ c: Case, _: S.Type, variant: PointwiseKernel.Variant, threads: Int,
                                size: (n: Int, h: Int, w: Int) = (2, 5, 27)) {
        // 5 × 27 = 135 pixels: several strips of every variant and a partial last one; batch 2.
        let (n, h, w) = size
        let (x, stencil, input, stages) = build(c, S.self, batch: n, height: h, width: w)
        let y = PointwiseConvolution.fused(x, stencil: stencil, input: input, stages: stages, threads: threads, variant: variant)
        let u = Double(S.unitRoundoff)
        var oracle = PointwiseOracle.input(x, input, u: u, from: stencil.map { PointwiseOracle.stencil(x, $0, u: u) })
        for (conv, e) in stages { oracle = oracle.layer(conv, e, batch: n, plane: h * w, u: u) }
        #expect(y.shape == [n, c.cout, h, w])
        var worst = 0.0
        for i in 0..<y.count {
            let error = abs(Double(y.scalars[i]) - oracle.value[i])
            worst = max(worst, error / max(oracle.bound[i], .leastNormalMagnitude))
        }
        #expect(worst <= 1, "\(c) \(S.self) \(variant) threads \(threads): worst error \(worst)× its bound")
    }

    @Test("every Float kernel this CPU runs matches the Float64 definition within the carried bound",
          arguments: cases, PointwiseKernel.Variant.supported)
    func floatKernels(c: Case, variant: PointwiseKernel.Variant) {
        check(c, Float.self, variant: variant, threads: 1)
        check(c, Float.self, variant: variant, threads: 3)
        // A model's late stages on two threads (``WorkSplit``): one strip (7×7) split over channel blocks,
        // 14×14 as four lone-pixel strips of 48 + 1 (AVX-512) or 12 strips and a partial one (AVX2).
        // 5×5: AVX2's second strip is 8 + 1 pixels, split over channel blocks; 6×6: four lone-pixel strips
        // of 8 + 1 (AVX2); 7×7 is AVX-512's 48 + 1 (the lone pixel's own accumulator).
        for size in [(1, 7, 7), (1, 14, 14), (1, 5, 5), (1, 6, 6)] { check(c, Float.self, variant: variant, threads: 2, size: size) }
        if c.stencil {
            // Maps narrower than a vector (a vector spans several rows, each touching the top or bottom),
            // one or two rows, a single pixel, and several 64-pixel strips with interior rows.
            // Widths that are multiples of a vector put a vector's first pixel at column 0 of row 1 and
            // its last at the end of row h − 2 (its neighbours' runs then reach the plane's ends).
            for size in [(1, 2, 7), (1, 7, 3), (2, 1, 1), (1, 1, 19), (1, 9, 70), (2, 4, 16), (1, 3, 64), (1, 5, 5)] {
                check(c, Float.self, variant: variant, threads: 2, size: size)
            }
        }
    }

    @Test("the Double path matches the Float64 definition within the carried bound", arguments: cases)
    func doublePath(c: Case) {
        check(c, Double.self, variant: .best, threads: 2)
    }

    @Test("the work split: strips alone on large maps, channel blocks of whole panels on small ones, covering every channel once")
    func workSplit() {
        func avx512(_ pixels: Int, _ m: Int, threads: Int) -> WorkSplit {  // without lone-pixel strips
            // (one strip: 7×7; 65 pixels: a strip and a narrow tail, or 48 + 17 — one worker 18 of 30)
            WorkSplit(images: 1, pixels: pixels, outputChannels: m, threads: threads, strip: 64, vector: 16, narrowTail: 8,
                      lonePixelStrip: 0)
        }
        let large = avx512(56 * 56, 384, threads: 2)
        #expect(large.channelBlocks == 1 && large.channels(ofBlock: 0) == 0..<384)
        #expect(avx512(7 * 7, 768, threads: 1).channelBlocks == 1)
        for (pixels, m, threads) in [(49, 768, 2), (65, 384, 2), (49, 61, 3), (65, 30, 2), (1, 7, 2)] {
            let split = avx512(pixels, m, threads: threads)
            let blocks = (0..<split.channelBlocks).map(split.channels(ofBlock:))
            #expect(blocks.allSatisfy { $0.lowerBound % 6 == 0 && !$0.isEmpty }, "\(blocks)")
            #expect(blocks.flatMap { Array($0) } == Array(0..<m), "\(pixels) pixels, \(m) channels: \(blocks)")
            if m >= 48 { #expect(split.channelBlocks > 1, "\(pixels) pixels, \(m) channels") }
        }
    }

    @Test("the work split takes narrower strips (49 or 48 pixels) where the kernel's leave a thread idle, and its strips cover every pixel once")
    func workSplitNarrowerStrips() {
        func split(_ pixels: Int, threads: Int, images: Int = 1, strip: Int = 64, tail: Int = 8, lone: Int = 49) -> WorkSplit {
            WorkSplit(images: images, pixels: pixels, outputChannels: 512, threads: threads, strip: strip,
                      vector: strip - lone + 1, narrowTail: tail, lonePixelStrip: lone)
        }
        // 14×14 on two AVX-512 threads: 3 strips and a tail (one worker 50 of 74) → four strips of 49, no channel blocks.
        let small = split(196, threads: 2)
        #expect(small.strip == 49 && !small.kernelStrips && small.stripsPerImage == 4 && small.channelBlocks == 1)
        // 24×24 (a 384 input's third stage): nine strips (one worker 120 of 216) → twelve of 48 (108).
        let third384 = split(576, threads: 2)
        #expect(third384.strip == 48 && third384.stripsPerImage == 12 && third384.channelBlocks == 1)
        // Kept: one thread; 28×28 and 56×56 (balanced enough already); a batch of 8; a 7×7 map (one strip either
        // way: channel blocks); three threads on 14×14 (one strip each); 12×12 (narrower strips would load
        // one worker more).
        for (pixels, threads, images) in [(196, 1, 1), (784, 2, 1), (3136, 2, 1), (196, 2, 8), (49, 2, 1), (196, 3, 1),
                                          (144, 2, 1)] {
            let s = split(pixels, threads: threads, images: images)
            #expect(s.strip == 64 && s.kernelStrips, "\(pixels) pixels, \(threads) threads, \(images) images")
        }
        #expect(split(49, threads: 2).channelBlocks > 1)
        // AVX2 (16-pixel strips, no tail, lone-pixel strip 9): 6×6 is 16 + 16 + 4 (one worker 18 of 30) → four of 9.
        let avx2 = split(36, threads: 2, strip: 16, tail: 0, lone: 9)
        #expect(avx2.strip == 9 && avx2.stripsPerImage == 4 && avx2.channelBlocks == 1)
        // Every split's strips tile the image in order (200 = 4·49 + 4: lone-pixel strips and a short last one).
        #expect(split(200, threads: 2).strip == 49 && split(200, threads: 2).stripsPerImage == 5)
        for (pixels, threads, strip, tail, lone) in [(196, 2, 64, 8, 49), (196, 1, 64, 8, 49), (200, 2, 64, 8, 49),
                                                     (100, 2, 64, 8, 49), (36, 2, 16, 0, 9), (49, 2, 64, 8, 49),
                                                     (576, 2, 64, 8, 49)] {
            let s = split(pixels, threads: threads, strip: strip, tail: tail, lone: lone)
            let ranges = (0..<s.stripsPerImage).map { s.pixels(ofStrip: $0, pixels: pixels) }
            #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == pixels, "\(pixels): \(ranges)")
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty }, "\(ranges)")
        }
    }

    @Test("the split of pixels over workers does not change a single bit", arguments: cases)
    func threadInvariance(c: Case) {
        let (x, stencil, input, stages) = build(c, Float.self, batch: 3, height: 9, width: 31)
        let one = PointwiseConvolution.fused(x, stencil: stencil, input: input, stages: stages, threads: 1, variant: .best)
        for threads in [2, 5] {
            #expect(PointwiseConvolution.fused(x, stencil: stencil, input: input, stages: stages, threads: threads, variant: .best) == one)
        }
        // Small maps on two threads split over channel blocks (a stencil is then the direct path's depthwise
        // convolution, computed once) or cut into narrower strips (lone-pixel strips: 14×14 and 10×20 on
        // AVX-512, 6×6 on AVX2; strips of 48: 24×24 on AVX-512): the same bits as one thread's whole strips.
        for variant in PointwiseKernel.Variant.supported {
            for (h, w) in [(7, 7), (14, 14), (10, 20), (6, 6), (24, 24)] {
                let (x, stencil, input, stages) = build(c, Float.self, batch: 1, height: h, width: w)
                let one = PointwiseConvolution.fused(x, stencil: stencil, input: input, stages: stages, threads: 1, variant: variant)
                #expect(PointwiseConvolution.fused(x, stencil: stencil, input: input, stages: stages, threads: 2, variant: variant) == one,
                        "\(c) \(variant) \(h)×\(w)")
            }
        }
    }

    @Test("a pixel alone in a strip's last vector (7×7 = 48 + 1) gets the same bits as inside a full vector",
          arguments: PointwiseKernel.Variant.supported)
    func lonePixel(variant: PointwiseKernel.Variant) {
        // Per-pixel work only (no stencil, no epilogue tensors), so a map is any row of its pixels.
        for c in Self.cases where !c.stencil {
            let (x, _, input, stages) = build(c, Float.self, batch: 1, height: 7, width: 7)
            guard stages.allSatisfy({ $0.epilogue.isPerChannel }) else { continue }
            let alone = PointwiseConvolution.fused(x.reshaped([1, c.cin, 1, 49]), stencil: nil, input: input, stages: stages,
                                                   threads: 1, variant: variant)
            // The same pixels and one more: the 49th pixel now shares its vector.
            var widerScalars: [Float] = []
            for ch in 0..<c.cin {
                widerScalars += x.scalars[(ch * 49)..<((ch + 1) * 49)]
                widerScalars.append(0.5)
            }
            let wider = Tensor<Float>(shape: [1, c.cin, 1, 50], scalars: widerScalars)
            let shared = PointwiseConvolution.fused(wider, stencil: nil, input: input, stages: stages, threads: 1, variant: variant)
            let m = alone.shape[1]
            for o in 0..<m { for p in 0..<49 {
                #expect(alone.scalars[o * 49 + p] == shared.scalars[o * 50 + p], "\(c) \(variant): channel \(o) pixel \(p)")
            } }
        }
    }

    @Test("a narrow tail (≤ 8 pixels, alone or after a whole strip, vectorised over channels) gets the same bits as inside a full vector",
          arguments: PointwiseKernel.Variant.supported)
    func narrowTail(variant: PointwiseKernel.Variant) {
        // Per-pixel work only, so a map is any row of its pixels; `lead` whole strips before the tail.
        for c in Self.cases where !c.stencil {
            for (lead, tail) in [(0, 1), (0, 4), (0, 8), (1, 1), (1, 4), (1, 7), (1, 8), (2, 4), (1, 9)] {
                let pixels = lead * variant.strip + tail
                let (x, _, input, stages) = build(c, Float.self, batch: 1, height: 1, width: pixels)
                guard stages.allSatisfy({ $0.epilogue.isPerChannel }) else { continue }
                let alone = PointwiseConvolution.fused(x, stencil: nil, input: input, stages: stages, threads: 1, variant: variant)
                // The same pixels, then more until the tail's pixels start a strip of a whole vector or more.
                let extra = max(0, 16 - tail)
                var widerScalars: [Float] = []
                for ch in 0..<c.cin {
                    widerScalars += x.scalars[(ch * pixels)..<((ch + 1) * pixels)]
                    widerScalars += (0..<extra).map { Float($0) / 8 - 1 }
                }
                let wider = Tensor<Float>(shape: [1, c.cin, 1, pixels + extra], scalars: widerScalars)
                let shared = PointwiseConvolution.fused(wider, stencil: nil, input: input, stages: stages, threads: 1, variant: variant)
                let m = alone.shape[1]
                for o in 0..<m { for p in 0..<pixels {
                    #expect(alone.scalars[o * pixels + p] == shared.scalars[o * (pixels + extra) + p],
                            "\(c) \(variant) \(lead) strips + \(tail): channel \(o) pixel \(p)")
                } }
            }
        }
    }

    @Test("the package entry points are the fused forward: plain call, epilogue call and chain")
    func entryPoints() {
        let c = Self.cases[4]
        let (x, _, input, stages) = build(c, Float.self, batch: 1, height: 3, width: 70)
        let fused = PointwiseConvolution.fused(x, input: input, stages: stages, threads: 2, variant: .best)
        #expect(PointwiseConvolution.chain(x, input: input, stages[0].conv, hidden: stages[0].epilogue,
                                           stages[1].conv, epilogue: stages[1].epilogue, threads: 2) == fused)
        let plain = stages[0].conv(x, threads: 2)
        #expect(plain == PointwiseConvolution.fused(x, input: .identity, stages: [(stages[0].conv, PointwiseEpilogue())],
                                                   threads: 1, variant: .best))
    }
}

@Suite("Tensor storage pool")
struct TensorStoragePoolTests {
    @Test("a recycled array comes back for the same count, and writing to it leaves a tensor still sharing it unchanged")
    func recycleIsCopyOnWrite() {
        let count = TensorStoragePool.minimumCount + 17
        let kept = Tensor<Double>.random(shape: [count], seed: 3)
        TensorStoragePool.recycle(kept)
        var taken: [Double] = TensorStoragePool.take(count)
        #expect(taken.count == count)
        taken.withUnsafeMutableBufferPointer { $0.update(repeating: 7) }
        #expect(taken.allSatisfy { $0 == 7 })
        #expect(kept == Tensor<Double>.random(shape: [count], seed: 3))
        let fresh: [Float] = TensorStoragePool.take(5)
        #expect(fresh.count == 5)
    }
}
