import GlobalConv
import LargeKernel

extension BatchNormParameters {
    /// Reads `weight`, `bias`, `running_mean`, `running_var` (each `[channels]`) under `scope`.
    /// - Throws: the loader's errors; ``BackboneError/largeKernel(_:)`` when some `var + eps` is not
    ///   positive and finite.
    init(_ scope: StateDictScope<Scalar>, channels: Int, eps: Scalar = 1e-5) throws(BackboneError) {
        self = try BatchNormTensors(scope, channels: channels).parameters(eps: eps)
    }
}

/// `nn.BatchNorm2d` in eval mode, the former layer type: a thin wrapper over LargeKernel's
/// ``BatchNormParameters`` (the one eval BatchNorm), which traps instead of throwing and normalises in the
/// folded form (``BatchNormParameters/callAsFunction(_:threads:)``).
@available(*, deprecated, message: "use LargeKernel's BatchNormParameters (the folded form is its callAsFunction)")
public struct BatchNorm2d<Scalar: TensorScalar>: Sendable {
    /// The BatchNorm itself.
    public let parameters: BatchNormParameters<Scalar>

    public var weight: Tensor<Scalar> { parameters.weight }
    public var bias: Tensor<Scalar> { parameters.bias }
    public var runningMean: Tensor<Scalar> { parameters.runningMean }
    public var runningVar: Tensor<Scalar> { parameters.runningVar }
    public var eps: Scalar { parameters.eps }
    public var channels: Int { parameters.channels }

    /// - Precondition: all four tensors are `[C]` with `C ≥ 1`, each `var + eps` positive and finite.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, runningMean: Tensor<Scalar>,
                runningVar: Tensor<Scalar>, eps: Scalar = 1e-5) {
        do {
            parameters = try BatchNormParameters(weight: weight, bias: bias, runningMean: runningMean,
                                                 runningVar: runningVar, eps: eps)
        } catch {
            preconditionFailure("BatchNorm2d: \(error)")
        }
    }

    /// Normalises `x` (`[N, C, H, W]`). - Precondition: `x` has this layer's `C`.
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> { parameters(x) }
}
