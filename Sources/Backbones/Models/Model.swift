import GlobalConv

/// A whole backbone with loaded weights: PyTorch's eval-mode forward of an official classification
/// model (Docs/models.md), from the image to the logits.
///
/// Built from a typed ``Config`` (the official constructor's keyword arguments that change the eval
/// math, under their official names; `Codable`) and a state_dict keyed exactly as the official class
/// names it, loaded strictly: every missing, unexpected and mis-shaped key is reported together in one
/// ``StateDictError`` whose `block` is the model id (`num_batches_tracked` is ignored). Every spatial
/// (depthwise) convolution of the blocks runs through the GlobalConv engine on the requested `path`;
/// stems, downsamplers and heads are GEMMs. Models are immutable values, safe to call from many tasks.
public protocol Model<Scalar>: Sendable {
    associatedtype Scalar: TensorScalar
    associatedtype Config: Codable, Sendable, Equatable

    /// The family id of the fixtures (`convnext`, `van`, …).
    static var id: String { get }

    /// The configuration the model was built with.
    var config: Config { get }

    /// Reads a fixture's `config` object: an optional `"preset"` (an official preset name) and the
    /// official keyword arguments overriding it; missing keys take the official defaults.
    /// - Throws: ``BackboneError/config(block:message:)`` for an unknown key or preset, a value of the
    ///   wrong type or out of range.
    static func parseConfig(_ config: BlockConfig) throws(BackboneError) -> Config

    /// Builds the model. - Throws: ``BackboneError/config(block:message:)`` for an inconsistent config,
    /// ``BackboneError/stateDict(_:)`` listing every missing, unexpected and mis-shaped key.
    init(config: Config, stateDict: [String: Tensor<Scalar>]) throws(BackboneError)

    /// The per-stage maps `[N, C_s, H_s, W_s]`, s = 0…3 (what each family's stage hands on; one map, the last
    /// block's output, for the isotropic GFNet; Docs/models.md).
    /// - Throws: ``BackboneError/input(block:message:)`` for an input that is not `[N, in_chans, H, W]`
    ///   or too small for the strided layers.
    func features(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> [Tensor<Scalar>]

    /// The head on the last of ``features(_:path:options:)``'s maps: the family's pooling, norm and
    /// `Linear`, giving the logits `[N, num_classes]` — or, where ``hasClassifier`` is false (`num_classes`
    /// 0, whose official head is `nn.Identity`), the pooled features `[N, C]` the official forward returns.
    func logits(_ last: Tensor<Scalar>, threads: Int) throws(BackboneError) -> Tensor<Scalar>

    /// Whether the model ends in a classifier (`Linear` to `num_classes`); false for the families whose
    /// official class takes `num_classes` 0 as "no head" (VAN, MogaNet, GFNet) and for dense-prediction forms.
    var hasClassifier: Bool { get }

    /// Whether the model is a dense-prediction form (RepLKNet with `out_indices`, UniRepLKNet with `init_cfg`, MogaNet with `fork_feat`): its output is
    /// ``features(_:path:options:)`` alone, and ``logits(_:threads:)`` (so `forward`) throws a config error.
    var isDensePrediction: Bool { get }
}

extension Model {
    public var hasClassifier: Bool { true }
    public var isDensePrediction: Bool { false }
}

extension Model {
    /// Builds the model from `config` JSON text (`{}` or empty: the official defaults) and a state_dict.
    public init(configJSON: String, stateDict: consuming [String: Tensor<Scalar>]) throws(BackboneError) {
        try self.init(config: Self.parseConfig(BlockConfig(block: Self.id, json: configJSON)), stateDict: consume stateDict)
    }

    /// The logits `[N, num_classes]` of an image batch `[N, in_chans, H, W]`: the head
    /// (``logits(_:threads:)``) on the last feature map.
    /// - Throws: as ``features(_:path:options:)``.
    public func forward(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(BackboneError) -> Tensor<Scalar> {
        let maps = try features(x, path: path, options: options)
        return try logits(maps[maps.count - 1], threads: options.threads)
    }

    /// `forward` on the `.auto` path with default options.
    public func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                               options: ExecutionOptions = .default) throws(BackboneError) -> Tensor<Scalar> {
        try forward(x, path: path, options: options)
    }
}

extension BlockConfig {
    /// The preset named by `"preset"` (one of `presets`' keys), or `defaultValue` when the key is absent.
    mutating func preset<C>(_ presets: [String: C], default defaultValue: C) throws(BackboneError) -> C {
        guard has("preset") else { return defaultValue }
        let name = try string("preset", allowed: presets.keys.sorted())
        return presets[name]!
    }
}
