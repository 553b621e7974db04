import GlobalConv

/// A LayerNorm over the channels of each pixel of an NCHW map, made of a `[C]` weight and bias and an
/// `eps`: what ``LayerNormChannelsFirst`` and ``LayerNormChannelsLast`` share. They take the same
/// parameters, check them the same way and load them from the same state_dict keys (`weight`, `bias`);
/// only their arithmetic (rounding) differs.
package protocol PixelLayerNorm<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar

    /// The layer from its parameters (checked with ``checkParameters(weight:bias:eps:layer:)``).
    init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, eps: Scalar)
}

extension PixelLayerNorm {
    /// Loads `weight` and `bias` (`[channels]`) under `scope`.
    init(_ scope: StateDictScope<Scalar>, channels: Int, eps: Scalar) throws(BackboneError) {
        try self.init(weight: scope.take("weight", [channels]), bias: scope.take("bias", [channels]), eps: eps)
    }

    /// Stops with a message naming `layer` unless `weight` and `bias` are `[C]` with `C ≥ 1` and `eps ≥ 0`.
    static func checkParameters(weight: Tensor<Scalar>, bias: Tensor<Scalar>, eps: Scalar, layer: String) {
        precondition(weight.rank == 1 && weight.count >= 1 && bias.shape == weight.shape,
                     "\(layer): weight and bias must be [C], got \(weight.shape), \(bias.shape)")
        precondition(eps >= 0, "\(layer): eps must be ≥ 0, got \(eps)")
    }
}
