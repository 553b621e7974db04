import Testing
import GlobalConv
import Verification
@testable import Backbones

/// Hand-derived identities of the blocks: zero layer scales give the residual, the global filter
/// with a pure phase spectrum is a circular shift, the depthwise block is the reference conv.
@Suite("Block identities")
struct BlockIdentityTests {
    @Test("convnext.block with γ = 0 returns its input exactly", arguments: ConvolutionPath.allCases)
    func convNeXtZeroGamma(path: ConvolutionPath) throws {
        var sd = convNeXtStateDict(dim: 4, kernel: 5)
        sd["gamma"] = Tensor(zeros: [4])
        let block = try ConvNeXtBlock<Double>(configJSON: #"{"dim": 4, "kernel_size": 5}"#, stateDict: sd)
        let x = Tensor<Double>.random(shape: [2, 4, 3, 6], seed: 20)
        #expect(try block(x, path: path) == x)
    }

    @Test("convnext.block with pwconv2 = 0 adds γ ⊙ pwconv2.bias to every pixel")
    func convNeXtBiasOnly() throws {
        var sd = convNeXtStateDict(dim: 4, kernel: 5)
        sd["pwconv2.weight"] = Tensor(zeros: [4, 16])
        let block = try ConvNeXtBlock<Double>(configJSON: #"{"dim": 4, "kernel_size": 5}"#, stateDict: sd)
        let x = Tensor<Double>.random(shape: [1, 4, 3, 2], seed: 21)
        let y = try block(x, path: .direct)
        for c in 0..<4 { for p in 0..<6 {
            let expected = x[0, c, p / 2, p % 2] + sd["gamma"]!.scalars[c] * sd["pwconv2.bias"]!.scalars[c]
            #expect(abs(y[0, c, p / 2, p % 2] - expected) <= 1e-15 * 4)
        } }
    }

    @Test("conv2d.depthwise equals the Float64 reference convolution", arguments: ConvolutionPath.allCases)
    func depthwiseBlockIsTheConvolution(path: ConvolutionPath) throws {
        let sd: [String: Tensor<Double>] = ["weight": .random(shape: [3, 1, 3, 5], seed: 22), "bias": .random(shape: [3], seed: 23)]
        let block = try DepthwiseConvolutionBlock<Double>(
            configJSON: #"{"channels": 3, "kernel_size": [3, 5], "dilation": [2, 1], "padding": [2, 2], "padding_mode": "circular"}"#,
            stateDict: sd)
        let x = Tensor<Double>.random(shape: [2, 3, 5, 4], seed: 24)
        let g = try ConvolutionGeometry2D(kernel: Size2D(height: 3, width: 5), dilation: Size2D(height: 2, width: 1),
                                          padding: Size2D(2), paddingMode: .circular)
        let ref = Reference.depthwise2D(input: x, weight: sd["weight"]!, bias: sd["bias"]!, geometry: g)
        let y = try block(x, path: path)
        #expect(y.shape == ref.shape)
        for i in 0..<ref.output.count { #expect(abs(y.scalars[i] - ref.output[i]) <= 1e-13 * max(1, ref.magnitude[i])) }
    }

    @Test("moganet.block with zero layer scales returns its input exactly")
    func mogaZeroScales() throws {
        let d = 8, hd = 16
        var sd: [String: Tensor<Double>] = [:]
        var seed: UInt64 = 30
        func put(_ k: String, _ s: [Int]) { seed += 1; sd[k] = .random(shape: s, in: 0.5...1.5, seed: seed) }
        for n in ["norm1", "norm2"] { for k in ["weight", "bias", "running_mean", "running_var"] { put("\(n).\(k)", [d]) } }
        for p in ["attn.proj_1", "attn.gate", "attn.proj_2", "attn.value.PW_conv"] { put("\(p).weight", [d, d, 1, 1]); put("\(p).bias", [d]) }
        put("attn.value.DW_conv0.weight", [d, 1, 5, 5]); put("attn.value.DW_conv0.bias", [d])
        put("attn.value.DW_conv1.weight", [3, 1, 5, 5]); put("attn.value.DW_conv1.bias", [3])
        put("attn.value.DW_conv2.weight", [4, 1, 7, 7]); put("attn.value.DW_conv2.bias", [4])
        put("attn.sigma.scale", [1, d, 1, 1])
        put("mlp.fc1.weight", [hd, d, 1, 1]); put("mlp.fc1.bias", [hd]); put("mlp.fc2.weight", [d, hd, 1, 1]); put("mlp.fc2.bias", [d])
        put("mlp.dwconv.weight", [hd, 1, 3, 3]); put("mlp.dwconv.bias", [hd])
        put("mlp.decompose.weight", [1, hd, 1, 1]); put("mlp.decompose.bias", [1]); put("mlp.sigma.scale", [1, hd, 1, 1])
        sd["layer_scale_1"] = Tensor(zeros: [1, d, 1, 1]); sd["layer_scale_2"] = Tensor(zeros: [1, d, 1, 1])
        let block = try MogaBlock<Double>(configJSON: #"{"dim": 8, "ffn_ratio": 2}"#, stateDict: sd)
        let x = Tensor<Double>.random(shape: [1, d, 4, 5], seed: 40)
        #expect(try block(x, path: .direct) == x)
    }

    @Test("gfnet.block with fc2 = 0 adds fc2.bias to every token; an input of the wrong size is an error")
    func gfnetBiasOnly() throws {
        let (d, h, w) = (4, 5, 4)
        var sd: [String: Tensor<Double>] = [:]
        for n in ["norm1", "norm2"] { sd["\(n).weight"] = .random(shape: [d], seed: 50); sd["\(n).bias"] = .random(shape: [d], seed: 51) }
        sd["filter.complex_weight"] = .random(shape: [h, w, d, 2], seed: 52)
        sd["mlp.fc1.weight"] = .random(shape: [8, d], seed: 53); sd["mlp.fc1.bias"] = .random(shape: [8], seed: 54)
        sd["mlp.fc2.weight"] = Tensor(zeros: [d, 8]); sd["mlp.fc2.bias"] = .random(shape: [d], seed: 55)
        let block = try GFNetBlock<Double>(configJSON: #"{"dim": 4, "h": 5, "w": 4, "mlp_ratio": 2}"#, stateDict: sd)
        for width in [6, 7] {
            let x = Tensor<Double>.random(shape: [2, d, h, width], seed: 56)
            for path in ConvolutionPath.allCases {
                let y = try block(x, path: path)
                for i in 0..<x.count { #expect(y.scalars[i] == x.scalars[i] + sd["mlp.fc2.bias"]!.scalars[(i / (h * width)) % d]) }
            }
        }
        #expect(throws: BackboneError.self) { try block(Tensor<Double>(zeros: [1, d, h, 8])) }
        #expect(throws: BackboneError.self) { try block(Tensor<Double>(zeros: [1, d, 4, 6])) }
    }
}

@Suite("ParC operator")
struct ParCTests {
    private func stateDict(c: Int, k: Int, axis: String) -> [String: Tensor<Double>] {
        ["gcc_conv.weight": .random(shape: axis == "H" ? [c, 1, k, 1] : [c, 1, 1, k], seed: 60),
         "gcc_conv.bias": .random(shape: [c], seed: 61),
         "pe": .random(shape: axis == "H" ? [1, c, k, 1] : [1, c, 1, k], seed: 62)]
    }

    @Test("parc.op along W with N = K is b + Σ_k w[k]·(x + pe)[(j+k) mod W] (Float64 reference)", arguments: ConvolutionPath.allCases)
    func matchesReference(path: ConvolutionPath) throws {
        let (c, k) = (3, 6)
        let sd = stateDict(c: c, k: k, axis: "W")
        let block = try ParCBlock<Double>(configJSON: #"{"channels": 3, "axis": "W", "kernel_size": 6}"#, stateDict: sd)
        let x = Tensor<Double>.random(shape: [2, c, 4, k], seed: 63)
        var shifted = x
        for n in 0..<2 { for ch in 0..<c { for i in 0..<4 { for j in 0..<k { shifted[n, ch, i, j] += sd["pe"]!.scalars[ch * k + j] } } } }
        let ref = Reference.circular1D(input: shifted, weight: sd["gcc_conv.weight"]!.scalars, bias: sd["gcc_conv.bias"]!.scalars, alongHeight: false)
        let y = try block(x, path: path)
        for i in 0..<y.count { #expect(abs(y.scalars[i] - ref.output[i]) <= 1e-14 * max(1, ref.magnitude[i])) }
    }

    @Test("parc.op along H on a map of height 1 uses kernel and pe index 0 (align_corners with one output)")
    func heightOne() throws {
        let (c, k) = (2, 5)
        let sd = stateDict(c: c, k: k, axis: "H")
        let block = try ParCBlock<Double>(configJSON: #"{"channels": 2, "axis": "H", "kernel_size": 5}"#, stateDict: sd)
        let x = Tensor<Double>.random(shape: [1, c, 1, 3], seed: 64)
        let y = try block(x, path: .direct)
        for ch in 0..<c { for j in 0..<3 {
            let expected = sd["gcc_conv.bias"]!.scalars[ch] + sd["gcc_conv.weight"]!.scalars[ch * k] * (x[0, ch, 0, j] + sd["pe"]!.scalars[ch * k])
            #expect(abs(y[0, ch, 0, j] - expected) <= 1e-15)
        } }
    }
}
