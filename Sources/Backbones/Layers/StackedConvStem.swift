import GlobalConv

/// The 4× stem of MogaNet (`patch_embed1.projection`, the official `StackConvPatchEmbed`) and UniRepLKNet
/// (`downsample_layers.0`): two 3×3 stride-2 convolutions with padding 1, each followed by a norm, GELU
/// between them:
/// ```
/// Conv(in→C/2) (key 0) → norm (1) → GELU → Conv(C/2→C) (3) → norm (4)      ⌈H/4⌉ × ⌈W/4⌉
/// ```
/// Immutable; thread-safe.
struct StackedConvStem<Scalar: TensorScalar, Norm: MapNorm<Scalar>>: Sendable {
    let first: ConvNorm<Scalar, Norm>
    let second: ConvNorm<Scalar, Norm>

    /// Loads keys `0`, `1`, `3`, `4` under `s` (in that order), each norm with `loadNorm(scope, channels)`.
    init(_ s: StateDictScope<Scalar>, in cin: Int, out cout: Int,
         loadNorm: (StateDictScope<Scalar>, Int) throws(BackboneError) -> Norm) throws(BackboneError) {
        first = try ConvNorm(s, conv: "0", norm: "1", in: cin, out: cout / 2, kernel: 3, stride: 2, padding: 1, loadNorm: loadNorm)
        second = try ConvNorm(s, conv: "3", norm: "4", in: cout / 2, out: cout, kernel: 3, stride: 2, padding: 1, loadNorm: loadNorm)
    }

    /// The stem on `x` (`[N, in, H, W]`), on `threads` threads; `model` names the model in an input error.
    func callAsFunction(_ x: Tensor<Scalar>, threads: Int, model: String) throws(BackboneError) -> Tensor<Scalar> {
        try second(first(x, threads: threads, model: model, activation: .gelu), threads: threads, model: model)
    }
}
