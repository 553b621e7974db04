import GlobalConv

/// The tests' spelling of the Float64 oracles: generic over the scalar type of the operands, returning
/// flat arrays. Each delegates to the one reference per operation (``DepthwiseReference``,
/// ``CircularReference``) on Float64 copies of the operands; no second implementation.
public enum Reference {
    /// `nn.Conv2d(groups=C)` by its definition, in Float64 (``DepthwiseReference``).
    /// Also returns `magnitude[n,c,i,j] = |b[c]| + Σ |w|·|x̃|`, the scale of the rounding error bound.
    public static func depthwise2D<S: TensorScalar>(
        input: Tensor<S>, weight: Tensor<S>, bias: Tensor<S>?, geometry g: ConvolutionGeometry2D
    ) -> (output: [Double], magnitude: [Double], shape: [Int]) {
        let r = DepthwiseReference.compute(input: input.converted(to: Double.self), weight: weight.converted(to: Double.self),
                                           bias: bias?.converted(to: Double.self), geometry: g)
        return (r.values, r.magnitudes, r.shape)
    }

    /// ParC's global circular correlation along one axis, by its definition, in Float64 (``CircularReference``):
    /// `y[i] = b[c] + Σ_{k<L} w[c,k]·x[(i+k) mod L]` along H (`alongHeight`) or W, `L` the axis length.
    /// `weight` holds `C·L` taps, channel-major. Returns the output and the error-bound magnitudes.
    public static func circular1D<S: TensorScalar>(
        input: Tensor<S>, weight: [S], bias: [S]?, alongHeight: Bool
    ) -> (output: [Double], magnitude: [Double]) {
        let c = input.shape[1]
        let length = alongHeight ? input.shape[2] : input.shape[3]
        let r = CircularReference.compute(
            input: input.converted(to: Double.self),
            weight: Tensor<Double>(shape: [c * length], scalars: weight.map(Double.init)),
            bias: bias.map { Tensor<Double>(shape: [$0.count], scalars: $0.map(Double.init)) },
            axis: alongHeight ? .height : .width)
        return (r.values, r.magnitudes)
    }
}
