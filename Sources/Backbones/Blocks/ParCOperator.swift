import GlobalConv

/// ParC-Net's `ParC_operator` along one axis: `x' = x + pe` (pe broadcast along the other axis), then the
/// global circular correlation `y[i] = b + Σ_{k<N} w[k]·x'[(i+k) mod N]` along the axis (the engine's
/// `CircularConvolution1D` on the requested path). When the input length `N` differs from the learned
/// `K`, kernel and pe are resized to `N` with ``AlignCornersResize`` (PyTorch's `align_corners=True`
/// linear rule), separately per channel. Keys `gcc_conv.weight [C,1,K,1]` (H) / `[C,1,1,K]` (W),
/// `gcc_conv.bias [C]`, `pe [1,C,K,1]` / `[1,C,1,K]` (when used).
///
/// The resized convolution is built once per input length and cached (with its kernel spectra); the
/// cache is synchronised, so the operator may be called from many tasks.
struct ParCOperator<Scalar: TensorScalar>: Sendable {
    let axis: ConvolutionAxis
    let channels: Int
    let kernelSize: Int
    let weight: Tensor<Scalar>
    let bias: Tensor<Scalar>
    let pe: Tensor<Scalar>?
    private let instances = InstanceCache()

    final class InstanceCache: Sendable {
        let storage = BoundedCache<Int, Instance>(capacity: 16)
    }

    init(_ s: StateDictScope<Scalar>, channels c: Int, axis: ConvolutionAxis, kernelSize k: Int, usePE: Bool) throws(BackboneError) {
        let shape = axis == .height ? [c, 1, k, 1] : [c, 1, 1, k]
        (self.axis, channels, kernelSize) = (axis, c, k)
        weight = try s.take("gcc_conv.weight", shape)
        bias = try s.take("gcc_conv.bias", [c])
        pe = try usePE ? s.take("pe", axis == .height ? [1, c, k, 1] : [1, c, 1, k]) : nil
    }

    /// The convolution and position embedding for input length `n`.
    func instance(length n: Int) throws(BackboneError) -> (conv: CircularConvolution1D<Scalar>, pe: [Scalar]?) {
        try instances.storage.value(for: n) { () throws(BackboneError) in try makeInstance(length: n) }
    }

    /// A resized convolution and position embedding (see ``instance(length:)``).
    typealias Instance = (conv: CircularConvolution1D<Scalar>, pe: [Scalar]?)

    private func makeInstance(length n: Int) throws(BackboneError) -> Instance {
        let w = AlignCornersResize.linear(weight.scalars, rows: channels, from: kernelSize, to: n)
        let p = pe.map { AlignCornersResize.linear($0.scalars, rows: channels, from: kernelSize, to: n) }
        let conv: CircularConvolution1D<Scalar>
        do {
            conv = try CircularConvolution1D(weight: Tensor(shape: axis == .height ? [channels, 1, n, 1] : [channels, 1, 1, n], scalars: w),
                                             bias: bias, axis: axis)
        } catch { throw .convolution(error) }
        return (conv: conv, pe: p)
    }

    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        let inst = try instance(length: axis == .height ? x.shape[2] : x.shape[3])
        // x + pe is formed in the copy each path makes of a plane (one rounding, as PyTorch's add).
        do { return try inst.conv(x, adding: inst.pe, path: path, options: options) } catch { throw .convolution(error) }
    }
}
