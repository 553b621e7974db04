internal import CVectorMath

extension PointwiseConvolution where Scalar == Float {
    /// The single-precision fused forward through ``PointwiseKernel`` (Float's
    /// ``TensorScalar/_pointwiseFused(_:)``). The work is a list of tiles — one pixel strip of one image ×
    /// one block of output channels — claimed by `threads` workers, each packing and multiplying its own
    /// tiles with its own scratch; every output element is written exactly once.
    ///
    /// A map is split over its strips (``WorkSplit``: the kernel's, or narrower ones where those balance the
    /// threads — a 14×14 map on two AVX-512 threads is four strips of 49, 24×24 twelve of 48). A map whose strips
    /// still leave a thread idle (a 7×7 stage: one strip) is also split over output-channel blocks, which
    /// repeats the input's packing per block; a two-layer chain on it first materialises the hidden map (the
    /// first layer as a layer of its own) so that each layer can be split. Either way each output is the same
    /// sum with the same epilogue, so the split never changes a bit. A worker given several blocks of one
    /// strip in a row packs the strip's input once (its LayerNorm is not recomputed per block); a 3×3
    /// stencil, which costs a third of a VAN stage-3 MLP, is then computed once as the direct path's
    /// depthwise convolution with its activation (the same products in the same order) and read as it is.
    /// - Precondition: checked shapes.
    static func fusedFloat(_ job: _PointwiseJob<Float>) -> Tensor<Float> {
        let (n, pixels) = (job.outShape[0], job.outShape[2] * job.outShape[3])
        func splitsChannels(outputChannels: Int) -> Bool {
            WorkSplit(images: n, pixels: pixels, outputChannels: outputChannels, threads: job.threads,
                      variant: job.variant).channelBlocks > 1
        }
        if job.stages.count == 1, let stencil = job.stencil, splitsChannels(outputChannels: job.stages[0].conv.outputChannels),
           let s = try? stencil.conv(job.x, path: .direct, options: ExecutionOptions(threads: job.threads),
                                     activation: stencil.activation) {
            return fusedFloat(_PointwiseJob(x: s, stencil: nil, input: job.input, stages: job.stages,
                                            outShape: job.outShape, threads: job.threads, variant: job.variant))
        }
        if job.stages.count == 2, splitsChannels(outputChannels: job.stages[1].conv.outputChannels) {
            let first = job.stages[0], hiddenShape = [n, first.conv.outputChannels, job.x.shape[2], job.x.shape[3]]
            let hidden = fusedFloat(_PointwiseJob(x: job.x, stencil: job.stencil, input: job.input, stages: [first],
                                                  outShape: hiddenShape, threads: job.threads, variant: job.variant))
            return fusedFloat(_PointwiseJob(x: hidden, stencil: nil, input: .identity, stages: [job.stages[1]],
                                            outShape: job.outShape, threads: job.threads, variant: job.variant))
        }
        let (x, stencil, input, stages) = (job.x, job.stencil, job.input, job.stages)
        let (outShape, threads, variant) = (job.outShape, job.threads, job.variant)
        precondition((1...2).contains(stages.count), "fusedFloat: one or two stages")
        let count = Tensor<Scalar>.elementCount(outShape)
        guard count > 0 else { return Tensor(zeros: outShape) }
        let (first, last) = (stages[0].conv, stages[stages.count - 1].conv)
        let (cin, cout) = (first.inputChannels, last.outputChannels)
        let e = stages[stages.count - 1].epilogue
        let windows = job.windows
        precondition(windows == nil || (stencil == nil && stages.count == 1), "fusedFloat: windows take one stage and no stencil")
        let imageStride = windows?.imageStride ?? cin * pixels  // floats between images of x

        // Every per-channel array in one Float buffer, addressed by offsets (−1: absent); its capacity at
        // most what the arrays below can take (input: 3·Cin, stencil: 10·Cin, each stage: 6·Cout), so it is
        // allocated once.
        var params: [Float] = []
        params.reserveCapacity(13 * cin + 6 * stages.reduce(0) { $0 + $1.conv.outputChannels })
        func put(_ a: [Float]?) -> Int {
            guard let a else { return -1 }
            defer { params += a }
            return params.count
        }
        let mode: PointwiseInputMode, inScale: Int, inShift: Int, eps: Float
        var inWeight = -1, inBias: Float = 0
        switch input {
        case .identity: (mode, inScale, inShift, eps) = (.identity, -1, -1, 0)
        case .affine(let a): (mode, inScale, inShift, eps) = (.affine, put(a.scale), put(a.shift), 0)
        case .layerNorm(let ln): (mode, inScale, inShift, eps) = (.layerNorm, put(ln.weight), put(ln.bias), Float(ln.eps))
        case .decompose(let w, let b, let s):
            (mode, inScale, inShift, eps) = (.decompose, put(s), -1, 0)
            (inWeight, inBias) = (put(w), Float(b))
        }
        let (stencilWeight, stencilBias) = (put(stencil?.weight), put(stencil?.bias))
        let offsets = stages.map { s in
            (bias: put(s.conv.bias?.scalars), scale: put(s.epilogue.affine?.scale), shift: put(s.epilogue.affine?.shift),
             residualScale: put(s.epilogue.residualScale), addScale: put(s.epilogue.addAffine?.scale),
             addShift: put(s.epilogue.addAffine?.shift))
        }
        let hidden = stages.count > 1 ? first.outputChannels : 0
        let scratchCount = PointwiseKernel.scratchCount(k: cin, hidden: hidden, variant: variant)
        let split = WorkSplit(images: n, pixels: pixels, outputChannels: cout, threads: threads, variant: variant)
        let (stripsPerImage, blocks) = (split.stripsPerImage, split.channelBlocks)

        var scalars: [Float] = TensorStoragePool.take(count)
        scalars.withUnsafeMutableBufferPointer { out in
            let y = out.baseAddress!
            floats(x.scalars) { xp in floats(params) { pp in floats(first.packed) { w0 in floats(last.packed) { w1 in
                floats(e.multiply?.scalars) { mul in floats(e.add?.scalars) { add in floats(e.residual?.scalars) { res in
                (windows?.offsets ?? []).withUnsafeBufferPointer { windowOffsets in
                    func at(_ o: Int) -> UnsafePointer<Float>? { o < 0 ? nil : pp! + o }
                    let inputDescription = PointwiseKernel.input(mode: mode, scale: at(inScale), shift: at(inShift), eps: eps,
                                                                 weight: at(inWeight), bias: inBias,
                                                                 stencil: at(stencilWeight), stencilBias: at(stencilBias),
                                                                 stencilActivation: stencil?.activation,
                                                                 map: Size2D(height: outShape[2], width: outShape[3]),
                                                                 windows: windows.map { (windowOffsets.baseAddress!, $0.rowStride) })
                    // The layers' C descriptions for image 0, built once: a tile only moves the last layer's
                    // per-pixel operands to its image. (Built per tile, they copied every stage — its weight
                    // and epilogue arrays retained and released — on both threads at once.)
                    let imageZero: [gc_pw_layer] = stages.indices.map { index in
                        let (stage, o, isLast) = (stages[index], offsets[index], index == stages.count - 1)
                        return PointwiseKernel.layer(
                            m: stage.conv.outputChannels, k: stage.conv.inputChannels,
                            packed: index == 0 ? w0! : w1!, bias: at(o.bias), scale: at(o.scale), shift: at(o.shift),
                            activation: stage.epilogue.activation,
                            multiply: isLast ? mul : nil, add: isLast ? add : nil,
                            addScale: isLast ? at(o.addScale) : nil, addShift: isLast ? at(o.addShift) : nil,
                            residual: isLast ? res : nil, residualScale: at(o.residualScale), pixels: pixels)
                    }
                    let layerCount = imageZero.count
                    // Tile t: channel block t % blocks of strip t / blocks (strips numbered image-major).
                    parallelRegion(n * stripsPerImage * blocks, threads: threads) { claims, _ in
                        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, scratchCount) * 4, alignment: 64)
                        defer { raw.deallocate() }
                        let scratch = raw.bindMemory(to: Float.self, capacity: max(1, scratchCount))
                        var packedStrip = -1  // the strip whose packed input `scratch` holds (channel blocks only)
                        withUnsafeTemporaryAllocation(of: gc_pw_layer.self, capacity: 2) { layers in
                            while let range = claims.next() {
                                var t = range.lowerBound
                                while t < range.upperBound {
                                    // Whole kernel strips of one image at once when the tiles are such strips; one
                                    // tile otherwise.
                                    let stripIndex = t / blocks, img = stripIndex / stripsPerImage
                                    let several = blocks == 1 && split.kernelStrips
                                    let next = several ? min(range.upperBound, (img + 1) * stripsPerImage) : t + 1
                                    let channels = split.channels(ofBlock: t % blocks)
                                    let first = split.pixels(ofStrip: stripIndex - img * stripsPerImage, pixels: pixels)
                                    let begin = first.lowerBound
                                    let end = several ? split.pixels(ofStrip: next - 1 - img * stripsPerImage, pixels: pixels).upperBound
                                                      : first.upperBound
                                    let outBase = img * cout * pixels
                                    for index in 0..<layerCount { layers[index] = imageZero[index] }
                                    let last = layerCount - 1
                                    layers[last].mul = layers[last].mul.map { $0 + outBase }
                                    layers[last].add = layers[last].add.map { $0 + outBase }
                                    layers[last].residual = layers[last].residual.map { $0 + outBase }
                                    PointwiseKernel.run(x: xp! + img * imageStride, pixels: pixels, input: inputDescription,
                                                        layers: UnsafePointer(layers.baseAddress!), count: layerCount,
                                                        y: y + outBase, begin: begin, end: end, outputChannels: channels,
                                                        packedReady: blocks > 1 && stripIndex == packedStrip,
                                                        scratch: scratch, variant: variant)
                                    if blocks > 1 { packedStrip = stripIndex }
                                    t = next
                                }
                            }
                        }
                    }
                } } } }
            } } } }
        }
        return Tensor(shape: outShape, scalars: scalars)
    }
}

