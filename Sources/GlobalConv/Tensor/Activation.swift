import RealModule

/// The element-wise nonlinearities of the blocks and of the fused kernels, in PyTorch's exact forms (one
/// home: the layers apply it to tensors, and a 1×1 convolution's epilogue, a depthwise convolution or a
/// stencil take an `Activation?`, `nil` for none).
///
/// - `gelu`: `0.5·x·(1 + erf(x·(1/√2)))` (`nn.GELU()`, `approximate='none'`). Double: erf from the C
///   library. Float tensors: the vectorised kernel of `CVectorMath`, which evaluates erf as PyTorch's own
///   vectorised CPU kernel does (Abramowitz & Stegun 7.1.26, |erf error| ≤ 1.5e-7), so the GELU error is
///   at most `0.5·|x|·1.5e-7` plus rounding (Docs/numerics.md).
/// - `silu`: `x / (1 + exp(−x))` (`nn.SiLU`); −0 for very negative `x`, as PyTorch. Float tensors use
///   the vectorised expf of `CVectorMath` (~1 ulp).
/// - `relu`: `max(x, 0)` (NaN stays NaN).
public enum Activation: String, Sendable, CaseIterable {
    case gelu, silu, relu

    /// The activation of one value.
    @inlinable
    @_specialize(where S == Float)
    @_specialize(where S == Double)
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
    public func apply<S: TensorScalar>(to x: inout Tensor<S>) { apply(to: &x, threads: 1) }

    /// Applies the activation to every element of `x`, in place, on up to `threads` participants of the
    /// parallel runtime (chunks of 16 Ki elements; each element's result is the same whatever the split).
    public func apply<S: TensorScalar>(to x: inout Tensor<S>, threads: Int) {
        x.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            // The scalar type's own kernel (Float: CVectorMath), chunk by chunk.
            parallelChunks(b.count, threads: threads, grain: 16_384) { r in self.apply(to: base + r.lowerBound, count: r.count) }
        }
    }

    /// Applies the activation in place to `count` values at `values`: `S`'s own kernel (Float: the
    /// vectorised kernels of `CVectorMath`, the same functions as the 1×1 convolutions' epilogues;
    /// Double: the per-value form above).
    package func apply<S: TensorScalar>(to values: UnsafeMutablePointer<S>, count: Int) {
        guard count > 0 else { return }
        switch self {
        case .gelu: S._applyGELU(values, count: count)
        case .silu: S._applySiLU(values, count: count)
        case .relu: S._applyReLU(values, count: count)
        }
    }
}

/// The fused kernels' activation slot: `nil` is no activation.
extension Optional where Wrapped == Activation {
    /// The reference form of one value (`x` itself for `nil`).
    @inlinable
    package func apply<S: TensorScalar>(_ x: S) -> S {
        switch self {
        case .none: x
        case .some(let a): a(x)
        }
    }

    /// Applies the activation in place to `count` values at `values` (nothing for `nil`).
    package func apply<S: TensorScalar>(to values: UnsafeMutablePointer<S>, count: Int) {
        self?.apply(to: values, count: count)
    }
}
