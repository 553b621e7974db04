import GlobalConv
import RealModule

/// The element-wise nonlinearities of the blocks, in PyTorch's exact forms.
///
/// - `gelu`: `0.5·x·(1 + erf(x·(1/√2)))` (`nn.GELU()`, `approximate='none'`), erf from the C library.
/// - `silu`: `x / (1 + exp(−x))` (`nn.SiLU`); −0 for very negative `x`, as PyTorch.
/// - `relu`: `max(x, 0)` (NaN stays NaN).
public enum Activation: String, Sendable, CaseIterable {
    case gelu, silu, relu

    /// The activation of one value.
    @inlinable
    public func callAsFunction<S: TensorScalar>(_ x: S) -> S {
        switch self {
        case .gelu: return S(0.5) * x * (1 + S.erf(x * S(0.70710678118654752440084436210484903928)))
        case .silu: return x / (1 + S.exp(-x))
        case .relu: return x.isNaN ? x : (x > 0 ? x : 0)
        }
    }

    /// The activation of every element of `x`.
    public func callAsFunction<S: TensorScalar>(_ x: Tensor<S>) -> Tensor<S> {
        var y = x
        apply(to: &y)
        return y
    }

    /// Applies the activation to every element of `x`, in place.
    public func apply<S: TensorScalar>(to x: inout Tensor<S>) {
        x.withUnsafeMutableBufferPointer { b in
            for i in b.indices { b[i] = self(b[i]) }
        }
    }
}
