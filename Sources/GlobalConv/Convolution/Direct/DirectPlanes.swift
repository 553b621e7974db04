/// Runs one ``DirectKernel2D`` over every `[n, c]` plane of an NCHW tensor, parallel over the
/// `N·C` planes (``parallelChunks``): plane `p` uses channel `p mod C`'s weights and bias, a source
/// prepared by ``DirectSource2D`` in its worker's own 64-byte aligned scratch, and writes only its own
/// output plane.
enum DirectPlanes {
    /// - Parameters:
    ///   - input: `[N, C, H, W]` with `H × W == source.map`.
    ///   - outputShape: `[N, C, kernel.output.height, kernel.output.width]`.
    ///   - weights: `C · kh · kw` taps, channel-major then row-major (`[C, 1, kh, kw]`'s storage).
    ///   - bias: `C` values or `nil` (zero).
    ///   - variant: the compiled loops to run (tests pick each; callers keep the default).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func correlate<S: TensorScalar>(
        _ input: Tensor<S>, outputShape: [Int], source: DirectSource2D, kernel: DirectKernel2D,
        weights: Tensor<S>, bias: Tensor<S>?, threads: Int, variant: DirectKernel2D.Variant = .best,
        activation: Activation? = nil
    ) -> Tensor<S> {
        let count = Tensor<S>.elementCount(outputShape)
        let (planes, channels) = (outputShape[0] * outputShape[1], outputShape[1])
        precondition(weights.count == channels * kernel.kernel.height * kernel.kernel.width
                     && input.shape[0] * input.shape[1] == planes,
                     "DirectPlanes: weights \(weights.shape) or input \(input.shape) do not fit output \(outputShape)")
        let source = kernel.preferredSourceStride(S.self, variant: variant).map { source.aligned(stride: $0) } ?? source
        let plane = kernel.plane(reading: source)
        let (inPlane, outPlane) = (source.map.height * source.map.width, kernel.output.height * kernel.output.width)
        let taps = kernel.kernel.height * kernel.kernel.width
        let b = bias?.scalars ?? [S](repeating: 0, count: channels)
        var scalars: [S] = TensorStoragePool.take(count)
        scalars.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    let (x, w, y) = (x.baseAddress!, w.baseAddress!, out.baseAddress!)
                    parallelRegion(planes, threads: threads) { claims, _ in
                        let raw = UnsafeMutableRawPointer.allocate(
                            byteCount: max(1, source.scratchCount) * MemoryLayout<S>.stride, alignment: 64)
                        defer { raw.deallocate() }
                        let scratch = raw.bindMemory(to: S.self, capacity: max(1, source.scratchCount))
                        var fresh = true  // the scratch's padding is written on its first plane only
                        while let range = claims.next() {
                            for p in range {
                                let c = p % channels
                                let src = source.prepare(plane: x + p * inPlane, scratch: scratch, fresh: fresh)
                                fresh = false
                                DirectKernel2D.run(plane, variant: variant, source: src, weights: w + c * taps, bias: b[c], output: y + p * outPlane)
                                activation.apply(to: y + p * outPlane, count: outPlane)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: outputShape, scalars: scalars)
    }
}
