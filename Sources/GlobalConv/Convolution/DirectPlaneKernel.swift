internal import CDirectKernels

/// The direct path's per-plane engine: pad the plane into a scratch buffer (zeros or periodic), then run
/// the C register-blocked kernel `y[i,j] = b + Σ_u Σ_v w[u,v]·xp[i + dh·u, j + dw·v]`
/// (Sources/CDirectKernels, AVX-512 / AVX2 / baseline chosen by the CPU at load time).
///
/// The scratch holds `rows × stride` scalars: `rows = H' + dh·(kh−1)` padded rows and
/// `stride = roundUp(W', 32) + dw·(kw−1)` columns, since the kernel computes whole 32-column blocks.
struct DirectPlaneKernel {
    let geometry: ConvolutionGeometry2D
    let map: Size2D
    let output: Size2D
    let rows: Int
    let stride: Int

    init(geometry g: ConvolutionGeometry2D, map: Size2D, output: Size2D) {
        geometry = g
        self.map = map
        self.output = output
        rows = output.height + g.dilation.height * (g.kernel.height - 1)
        stride = (output.width + 31) / 32 * 32 + g.dilation.width * (g.kernel.width - 1)
    }

    /// Scalars of scratch one worker needs.
    var scratchCount: Int { rows * stride }

    /// Computes one output plane. `weight` points at this channel's `kh·kw` taps.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func run<S: TensorScalar>(plane x: UnsafePointer<S>, weight: UnsafePointer<S>, bias: S,
                              output y: UnsafeMutablePointer<S>, scratch: UnsafeMutablePointer<S>) {
        let g = geometry
        let circular: Int32 = g.paddingMode == .circular ? 1 : 0
        if S.precision == .float32 {
            let (x, w, y, s) = (UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                                UnsafeRawPointer(weight).assumingMemoryBound(to: Float.self),
                                UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self),
                                UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Float.self))
            gc_pad_plane_f32(x, Int32(map.height), Int32(map.width), Int32(g.padding.height), Int32(g.padding.width),
                             Int32(rows), Int32(stride), circular, s, stride)
            gc_depthwise_plane_f32(s, stride, w, Int32(g.kernel.height), Int32(g.kernel.width),
                                   Int32(g.dilation.height), Int32(g.dilation.width), Float(bias), y, output.width,
                                   Int32(output.height), Int32(output.width))
        } else {
            let (x, w, y, s) = (UnsafeRawPointer(x).assumingMemoryBound(to: Double.self),
                                UnsafeRawPointer(weight).assumingMemoryBound(to: Double.self),
                                UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self),
                                UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Double.self))
            gc_pad_plane_f64(x, Int32(map.height), Int32(map.width), Int32(g.padding.height), Int32(g.padding.width),
                             Int32(rows), Int32(stride), circular, s, stride)
            gc_depthwise_plane_f64(s, stride, w, Int32(g.kernel.height), Int32(g.kernel.width),
                                   Int32(g.dilation.height), Int32(g.dilation.width), Double(bias), y, output.width,
                                   Int32(output.height), Int32(output.width))
        }
    }
}
