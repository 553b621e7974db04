import Testing
import GlobalConv
import TestSupport
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

    @Test("the global filter with spectrum e^{−2πi(u·a₀/H + v·b₀/W)} shifts the map circularly by (a₀, b₀)",
          arguments: [(6, 8, 1, 3), (5, 7, 2, 5), (4, 5, 3, 0)])
    func globalFilterShift(h: Int, w: Int, a0: Int, b0: Int) throws {
        let (c, wHalf) = (2, w / 2 + 1)
        var cw = [Double](repeating: 0, count: h * wHalf * c * 2)
        for u in 0..<h { for v in 0..<wHalf { for ch in 0..<c {
            let phase = -2 * Double.pi * (Double(u * a0) / Double(h) + Double(v * b0) / Double(w))
            cw[((u * wHalf + v) * c + ch) * 2] = cosine(phase)
            cw[((u * wHalf + v) * c + ch) * 2 + 1] = sine(phase)
        } } }
        let k = GlobalFilterKernel.spatialKernel(Tensor(shape: [h, wHalf, c, 2], scalars: cw), width: w)
        for ch in 0..<c { for a in 0..<h { for b in 0..<w {
            #expect(abs(k[(ch * h + a) * w + b] - (a == a0 && b == b0 ? 1 : 0)) <= 1e-14)
        } } }
        let conv: DepthwiseConvolution2D<Double> = try GlobalFilterKernel.correlation(kernel: k, channels: c, height: h, width: w)
        let x = Tensor<Double>.random(shape: [1, c, h, w], seed: 41)
        for path in ConvolutionPath.allCases {
            let y = try conv(x, path: path)
            for ch in 0..<c { for i in 0..<h { for j in 0..<w {
                #expect(abs(y[0, ch, i, j] - x[0, ch, (i - a0 + h) % h, (j - b0 + w) % w]) <= 1e-13)
            } } }
        }
    }

    @Test("the anti-Hermitian part of the DC and Nyquist columns does not reach the kernel (irfft2 drops it)")
    func globalFilterProjection() {
        let (h, w, c) = (4, 6, 1)
        let wHalf = w / 2 + 1
        var cw = [Double](repeating: 0, count: h * wHalf * c * 2)
        // Z[u, v] = i·(u+1) on v = 0 and v = W/2: Hermitian part (Z[u] + conj Z[−u])/2 = i·(u − (−u mod H))/2.
        for u in 0..<h { for v in [0, w / 2] { cw[((u * wHalf + v) * c) * 2 + 1] = Double(u + 1) } }
        let k = GlobalFilterKernel.spatialKernel(Tensor(shape: [h, wHalf, c, 2], scalars: cw), width: w)
        // Independent evaluation: k[a,b] = (1/HW)·Σ_u Σ_{v∈{0,W/2}} Re(P[u,v]·e^{2πi(ua/H + vb/W)}), P projected.
        for a in 0..<h { for b in 0..<w {
            var s = 0.0
            for u in 0..<h { for v in [0, w / 2] {
                let pIm = (Double(u + 1) - Double((h - u) % h + 1)) / 2
                let phase = 2 * Double.pi * (Double(u * a) / Double(h) + Double(v * b) / Double(w))
                s += -pIm * sine(phase)
            } }
            #expect(abs(k[a * w + b] - s / Double(h * w)) <= 1e-14)
        } }
    }
}

import RealModule
private func cosine(_ x: Double) -> Double { Double.cos(x) }
private func sine(_ x: Double) -> Double { Double.sin(x) }
