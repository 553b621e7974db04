internal import CDirectKernel

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
        let (planes, channels) = (outputShape[0] * outputShape[1], outputShape[1])
        precondition(input.shape[0] * input.shape[1] == planes,
                     "DirectPlanes: input \(input.shape) does not fit output \(outputShape)")
        var scalars: [S] = TensorStoragePool.take(Tensor<S>.elementCount(outputShape))
        scalars.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { x in
                correlate(x.baseAddress!, input: Window(channels: channels, start: 0), output: out.baseAddress!,
                          Window(channels: channels, start: 0), images: outputShape[0], channels: channels, source: source,
                          kernel: kernel, weights: weights, bias: bias, threads: threads, variant: variant, activation: activation)
            }
        }
        return Tensor(shape: outputShape, scalars: scalars)
    }

    /// Where a call's `channels` planes per image lie in a tensor's storage: channels
    /// `start ..< start + count` of an NCHW tensor of `channels` channels.
    struct Window {
        let channels: Int
        let start: Int
    }

    /// ``correlate(_:outputShape:source:kernel:weights:bias:threads:variant:activation:)`` reading plane
    /// `(n, c)` at channel `input.start + c` of `x` (NCHW, `input.channels` channels) and writing it at channel
    /// `output.start + c` of `y` (`output.channels` channels), for `images` images and `channels` channels:
    /// a channel window of one tensor convolved into a channel window of another, neither copied.
    /// `x` and `y` must not overlap.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func correlate<S: TensorScalar>(
        _ x: UnsafePointer<S>, input: Window, output y: UnsafeMutablePointer<S>, _ output: Window,
        images: Int, channels: Int, source: DirectSource2D, kernel: DirectKernel2D,
        weights: Tensor<S>, bias: Tensor<S>?, threads: Int, variant: DirectKernel2D.Variant = .best,
        activation: Activation? = nil
    ) {
        let planes = images * channels
        precondition(weights.count == channels * kernel.kernel.height * kernel.kernel.width
                     && input.start + channels <= input.channels && output.start + channels <= output.channels,
                     "DirectPlanes: weights \(weights.shape) or channel windows do not fit \(channels) channels")
        let source = kernel.preferredSourceStride(S.self, variant: variant).map { source.aligned(stride: $0) } ?? source
        let plane = kernel.plane(reading: source)
        let (inPlane, outPlane) = (source.map.height * source.map.width, kernel.output.height * kernel.output.width)
        let taps = kernel.kernel.height * kernel.kernel.width
        let b = bias?.scalars ?? [S](repeating: 0, count: channels)
        weights.withUnsafeBufferPointer { w in
            let w = w.baseAddress!
            parallelRegion(planes, threads: threads) { claims, _ in
                let raw = UnsafeMutableRawPointer.allocate(
                    byteCount: max(1, source.scratchCount) * MemoryLayout<S>.stride, alignment: 64)
                defer { raw.deallocate() }
                let scratch = raw.bindMemory(to: S.self, capacity: max(1, source.scratchCount))
                var fresh = true  // the scratch's padding is written on its first plane only
                while let range = claims.next() {
                    for p in range {
                        let (image, c) = p.quotientAndRemainder(dividingBy: channels)
                        let from = x + (image * input.channels + input.start + c) * inPlane
                        let to = y + (image * output.channels + output.start + c) * outPlane
                        let src = source.prepare(plane: from, scratch: scratch, fresh: fresh)
                        fresh = false
                        DirectKernel2D.run(plane, variant: variant, source: src, weights: w + c * taps, bias: b[c], output: to)
                        activation.apply(to: to, count: outPlane)
                    }
                }
            }
        }
    }
}

extension DirectPlanes {
    /// One convolution of a plane-by-plane chain (``correlateChained(_:first:groups:output:threads:)``): its
    /// source layout (aligned as its kernel prefers at the best level), kernel plane and taps.
    struct Stage<S: TensorScalar> {
        let source: DirectSource2D
        let plane: gc_direct_plane
        let weights: Tensor<S>
        let bias: [S]
        let taps: Int