/// Calls `body` with `array`'s storage (nil for a nil or empty array).
private func floats<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array, !array.isEmpty else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// How ``PointwiseConvolution``'s Float forward splits its work into tiles: pixel strips, times blocks of
/// output channels when the strips alone would leave workers idle.
///
/// A strip is the kernel's (``PointwiseKernel/Variant/strip`` pixels; an image's last one partial, or longer
/// by a narrow tail of at most ``PointwiseKernel/Variant/narrowTail`` pixels, which the kernel runs with it).
/// Where those give the busiest of `T` workers (each taking the next strip as it becomes free) less than 95 %
/// of an even share, a narrower width is taken if it gives the busiest worker strictly less work without
/// channel blocks: the lone-pixel strip (``PointwiseKernel/Variant/lonePixelStrip``, 49 on AVX-512) or a
/// vector less than the kernel's (48); on a tie the fewer strips. The work of a strip is counted in vector
/// products per input channel and 6-row panel: 6 per vector of pixels, 6 per vector but the last plus 1 for
/// a lone-pixel strip, half a product per pixel of a narrow tail. On two AVX-512 threads 14×14 (3 strips and
/// 4 pixels: 50 for one worker of 74) becomes four lone-pixel strips (38 of 76) and 24×24 (nine strips:
/// 120 of 216) twelve of 48 (108 of 216); 28×28 (150 of 294) and 56×56 (600 of 1176) keep the kernel's;
/// one thread always does.
///
/// Where the chosen strips still give the busiest worker less than 85 % of an even share (a 7×7 map: one
/// strip) each strip is also split into enough channel blocks for about 8 tiles per thread, each block a
/// multiple of the kernel's 6-row panels and at least 24 rows (a worker packs a strip's input once for the
/// blocks it takes of it in a row, at worst once per tile: against ≥ 24 rows of dot products that is a few
/// percent).
struct WorkSplit: Equatable {
    /// Pixels per strip (an image's last strip may be shorter, or longer by a narrow tail).
    let strip: Int
    let stripsPerImage: Int
    /// Whether ``strip`` is the kernel's own width: a worker may then run several strips of one image in
    /// one kernel call (the kernel cuts its range into such strips itself). Lone-pixel strips are one call
    /// each.
    let kernelStrips: Bool
    /// Output-channel blocks per strip (1: strips only).
    let channelBlocks: Int
    /// Rows of each block but the last.
    let rowsPerBlock: Int
    let outputChannels: Int

