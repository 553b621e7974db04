import GlobalConv

extension Tensor {
    /// Adds a token position embedding `pos [1, H·W, C]` to an NCHW map `[N, C, H, W]`:
    /// `x[n, c, r, k] += pos[0, r·W + k, c]` — GFNet's `tokens + pos_embed` with tokens numbered row by row,
    /// so the map is never transposed. - Precondition: the shapes match.
    mutating func addPositionEmbedding(_ pos: Tensor) {
        precondition(rank == 4 && pos.shape == [1, shape[2] * shape[3], shape[1]],
                     "addPositionEmbedding: \(pos.shape) does not fit a map of shape \(shape)")
        let (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3])
        pos.withUnsafeBufferPointer { p in
            withUnsafeMutableBufferPointer { t in
                for img in 0..<n { for ch in 0..<c { for q in 0..<plane { t[(img * c + ch) * plane + q] += p[q * c + ch] } } }
            }
        }
    }
}
