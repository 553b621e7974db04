/// Runs one ``DirectKernel2D`` over every `[n, c]` plane of an NCHW tensor, parallel over the
/// `N·C` planes: plane `p` uses channel `p mod C`'s weights and bias, a source prepared by
/// ``DirectSource2D`` in the worker's own scratch, and writes its own output plane only.
///
/// The generic entry point picks the concrete vector types once (`SIMD8<Float>`/`SIMD4<Float>`,
/// `SIMD4<Double>`/`SIMD2<Double>`), so the loops are specialised even when callers are generic.
enum DirectPlanes {
    /// - Parameters:
    ///   - input: `[N, C, H, W]` with `H × W == source.map`.
    ///   - outputShape: `[N, C, kernel.output.height, kernel.output.width]`.
    ///   - weights: `C · kh · kw` taps, channel-major then row-major (`[C, 1, kh, kw]`'s storage).
    ///   - bias: `C` values or `nil` (zero).
    static func correlate<S: TensorScalar>(
        _ input: Tensor<S>, outputShape: [Int], source: DirectSource2D, kernel: DirectKernel2D,
        weights: Tensor<S>, bias: Tensor<S>?, threads: Int
    ) -> Tensor<S> {
        let count = Tensor<S>.elementCount(outputShape)
        let planes = outputShape[0] * outputShape[1]
        precondition(weights.count == outputShape[1] * kernel.kernel.height * kernel.kernel.width
                     && input.shape[0] * input.shape[1] == planes,
                     "DirectPlanes: weights \(weights.shape) or input \(input.shape) do not fit output \(outputShape)")
        let scalars = [S](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    let b = bias?.scalars ?? [S](repeating: 0, count: outputShape[1])
                    b.withUnsafeBufferPointer { b in
                        switch S.precision {
                        case .float32:
                            run(SIMD8<Float>.self, SIMD4<Float>.self, input: x, weights: w, bias: b, output: out,
                                channels: outputShape[1], planes: planes, source: source, kernel: kernel, threads: threads)
                        case .float64:
                            run(SIMD4<Double>.self, SIMD2<Double>.self, input: x, weights: w, bias: b, output: out,
                                channels: outputShape[1], planes: planes, source: source, kernel: kernel, threads: threads)
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: outputShape, scalars: scalars)
    }

    /// The typed loop: `S` is `V.Scalar` at run time (checked through `S.precision` by the caller).
    private static func run<V: SIMD, Narrow: SIMD, S: TensorScalar>(
        _: V.Type, _: Narrow.Type,
        input: UnsafeBufferPointer<S>, weights: UnsafeBufferPointer<S>, bias: UnsafeBufferPointer<S>,
        output: UnsafeMutableBufferPointer<S>, channels: Int, planes: Int,
        source: DirectSource2D, kernel: DirectKernel2D, threads: Int
    ) where V: Sendable, Narrow: Sendable, V.Scalar: BinaryFloatingPoint & Sendable, Narrow.Scalar == V.Scalar {
        precondition(MemoryLayout<S>.size == MemoryLayout<V.Scalar>.size && S.self == V.Scalar.self)
        typealias T = V.Scalar
        // Shared read-only by all workers, except `y`, of which each plane writes only its own slice.
        let x = UnsafeRawPointer(input.baseAddress!).assumingMemoryBound(to: T.self)
        let w = UnsafeRawPointer(weights.baseAddress!).assumingMemoryBound(to: T.self)
        let b = UnsafeRawPointer(bias.baseAddress!).assumingMemoryBound(to: T.self)
        let y = UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: T.self)
        let inPlane = source.map.height * source.map.width
        let outPlane = kernel.output.height * kernel.output.width
        let taps = kernel.kernel.height * kernel.kernel.width
        // Each chunk of planes owns one scratch source buffer.
        parallelChunks(planes, threads: threads) { range in
            let scratch = UnsafeMutablePointer<T>.allocate(capacity: max(1, source.scratchCount))
            defer { scratch.deallocate() }
            for p in range {
                let c = p % channels
                let src = source.prepare(plane: x + p * inPlane, scratch: scratch, fresh: p == range.lowerBound)
                kernel.run(V.self, Narrow.self, source: src, weights: w + c * taps, bias: b[c],
                           output: y + p * outPlane)
            }
        }
    }
}
