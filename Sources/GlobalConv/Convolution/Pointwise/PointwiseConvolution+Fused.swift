// The work is in the scalar type's own engine (``TensorScalar/_pointwiseFused(_:)``, concrete for Float and
// Double); these forms only check shapes and build the job. They are specialised all the same: unspecialised,
// every call looked up the generic metadata of its stage tuples and arrays (0.4 % of a MogaNet-T forward, on
// the main thread while the workers wait).
extension PointwiseConvolution {
    /// `epilogue(conv(input(x)))` (see ``PointwiseEpilogue``) in one pass over the pixels.
    /// - Precondition: `x` is NCHW with `Cin` channels; the input transform has `Cin` channels; the
    ///   epilogue's per-channel arrays have `Cout` entries and its tensors the output shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func callAsFunction(_ x: Tensor<Scalar>, input: PointwiseInput<Scalar> = .identity,
                                epilogue: PointwiseEpilogue<Scalar>, threads: Int) -> Tensor<Scalar> {
        Self.fused(x, input: input, stages: [(self, epilogue)], threads: threads, variant: .best)
    }

    /// `epilogue(conv(input(stencil(x))))`: the input read through a depthwise 3×3 stencil with its
    /// activation (``PointwiseStencil``), which is never stored.
    /// - Precondition: as ``callAsFunction(_:input:epilogue:threads:)``, and the stencil has `Cin` channels.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func callAsFunction(_ x: Tensor<Scalar>, stencil: PointwiseStencil<Scalar>, input: PointwiseInput<Scalar> = .identity,
                                epilogue: PointwiseEpilogue<Scalar>, threads: Int) -> Tensor<Scalar> {
        Self.fused(x, stencil: stencil, input: input, stages: [(self, epilogue)], threads: threads, variant: .best)
    }

    /// `second(first(input(x)))` with each layer's epilogue, the hidden map never materialised in full
    /// (Float: one strip of pixels at a time, kept in cache).
    /// - Precondition: `first` has `Cout == second.Cin`; `hidden` has per-channel steps only.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package static func chain(_ x: Tensor<Scalar>, input: PointwiseInput<Scalar> = .identity,
                              _ first: PointwiseConvolution, hidden: PointwiseEpilogue<Scalar>,
                              _ second: PointwiseConvolution, epilogue: PointwiseEpilogue<Scalar>, threads: Int) -> Tensor<Scalar> {
        precondition(first.outputChannels == second.inputChannels,
                     "PointwiseConvolution.chain: \(first.outputChannels) hidden channels into a layer of \(second.inputChannels) inputs")
        precondition(hidden.isPerChannel, "PointwiseConvolution.chain: the hidden epilogue may only use per-channel steps")
        return fused(x, input: input, stages: [(first, hidden), (second, epilogue)], threads: threads, variant: .best)
    }

    /// `epilogue(conv(col))` for the im2col matrix `col` that `windows` reads (``ConvolutionWindows``): a dense
    /// convolution whose weight, viewed as `[Cout, Cin·kh·kw]`, is this 1×1 convolution's.
    /// - Precondition: `windows` has one window per input channel; the epilogue's tensors have the output shape.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func callAsFunction(windows: ConvolutionWindows<Scalar>, epilogue: PointwiseEpilogue<Scalar>, threads: Int) -> Tensor<Scalar> {
        self(windows: windows, epilogue: epilogue, threads: threads, variant: .best)
    }

    /// As ``callAsFunction(windows:epilogue:threads:)`` on `variant` (tests pick each; Double ignores it).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(windows: ConvolutionWindows<Scalar>, epilogue: PointwiseEpilogue<Scalar>, threads: Int,
                        variant: PointwiseKernel.Variant) -> Tensor<Scalar> {
        DebugBuildWarning.check()
        precondition(windows.offsets.count == inputChannels,
                     "PointwiseConvolution: \(windows.offsets.count) windows for \(inputChannels) input channels")
        precondition(threads >= 1, "PointwiseConvolution: threads must be ≥ 1, got \(threads)")
        let outShape = [windows.planes.shape[0], outputChannels, windows.output.height, windows.output.width]
        if let a = epilogue.affine { precondition(a.scale.count == outputChannels, "PointwiseEpilogue: affine has \(a.scale.count) channels, output \(outputChannels)") }
        precondition(epilogue.isPerChannel, "PointwiseConvolution: a windowed input takes per-channel epilogue steps only")
        return Scalar._pointwiseFused(_PointwiseJob(x: windows.planes, stencil: nil, windows: windows, input: .identity,
                                                    stages: [(self, epilogue)], outShape: outShape, threads: threads, variant: variant))
    }

    /// The fused forward of one or two stages on `variant` (tests pick each; Double ignores it).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func fused(_ x: Tensor<Scalar>, stencil: PointwiseStencil<Scalar>? = nil, input: PointwiseInput<Scalar>,
                      stages: [(conv: PointwiseConvolution, epilogue: PointwiseEpilogue<Scalar>)],
                      threads: Int, variant: PointwiseKernel.Variant) -> Tensor<Scalar> {
        DebugBuildWarning.check()
        let first = stages[0].conv, last = stages[stages.count - 1].conv
        precondition(x.rank == 4 && x.shape[1] == first.inputChannels,
                     "PointwiseConvolution: input must be [N, \(first.inputChannels), H, W], got \(x.shape)")
        if let stencil {
            precondition(stencil.channels == first.inputChannels && stencil.weight.count == 9 * stencil.channels
                         && (stencil.bias.map { $0.count == stencil.channels } ?? true),
                         "PointwiseConvolution: stencil of \(stencil.channels) channels, input \(first.inputChannels)")
        }
        precondition(threads >= 1, "PointwiseConvolution: threads must be ≥ 1, got \(threads)")
        switch input {
        case .identity: break
        case .affine(let a): precondition(a.scale.count == first.inputChannels, "PointwiseConvolution: input affine has \(a.scale.count) channels, input \(first.inputChannels)")
        case .layerNorm(let ln): precondition(ln.channels == first.inputChannels, "PointwiseConvolution: input LayerNorm has \(ln.channels) channels, input \(first.inputChannels)")
        case .decompose(let w, _, let s):
            precondition(w.count == first.inputChannels && s.count == first.inputChannels,
                         "PointwiseConvolution: decomposition has \(w.count) weights and \(s.count) scales, input \(first.inputChannels)")
        }
        for (index, (conv, e)) in stages.enumerated() {
            let shape = [x.shape[0], conv.outputChannels, x.shape[2], x.shape[3]]
            if let a = e.affine { precondition(a.scale.count == conv.outputChannels, "PointwiseEpilogue: affine has \(a.scale.count) channels, output \(conv.outputChannels)") }
            if let s = e.residualScale { precondition(s.count == conv.outputChannels, "PointwiseEpilogue: \(s.count) residual scales for \(conv.outputChannels) channels") }
            if let a = e.addAffine { precondition(a.scale.count == conv.outputChannels, "PointwiseEpilogue: add affine has \(a.scale.count) channels, output \(conv.outputChannels)") }
            for t in [e.multiply, e.add, e.residual] {
                if let t { precondition(t.shape == shape, "PointwiseEpilogue: tensor \(t.shape) for output \(shape)") }
            }
            if index > 0 { precondition(stages[index - 1].conv.outputChannels == conv.inputChannels, "PointwiseConvolution: chained channels differ") }
        }
        let outShape = [x.shape[0], last.outputChannels, x.shape[2], x.shape[3]]
        return Scalar._pointwiseFused(_PointwiseJob(x: x, stencil: stencil, input: input, stages: stages, outShape: outShape,
                                                    threads: threads, variant: variant))
    }
}

/// One checked forward of ``PointwiseConvolution``'s fused form, handed to the scalar type's own engine
/// (``TensorScalar/_pointwiseFused(_:)``: Float's packed C kernel, Double's GEMM reference path). An
/// implementation detail of the closed ``TensorScalar`` protocol: public because the requirement is, with
/// nothing public inside.
@_documentation(visibility: internal)
public struct _PointwiseJob<Scalar: TensorScalar> {
    let x: Tensor<Scalar>
    let stencil: PointwiseStencil<Scalar>?
    /// Set when `x` is not a map but the windows of a dense convolution's input (``ConvolutionWindows``,
    /// whose planes `x` is): the 1×1 convolution then multiplies the weights with the im2col matrix.
    var windows: ConvolutionWindows<Scalar>? = nil
    let input: PointwiseInput<Scalar>
    let stages: [(conv: PointwiseConvolution<Scalar>, epilogue: PointwiseEpilogue<Scalar>)]
    let outShape: [Int]
    let threads: Int
    /// The packed kernel's variant (tests pick each; Double ignores it).
    let variant: PointwiseKernel.Variant
}
