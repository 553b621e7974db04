import GlobalConv
import LargeKernel

/// The four tensors of a BatchNorm under a scope, taken during strict loading; turned into LargeKernel's
/// `BatchNormParameters` after the state_dict check passed.
struct BatchNormTensors<Scalar: TensorScalar>: Sendable {
    let weight: Tensor<Scalar>, bias: Tensor<Scalar>, mean: Tensor<Scalar>, variance: Tensor<Scalar>

    init(_ s: StateDictScope<Scalar>, channels c: Int) throws(BackboneError) {
        (weight, bias, mean, variance) = try (s.take("weight", [c]), s.take("bias", [c]), s.take("running_mean", [c]), s.take("running_var", [c]))
    }

    func parameters(eps: Scalar = 1e-5) throws(BackboneError) -> BatchNormParameters<Scalar> {
        try largeKernel { () throws(LargeKernelError) in
            try BatchNormParameters(weight: weight, bias: bias, runningMean: mean, runningVar: variance, eps: eps)
        }
    }
}

extension BatchNormParameters {
    /// Reads `weight`, `bias`, `running_mean`, `running_var` (each `[channels]`) under `scope`.
    /// - Throws: the loader's errors; ``BackboneError/largeKernel(_:)`` when some `var + eps` is not
    ///   positive and finite.
    init(_ scope: StateDictScope<Scalar>, channels: Int, eps: Scalar = 1e-5) throws(BackboneError) {
        self = try BatchNormTensors(scope, channels: channels).parameters(eps: eps)
    }
}
