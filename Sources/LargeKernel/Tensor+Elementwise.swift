import GlobalConv

/// Element-wise helpers the blocks need between convolutions (internal; plain loops).
extension Tensor {
    /// `self + other`, element by element.
    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` when the shapes differ.
    func adding(_ other: Tensor, what: @autoclosure () -> String) throws(LargeKernelError) -> Tensor {
        guard shape == other.shape else {
            throw .shapeMismatch("\(what()): cannot add outputs of shapes \(shape) and \(other.shape)")
        }
        var out = self
        out.withUnsafeMutableBufferPointer { o in
            other.withUnsafeBufferPointer { b in
                for k in 0..<o.count { o[k] = o[k] + b[k] }
            }
        }
        return out
    }

    /// `self ⊙ other`, element by element.
    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` when the shapes differ.
    func multiplying(_ other: Tensor, what: @autoclosure () -> String) throws(LargeKernelError) -> Tensor {
        guard shape == other.shape else {
            throw .shapeMismatch("\(what()): cannot multiply tensors of shapes \(shape) and \(other.shape)")
        }
        var out = self
        out.withUnsafeMutableBufferPointer { o in
            other.withUnsafeBufferPointer { b in
                for k in 0..<o.count { o[k] = o[k] * b[k] }
            }
        }
        return out
    }

    /// The NCHW window starting at `(top, left)` of size `height × width`.
    /// - Precondition: rank 4 and the window lies inside the map.
    func croppedNCHW(top: Int, left: Int, height: Int, width: Int) -> Tensor {
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

/// A 1×1 convolution (per-pixel `Linear`) on NCHW: `y[n,o,i,j] = b[o] + Σ_c W[o,c] · x[n,c,i,j]`, one
/// OpenBLAS GEMM per image (GlobalConv's ``PointwiseConvolution``) on `threads` threads.
func pointwise<S: TensorScalar>(_ x: Tensor<S>, weight: [S], bias: [S], outChannels: Int, threads: Int) -> Tensor<S> {
    PointwiseConvolution(weight: Tensor(shape: [outChannels, x.shape[1]], scalars: weight),
                         bias: Tensor(shape: [outChannels], scalars: bias))(x, threads: threads)
}
