internal import CVectorMath

extension PointwiseConvolution where Scalar == Float {
    /// The single-precision fused forward through ``PointwiseKernel`` (Float's
    /// ``TensorScalar/_pointwiseFused(_:)``): the images' pixel strips are split into `threads` contiguous
    /// ranges, each worker packing and multiplying its own strips with its own scratch; every output element
    /// is written exactly once. - Precondition: checked shapes.
    static func fusedFloat(_ job: _PointwiseJob<Float>) -> Tensor<Float> {
        let (x, stencil, input, stages) = (job.x, job.stencil, job.input, job.stages)
        let (outShape, threads, variant) = (job.outShape, job.threads, job.variant)
        precondition((1...2).contains(stages.count), "fusedFloat: one or two stages")
        let (n, pixels) = (x.shape[0], x.shape[2] * x.shape[3])
        let count = Tensor<Scalar>.elementCount(outShape)
        guard count > 0 else { return Tensor(zeros: outShape) }
        let (first, last) = (stages[0].conv, stages[stages.count - 1].conv)
        let (cin, cout) = (first.inputChannels, last.outputChannels)
        let e = stages[stages.count - 1].epilogue

        // Every per-channel array in one Float buffer, addressed by offsets (−1: absent).
        var params: [Float] = []
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
        let strip = variant.strip
        let stripsPerImage = (pixels + strip - 1) / strip

        var scalars: [Float] = TensorStoragePool.take(count)
        scalars.withUnsafeMutableBufferPointer { out in
            let y = out.baseAddress!
            floats(x.scalars) { xp in floats(params) { pp in floats(first.packed) { w0 in floats(last.packed) { w1 in
                floats(e.multiply?.scalars) { mul in floats(e.add?.scalars) { add in floats(e.residual?.scalars) { res in
                    func at(_ o: Int) -> UnsafePointer<Float>? { o < 0 ? nil : pp! + o }
                    let inputDescription = PointwiseKernel.input(mode: mode, scale: at(inScale), shift: at(inShift), eps: eps,
                                                                 weight: at(inWeight), bias: inBias,
                                                                 stencil: at(stencilWeight), stencilBias: at(stencilBias),
                                                                 stencilActivation: stencil?.activation,
                                                                 map: Size2D(height: x.shape[2], width: x.shape[3]))
                    parallelRegion(n * stripsPerImage, threads: threads) { claims, _ in
                        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, scratchCount) * 4, alignment: 64)
                        defer { raw.deallocate() }
                        let scratch = raw.bindMemory(to: Float.self, capacity: max(1, scratchCount))
                        while let range = claims.next() {
                            var s = range.lowerBound
                            while s < range.upperBound {
                                let img = s / stripsPerImage
                                let hi = min(range.upperBound, (img + 1) * stripsPerImage)
                                let begin = (s - img * stripsPerImage) * strip
                                let end = min((hi - img * stripsPerImage) * strip, pixels)
                                let outBase = img * cout * pixels
                                withUnsafeTemporaryAllocation(of: gc_pw_layer.self, capacity: 2) { layers in
                                    for (index, stage) in stages.enumerated() {
                                        let o = offsets[index], isLast = index == stages.count - 1
                                        layers[index] = PointwiseKernel.layer(
                                            m: stage.conv.outputChannels, k: stage.conv.inputChannels,
                                            packed: index == 0 ? w0! : w1!, bias: at(o.bias), scale: at(o.scale), shift: at(o.shift),
                                            activation: stage.epilogue.activation,
                                            multiply: isLast ? mul.map { $0 + outBase } : nil,
                                            add: isLast ? add.map { $0 + outBase } : nil,
                                            addScale: isLast ? at(o.addScale) : nil, addShift: isLast ? at(o.addShift) : nil,
                                            residual: isLast ? res.map { $0 + outBase } : nil,
                                            residualScale: at(o.residualScale), pixels: pixels)
                                    }
                                    PointwiseKernel.run(x: xp! + img * cin * pixels, pixels: pixels, input: inputDescription,
                                                        layers: UnsafePointer(layers.baseAddress!), count: stages.count,
                                                        y: y + outBase, begin: begin, end: end, scratch: scratch, variant: variant)
                                }
                                s = hi
                            }
                        }
                    }
                } } }
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