    /// The split for `variant`'s kernel.
    init(images: Int, pixels: Int, outputChannels: Int, threads: Int, variant: PointwiseKernel.Variant) {
        self.init(images: images, pixels: pixels, outputChannels: outputChannels, threads: threads, strip: variant.strip,
                  vector: variant.vector, narrowTail: variant.narrowTail, lonePixelStrip: variant.lonePixelStrip)
    }

    /// The split for a kernel of `strip`-pixel strips of `vector`-pixel vectors, with a narrow tail of at most
    /// `narrowTail` pixels and lone-pixel strips of `lonePixelStrip` pixels (0: none).
    init(images: Int, pixels: Int, outputChannels: Int, threads: Int, strip: Int, vector: Int, narrowTail: Int,
         lonePixelStrip: Int) {
        self.outputChannels = outputChannels
        let kernel = Self.strips(pixels: pixels, width: strip, kernelStrip: strip, vector: vector, narrowTail: narrowTail,
                                 lonePixelStrip: lonePixelStrip)
        var (width, costs) = (strip, kernel)
        var (balance, busiest) = Self.balance(kernel, images: images, threads: threads)
        if threads > 1, balance < Self.wellBalanced {
            // Narrower strips that need no channel blocks and give the busiest worker less work; on a tie
            // the fewer strips (each streams the layer's weights once).
            for candidate in [lonePixelStrip, strip - vector] where candidate > 0 && candidate < strip && pixels > candidate {
                let c = Self.strips(pixels: pixels, width: candidate, kernelStrip: strip, vector: vector,
                                    narrowTail: narrowTail, lonePixelStrip: lonePixelStrip)
                let (b, most) = Self.balance(c, images: images, threads: threads)
                let better = most < busiest - 1e-9 || (abs(most - busiest) <= 1e-9 && c.count < costs.count)
                if b >= Self.even, better { (width, costs, balance, busiest) = (candidate, c, b, most) }
            }
        }
        self.strip = width
        kernelStrips = width == strip
        stripsPerImage = costs.count
        let units = images * stripsPerImage
        let panel = Int(GC_PW_PANEL_ROWS)
        guard threads > 1, balance < Self.even else {
            (channelBlocks, rowsPerBlock) = (1, outputChannels)
            return
        }
        let wanted = (8 * threads + units - 1) / units
        let rows = max(4 * panel, ((outputChannels + wanted - 1) / wanted + panel - 1) / panel * panel)
        rowsPerBlock = rows
        channelBlocks = (outputChannels + rows - 1) / rows
    }

