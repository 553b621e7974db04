internal import CCPUFeatures
internal import CVectorMath

/// The single-precision kernel of ``PointwiseConvolution`` (C target `CVectorMath`, Pointwise.h): for a
/// strip of pixels it packs the input (applying the ``PointwiseInput`` transform), multiplies it with
/// every 6-row panel of the packed weights in registers (the whole dot product per tile), and runs the
/// ``PointwiseEpilogue`` on each tile row before storing it; a two-layer chain keeps the hidden strip in
/// cache. Compiled per instruction set (AVX-512: 64-pixel strips, AVX2 + FMA: 16, portable GCC vectors:
/// 8) and chosen at run time. Each sum accumulates inputs in ascending order from zero, then adds the
/// bias: within `γ(Cin + 1)·(|b| + Σ|W||x'|)`. Reentrant. The C functions are `gc_f32_pw_avx512`,
/// `gc_f32_pw_avx2` and `gc_f32_pw_portable` (`Sources/CVectorMath/vector_math_kernels.h`).
enum PointwiseKernel {
    /// One compiled version. Production uses ``best``; tests run every ``supported`` one.
    enum Variant: Int, CaseIterable, Sendable {
        case portable, avx2, avx512

        /// The fastest variant this CPU runs.
        static let best: Variant = Variant(rawValue: Int(gc_cpu_best_isa().rawValue)) ?? .portable

        /// Every variant this CPU runs.
        static var supported: [Variant] { allCases.filter { $0.rawValue <= best.rawValue } }

        var isa: Int32 { Int32(rawValue) }

        /// Pixels per strip.
        var strip: Int { gc_pw_strip(isa) }

        /// At most this many pixels after a whole strip run with it when a call's range ends there (0: none):
        /// the 4 after 3·64 of a 14×14 map read each weight panel right after the strip did.
        var narrowTail: Int { gc_pw_tail(isa) }

        /// Pixels per vector of a strip.
        var vector: Int { gc_pw_vector(isa) }

        /// A strip narrower than ``strip`` whose last vector holds one pixel, computed with an accumulator of
        /// its own (0: none): 49 pixels on AVX-512 cost 19 vector products per input channel and 6 rows
        /// against a whole strip's 24 for 64 — per pixel 3 % more, but four of them split a 14×14 map evenly
        /// over two threads, sixteen a 28×28 one (``WorkSplit``).
        var lonePixelStrip: Int { gc_pw_lone_pixel_strip(isa) }

        /// The name of the C kernel this variant runs (``CompiledKernel/name``, e.g. `gc_f32_pw_avx512`).
        var kernelName: String { String(cString: gc_pw_kernel_name(isa)) }
    }

    /// W (`m × k`, row-major) in the kernel's panel layout.
    static func pack(_ weight: [Float], m: Int, k: Int) -> [Float] {
        let count = gc_pw_packed_count(m, k)
        return [Float](unsafeUninitializedCapacity: count) { buf, initialized in
            weight.withUnsafeBufferPointer { gc_pw_pack_f32($0.baseAddress!, m, k, buf.baseAddress!) }
            initialized = count
        }
    }

    /// The row-major `m × k` weights back from ``pack(_:m:k:)``'s panels (rows past `m` dropped).
    static func unpack(_ packed: [Float], m: Int, k: Int) -> [Float] {
        let panel = Int(GC_PW_PANEL_ROWS)
        return [Float](unsafeUninitializedCapacity: m * k) { buf, initialized in
            for o in 0..<m {
                let base = (o / panel) * k * panel + o % panel
                for i in 0..<k { buf[o * k + i] = packed[base + i * panel] }
            }
            initialized = m * k
        }
    }

    /// Floats of scratch one worker needs.
    static func scratchCount(k: Int, hidden: Int, variant: Variant) -> Int {
        gc_pw_scratch_count(k, hidden, variant.isa)
    }

    /// The C description of one layer; pointers must outlive its use.
    static func layer(m: Int, k: Int, packed: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                      scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, activation: Activation?,
                      multiply: UnsafePointer<Float>?, add: UnsafePointer<Float>?, addScale: UnsafePointer<Float>?,
                      addShift: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                      residualScale: UnsafePointer<Float>?, pixels: Int) -> gc_pw_layer {
        gc_pw_layer(m: m, k: k, packed_weight: packed, bias: bias, scale: scale, shift: shift, activation: code(activation),
                           mul: multiply, ld_mul: pixels, add: add, ld_add: pixels, add_scale: addScale, add_shift: addShift,
                           residual: residual, ld_residual: pixels, residual_scale: residualScale)
    }

    /// The C code of an activation.
    private static func code(_ activation: Activation?) -> Int32 {
        switch activation {
        case .none: Int32(GC_PW_ACT_NONE)
        case .relu: Int32(GC_PW_ACT_RELU)
        case .gelu: Int32(GC_PW_ACT_GELU)
        case .silu: Int32(GC_PW_ACT_SILU)
        }
    }

    /// The C description of the input: the optional 3×3 stencil on a `map`-sized image (``PointwiseStencil``)
    /// or windows (``ConvolutionWindows``: their offsets and row stride, read along `map`'s rows), then the
    /// transform.
    static func input(mode: PointwiseInputMode, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?, eps: Float,
                      weight: UnsafePointer<Float>?, bias: Float, stencil: UnsafePointer<Float>? = nil,
                      stencilBias: UnsafePointer<Float>? = nil, stencilActivation: Activation? = nil,
                      map: Size2D = Size2D(1), windows: (offsets: UnsafePointer<Int>, rowStride: Int)? = nil) -> gc_pw_input {
        let m: Int32 = switch mode {
        case .identity: Int32(GC_PW_INPUT_IDENTITY)
        case .affine: Int32(GC_PW_INPUT_AFFINE)
        case .layerNorm: Int32(GC_PW_INPUT_LAYERNORM)
        case .decompose: Int32(GC_PW_INPUT_DECOMPOSE)
        }
        return gc_pw_input(mode: m, scale: scale, shift: shift, eps: eps, weight: weight, bias: bias,
                           stencil_weight: stencil, stencil_bias: stencilBias, stencil_activation: code(stencilActivation),
                           stencil_height: map.height, stencil_width: map.width,
                           window_offset: windows?.offsets, window_width: map.width, window_ld: windows?.rowStride ?? 0)
    }

    /// Runs `count` chained layers on pixels `[begin, end)` of one image, writing the last layer's
    /// `outputChannels` only (a range starting at a multiple of the 6-row panel). `packedReady`: `scratch`
    /// holds this one strip's packed input from the previous call (one layer only; see Pointwise.h).
    static func run(x: UnsafePointer<Float>, pixels: Int, input: gc_pw_input, layers: UnsafePointer<gc_pw_layer>, count: Int,
                    y: UnsafeMutablePointer<Float>, begin: Int, end: Int, outputChannels: Range<Int>, packedReady: Bool = false,
                    scratch: UnsafeMutablePointer<Float>, variant: Variant) {
        precondition(outputChannels.lowerBound % Int(GC_PW_PANEL_ROWS) == 0 && outputChannels.upperBound <= layers[count - 1].m,
                     "PointwiseKernel.run: channels \(outputChannels) of \(layers[count - 1].m)")
        var input = input
        gc_pw_run_f32(x, pixels, &input, layers, Int32(count), y, pixels, begin, end,
                      outputChannels.lowerBound, outputChannels.upperBound, packedReady ? 1 : 0, scratch, variant.isa)
    }
}

/// Which ``PointwiseInput`` case, without its payload.
enum PointwiseInputMode { case identity, affine, layerNorm, decompose }
