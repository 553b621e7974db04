/// Element-wise arithmetic, channel slices and crops of NCHW tensors, as the blocks' residuals, layer
/// scales, gates and branch sums need them (package API for LargeKernel and Backbones; the one home of
/// these helpers). Each is one rounding per element (`a + b`, `a·b`).
extension Tensor {
    /// `a + b`. - Precondition: equal shapes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func + (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "Tensor +: shapes \(a.shape) and \(b.shape) differ")
        var y = a
        y.withUnsafeMutableBufferPointer { ys in b.withUnsafeBufferPointer { bs in for i in ys.indices { ys[i] += bs[i] } } }
        return y
    }

    /// `a − b`. - Precondition: equal shapes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func - (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "Tensor -: shapes \(a.shape) and \(b.shape) differ")
        var y = a
        y.withUnsafeMutableBufferPointer { ys in b.withUnsafeBufferPointer { bs in for i in ys.indices { ys[i] -= bs[i] } } }
        return y
    }

    /// `a ⊙ b` (Hadamard product). - Precondition: equal shapes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func * (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "Tensor *: shapes \(a.shape) and \(b.shape) differ")
        var y = a
        y.withUnsafeMutableBufferPointer { ys in b.withUnsafeBufferPointer { bs in for i in ys.indices { ys[i] *= bs[i] } } }
        return y
    }

    /// In place, `x ← x + y`, on up to `threads` participants. - Precondition: equal shapes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package mutating func add(_ y: Tensor, threads: Int = 1) {
        combine(with: y, threads: threads, .add)
    }

    /// In place, `x ← x ⊙ y`, on up to `threads` participants. - Precondition: equal shapes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package mutating func multiply(by y: Tensor, threads: Int = 1) {
        combine(with: y, threads: threads, .multiply)
    }

    /// The element-wise operations of ``combine(with:threads:_:)``.
    private enum Combination: String { case add = "add(_:)", multiply = "multiply(by:)" }

    /// `x[i] ← x[i] op y[i]` for every element, in chunks of at least 16 384 on up to `threads` participants
    /// (one plain loop per operation, so it vectorises: a closure called per element did not).
    @inline(__always)
    private mutating func combine(with y: Tensor, threads: Int, _ op: Combination) {
        precondition(shape == y.shape, "\(op.rawValue): shapes \(shape) and \(y.shape) differ")
        let n = count
        withUnsafeMutableBufferPointer { v in
            y.withUnsafeBufferPointer { ys in
                let (v, ys) = (v.baseAddress!, ys.baseAddress!)
                parallelChunks(n, threads: threads, grain: 16_384) { r in
                    switch op {
                    case .add: for i in r { v[i] += ys[i] }
                    case .multiply: for i in r { v[i] *= ys[i] }
                    }
                }
            }
        }
    }

    /// Channels `range` of an NCHW tensor, `x[:, range]`, copied on up to `threads` participants.
    package func channels(_ range: Range<Int>, threads: Int = 1) -> Tensor {
        precondition(rank == 4 && range.lowerBound >= 0 && range.upperBound <= shape[1],
                     "channels(_:): range \(range) outside \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        let run = range.count * plane
        guard n * run > 0 else { return Tensor(shape: [n, range.count, shape[2], shape[3]], scalars: []) }
        var out: [Scalar] = TensorStoragePool.take(n * run)  // every element written below
        out.withUnsafeMutableBufferPointer { o in
            scalars.withUnsafeBufferPointer { x in
                for img in 0..<n {
                    Self.copy(run, from: x.baseAddress! + (img * c + range.lowerBound) * plane, to: o.baseAddress! + img * run,
                              threads: threads)
                }
            }
        }
        return Tensor(shape: [n, range.count, shape[2], shape[3]], scalars: out)
    }

    /// In place, `x[:, start ..< start + range.count] = part[:, range]` for NCHW tensors (`range`: all of
    /// `part`'s channels when nil), on up to `threads` participants: how a block joins channel groups
    /// computed apart (MogaNet's `torch.cat` of its three branches, written into one map).
    /// - Precondition: equal N, H, W, and the channels inside both tensors.
    package mutating func replaceChannels(startingAt start: Int, with part: Tensor, channels range: Range<Int>? = nil,
                                          threads: Int = 1) {
        let range = range ?? 0..<(part.rank == 4 ? part.shape[1] : 0)
        precondition(rank == 4 && part.rank == 4 && part.shape[0] == shape[0] && part.shape[2] == shape[2]
                     && part.shape[3] == shape[3] && range.lowerBound >= 0 && range.upperBound <= part.shape[1]
                     && start >= 0 && start + range.count <= shape[1],
                     "replaceChannels: channels \(range) of \(part.shape) at channel \(start) do not fit \(shape)")
        let (n, c, plane, pc) = (shape[0], shape[1], shape[2] * shape[3], part.shape[1])
        let run = range.count * plane
        guard n * run > 0 else { return }
        withUnsafeMutableBufferPointer { o in
            part.scalars.withUnsafeBufferPointer { p in
                for img in 0..<n {
                    Self.copy(run, from: p.baseAddress! + (img * pc + range.lowerBound) * plane,
                              to: o.baseAddress! + (img * c + start) * plane, threads: threads)
                }
            }
        }
    }

    /// Copies `count` elements in chunks of at least 16 384 on up to `threads` participants.
    private static func copy(_ count: Int, from source: UnsafePointer<Scalar>, to destination: UnsafeMutablePointer<Scalar>,
                             threads: Int) {
        parallelChunks(count, threads: threads, grain: 16_384) { r in
            (destination + r.lowerBound).update(from: source + r.lowerBound, count: r.count)
        }
    }

    /// The NCHW window starting at `(top, left)` of size `height × width`.
    /// - Precondition: rank 4 and the window lies inside the map.
    package func croppedNCHW(top: Int, left: Int, height: Int, width: Int) -> Tensor {
        precondition(rank == 4 && top >= 0 && left >= 0 && top + height <= shape[2] && left + width <= shape[3],
                     "croppedNCHW: window (\(top), \(left)) \(height)×\(width) outside \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        var out = Tensor(zeros: [n, c, height, width])
        // Through buffer pointers: element-wise `out.scalars[k] = …` copied the whole array per element
        // (quadratic: 14 s for a 128×56×56 crop in the LKA sweep).
        withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for plane in 0..<(n * c) {
                    for i in 0..<height {
                        let from = (plane * h + top + i) * w + left, to = (plane * height + i) * width
                        for j in 0..<width { dst[to + j] = src[from + j] }
                    }
                }
            }
        }
        return out
    }
}