    /// The output channels of block `b`.
    func channels(ofBlock b: Int) -> Range<Int> {
        b * rowsPerBlock..<min(outputChannels, (b + 1) * rowsPerBlock)
    }

    /// The pixel range of strip `s` of an image of `pixels` pixels (its last strip ends at the last pixel).
    func pixels(ofStrip s: Int, pixels: Int) -> Range<Int> {
        s * strip..<(s == stripsPerImage - 1 ? pixels : (s + 1) * strip)
    }

    /// The work of each strip of one image cut at multiples of `width` (the model above; with the kernel's
    /// width a last piece of at most `narrowTail` pixels joins the strip before it).
    private static func strips(pixels: Int, width: Int, kernelStrip: Int, vector: Int, narrowTail: Int,
                               lonePixelStrip: Int) -> [Double] {
        func work(_ count: Int) -> Double {
            if count <= narrowTail && pixels > kernelStrip { return Double(count) / 2 }
            if count == lonePixelStrip { return Double(6 * (count / vector) + 1) }
            return Double(6 * ((count + vector - 1) / vector))
        }
        var costs: [Double] = []
        var begin = 0
        while begin < pixels {
            let count = min(width, pixels - begin)
            let rest = pixels - begin - count
            if width == kernelStrip, rest > 0, rest <= narrowTail {
                costs.append(work(count) + work(rest))
                break
            }
            costs.append(work(count))
            begin += count
        }
        return costs.isEmpty ? [0] : costs
    }

    /// The least balance taken as even: below it strips are also split into channel blocks.
    private static let even = 0.85

    /// Below this balance of the kernel's strips narrower strips are tried.
    private static let wellBalanced = 0.95

    /// The busiest worker's work when `images` images of strips of work `costs` are claimed by `threads`
    /// workers, each taking the next strip as it becomes free, and an even split's share of it (1: even).
    private static func balance(_ costs: [Double], images: Int, threads: Int) -> (balance: Double, busiest: Double) {
        var load = [Double](repeating: 0, count: max(1, threads))
        for _ in 0..<images {
            for c in costs {
                let i = load.indices.min { load[$0] < load[$1] }!
                load[i] += c
            }
        }
        let busiest = load.max()!
        return (busiest > 0 ? load.reduce(0, +) / Double(load.count) / busiest : 1, busiest)
    }
}
