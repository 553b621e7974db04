import GlobalConv

/// The config of `conv2d.depthwise` (``DepthwiseConvolutionBlock``): the keys of Docs/blocks.md under
/// their JSON names (`channels`, `kernel_size`, `dilation`, `padding`, `padding_mode`, `bias`).
/// Decoding gives a missing optional key its default below.
public struct DepthwiseConvolutionBlockConfig: Codable, Sendable, Equatable {
    /// `"zeros"` or `"circular"`.
    public enum PaddingMode: String, Codable, Sendable { case zeros, circular }

    /// C, the channels (required, ≥ 1).
    public var channels: Int
    /// `[kh, kw]` (required, each ≥ 1; JSON also takes one integer for both).
    public var kernelSize: [Int]
    /// `[dh, dw]`, default `[1, 1]`.
    public var dilation: [Int]
    /// `[ph, pw]`, each ≥ 0, default `[0, 0]`.
    public var padding: [Int]
    /// Default `.zeros`.
    public var paddingMode: PaddingMode
    /// Whether the conv has a bias; default `true`.
    public var bias: Bool

    enum CodingKeys: String, CodingKey {
        case channels, kernelSize = "kernel_size", dilation, padding, paddingMode = "padding_mode", bias
    }

    public init(channels: Int, kernelSize: [Int], dilation: [Int] = [1, 1], padding: [Int] = [0, 0],
                paddingMode: PaddingMode = .zeros, bias: Bool = true) {
        (self.channels, self.kernelSize, self.dilation, self.padding, self.paddingMode, self.bias) =
            (channels, kernelSize, dilation, padding, paddingMode, bias)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(channels: try c.decode(Int.self, forKey: .channels),
                  kernelSize: try c.decodePair(forKey: .kernelSize),
                  dilation: try c.decodePairIfPresent(forKey: .dilation) ?? [1, 1],
                  padding: try c.decodePairIfPresent(forKey: .padding) ?? [0, 0],
                  paddingMode: try c.decodeIfPresent(PaddingMode.self, forKey: .paddingMode) ?? .zeros,
                  bias: try c.decodeIfPresent(Bool.self, forKey: .bias) ?? true)
    }

    /// Reads a JSON config with ``BlockConfig``'s checks (every missing and unknown key in one error).
    public static func parse(_ config: BlockConfig) throws(BackboneError) -> Self {
        var c = config
        let channels = try c.inputChannels("channels")
        let k = try c.pair("kernel_size")
        let d = try c.pair("dilation", default: [1, 1])
        let p = try c.pair("padding", default: [0, 0], minimum: 0)
        let mode = try c.string("padding_mode", default: "zeros", allowed: ["zeros", "circular"])
        let bias = try c.bool("bias", default: true)
        try c.finish()
        return Self(channels: channels, kernelSize: k, dilation: d, padding: p, paddingMode: mode == "circular" ? .circular : .zeros, bias: bias)
    }
}

/// `values` has two entries (the typed path; JSON parsing guarantees it).
func checkPair(_ values: [Int], _ key: String, block: String) throws(BackboneError) {
    guard values.count == 2 else { throw .config(block: block, message: "\"\(key)\" must be an array of 2 integers, got \(values)") }
}

extension KeyedDecodingContainer {
    /// An integer pair spelt `[a, b]` or `n` (both), as PyTorch's `_pair` and ``BlockConfig/pair(_:default:minimum:)``.
    func decodePair(forKey key: Key) throws -> [Int] {
        if let n = try? decode(Int.self, forKey: key) { return [n, n] }
        return try decode([Int].self, forKey: key)
    }

    func decodePairIfPresent(forKey key: Key) throws -> [Int]? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodePair(forKey: key)
    }
}
