internal import CDirectKernels

/// The direct path's per-plane engine: copy the plane into a padded scratch buffer (zeros or periodic),
/// then run the C register-blocked kernel (Sources/CDirectKernels; AVX-512, AVX2+FMA or baseline x86-64
/// chosen by the CPU at load time):
///
/// `y[i,j] = b + Σ_{u<kh} Σ_{v<kw} w[u,v] · x̃[i + dh·u − top, j + dw·v − left]`,  `i < H'`, `j < W'`
///
/// where `x̃` is the plane inside the map and 0 outside (`circular == false`) or the plane read modulo
/// `H` and `W`. The scratch holds `rows × stride` scalars: `rows = H' + dh·(kh−1)` and
/// `stride = roundUp(W', 32) + dw·(kw−1)`, because the C kernel computes whole 32-column blocks and stores
/// only the first `W'`. The taps are summed `u`-major in the working precision (with FMA where the CPU
/// has it); a NaN or Inf in the plane reaches exactly the outputs whose footprint holds it.
/// Reentrant: the value is immutable and each caller passes its own scratch.
struct DirectPlaneKernel: Sendable {
    let kernel: Size2D
    let dilation: Size2D
    /// Input sample `(0, 0)` sits at scratch `(top, left)` = `offset`.
    let offset: Size2D
    let circular: Bool
    let map: Size2D
    let output: Size2D
    let rows: Int
    let stride: Int

    init(kernel: Size2D, dilation: Size2D, offset: Size2D, circular: Bool, map: Size2D, output: Size2D) {
        self.kernel = kernel
        self.dilation = dilation
        self.offset = offset
        self.circular = circular
        self.map = map
        self.output = output
        rows = output.height + dilation.height * (kernel.height - 1)
        stride = (output.width + 31) / 32 * 32 + dilation.width * (kernel.width - 1)
    }

    /// The kernel of a depthwise convolution with `geometry` on a `map`-sized plane.
    init(geometry g: ConvolutionGeometry2D, map: Size2D, output: Size2D) {
        self.init(kernel: g.kernel, dilation: g.dilation, offset: g.padding, circular: g.paddingMode == .circular,
                  map: map, output: output)
    }

    /// Scalars of scratch one worker needs.
    var scratchCount: Int { rows * stride }

    /// Computes one output plane (row stride `W'`). `weight` points at this channel's `kh·kw` taps.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func run<S: TensorScalar>(plane x: UnsafePointer<S>, weight: UnsafePointer<S>, bias: S,
                              output y: UnsafeMutablePointer<S>, scratch: UnsafeMutablePointer<S>) {
        let mode: Int32 = circular ? 1 : 0
        let (h, w, top, left) = (Int32(map.height), Int32(map.width), Int32(offset.height), Int32(offset.width))
        let (kh, kw, dh, dw) = (Int32(kernel.height), Int32(kernel.width), Int32(dilation.height), Int32(dilation.width))
        let (ho, wo) = (Int32(output.height), Int32(output.width))
        if S.precision == .float32 {
            let s = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Float.self)
            gc_pad_plane_f32(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), h, w, top, left,
                             Int32(rows), Int32(stride), mode, s, stride)
            gc_depthwise_plane_f32(s, stride, UnsafeRawPointer(weight).assumingMemoryBound(to: Float.self), kh, kw, dh, dw,
                                   Float(bias), UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self),
                                   output.width, ho, wo)
        } else {
            let s = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Double.self)
            gc_pad_plane_f64(UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), h, w, top, left,
                             Int32(rows), Int32(stride), mode, s, stride)
            gc_depthwise_plane_f64(s, stride, UnsafeRawPointer(weight).assumingMemoryBound(to: Double.self), kh, kw, dh, dw,
                                   Double(bias), UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self),
                                   output.width, ho, wo)
        }
    }

    /// Runs the kernel over every `[n, c]` plane of `input` (`[N, C, H, W]`), parallel over the `N·C`
    /// planes on `threads` workers; plane `p` uses channel `p mod C`'s taps and bias.
    /// - Parameter weights: `C·kh·kw` taps, channel-major then row-major.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    func runPlanes<S: TensorScalar>(_ input: Tensor<S>, weights: Tensor<S>, bias: Tensor<S>?, threads: Int) -> Tensor<S> {
        let (channels, planes) = (input.shape[1], input.shape[0] * input.shape[1])
        let outShape = [input.shape[0], channels, output.height, output.width]
        let (inPlane, outPlane, taps) = (map.height * map.width, output.height * output.width, kernel.height * kernel.width)
        let count = planes * outPlane
        let scalars = [S](unsafeUninitializedCapacity: count) { out, initialized in
            input.withUnsafeBufferPointer { x in
                weights.withUnsafeBufferPointer { w in
                    let (x, w, y) = (x.baseAddress!, w.baseAddress!, out.baseAddress!)
                    parallelChunks(planes, threads: threads) { range in
                        let scratch = UnsafeMutablePointer<S>.allocate(capacity: max(1, scratchCount))
                        defer { scratch.deallocate() }
                        for p in range {
                            let c = p % channels
                            run(plane: x + p * inPlane, weight: w + c * taps, bias: bias?.scalars[c] ?? 0,
                                output: y + p * outPlane, scratch: scratch)
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(shape: outShape, scalars: scalars)
    }
}