        init(source: DirectSource2D, kernel: DirectKernel2D, weights: Tensor<S>, bias: Tensor<S>?) {
            let source = kernel.preferredSourceStride(S.self, variant: .best).map { source.aligned(stride: $0) } ?? source
            self.source = source
            plane = kernel.plane(reading: source)
            self.weights = weights
            taps = kernel.kernel.height * kernel.kernel.width
            self.bias = bias?.scalars ?? [S](repeating: 0, count: weights.count / max(1, taps))
        }

        /// Samples of one plane's output.
        var outputCount: Int { plane.out_h * plane.out_w }
    }

    /// Two depthwise convolutions run plane by plane in one parallel region: each plane `(n, c)` of `input`
    /// goes through `first` into a scratch plane that never leaves the worker's cache, then through the
    /// stage of the group whose channel range holds `c` (at that stage's channel `c − range.lowerBound`),
    /// or is copied as it is for a group without one, into output plane `(n, c)`. The same kernels on the
    /// same samples as running `first` over the map and then each group's convolution over its channels,
    /// so the same bits; no intermediate map is written. The groups' ranges partition `0 ..< C` in order;
    /// every stage's output plane is `output`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func correlateChained<S: TensorScalar>(
        _ input: Tensor<S>, first: Stage<S>, groups: [(channels: Range<Int>, stage: Stage<S>?)], output: Size2D, threads: Int
    ) -> Tensor<S> {
        let (n, c) = (input.shape[0], input.shape[1])
        let (inPlane, middlePlane, outPlane) = (input.shape[2] * input.shape[3], first.outputCount, output.height * output.width)
        precondition(groups.first?.channels.lowerBound == 0 && groups.last?.channels.upperBound == c
                     && zip(groups, groups.dropFirst()).allSatisfy { $0.channels.upperBound == $1.channels.lowerBound }
                     && groups.allSatisfy { $0.stage.map { $0.outputCount == outPlane } ?? (middlePlane == outPlane) },
                     "DirectPlanes.correlateChained: groups \(groups.map(\.channels)) do not partition \(c) channels into \(output)")
        // Per worker: the first stage's source, the middle plane, then each group stage's source.
        let groupScratch = groups.map { $0.stage?.source.scratchCount ?? 0 }
        let scratchCount = first.source.scratchCount + middlePlane + groupScratch.reduce(0, +)
        var scalars: [S] = TensorStoragePool.take(n * c * outPlane)
        scalars.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { x in
                let (x, y) = (x.baseAddress!, out.baseAddress!)
                parallelRegion(n * c, threads: threads) { claims, _ in
                    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, scratchCount) * MemoryLayout<S>.stride, alignment: 64)
                    defer { raw.deallocate() }
                    let scratch = raw.bindMemory(to: S.self, capacity: max(1, scratchCount))
                    let middle = scratch + first.source.scratchCount
                    var groupSources: [UnsafeMutablePointer<S>] = []
                    var offset = first.source.scratchCount + middlePlane
                    for count in groupScratch { groupSources.append(scratch + offset); offset += count }
                    // Whether each source's zero border is still to be written (once per worker and source).
                    var fresh = [Bool](repeating: true, count: groups.count + 1)
                    while let range = claims.next() {
                        for p in range {
                            let channel = p % c
                            let src = first.source.prepare(plane: x + p * inPlane, scratch: scratch, fresh: fresh[0])
                            fresh[0] = false
                            first.weights.withUnsafeBufferPointer { w in
                                DirectKernel2D.run(first.plane, variant: .best, source: src, weights: w.baseAddress! + channel * first.taps,
                                                   bias: first.bias[channel], output: middle)
                            }
                            let g = groups.firstIndex { $0.channels.contains(channel) }!
                            let to = y + p * outPlane
                            guard let stage = groups[g].stage else {
                                to.update(from: middle, count: outPlane)
                                continue
                            }
                            let local = channel - groups[g].channels.lowerBound
                            let source = stage.source.prepare(plane: UnsafePointer(middle), scratch: groupSources[g], fresh: fresh[g + 1])
                            fresh[g + 1] = false
                            stage.weights.withUnsafeBufferPointer { w in
                                DirectKernel2D.run(stage.plane, variant: .best, source: source, weights: w.baseAddress! + local * stage.taps,
                                                   bias: stage.bias[local], output: to)
                            }
                        }
                    }
                }
            }
        }
        return Tensor(shape: [n, c, output.height, output.width], scalars: scalars)
    }
}
