import Testing
import Foundation
import GlobalConv
import Verification
@testable import Backbones

/// Strict loading and configuration of whole models.
@Suite("Model loading")
struct ModelLoadingTests {
    private func fixture(_ name: String) throws -> ModelFixture<Double> {
        try ModelFixture<Double>(file: SafetensorsFile(atPath: ModelFixtureFiles.path(name)), source: name)
    }

    @Test("missing, unexpected and mis-shaped keys are reported together, with the model id and full key names",
          arguments: ["convnext-tiny.float64.safetensors", "van-tiny.float64.safetensors", "replknet-odd.float64.safetensors",
                      "replknet-odd-merged.float64.safetensors", "slak-odd.float64.safetensors", "parc_convnext-odd.float64.safetensors",
                      "moganet-odd.float64.safetensors", "gfnet-odd.float64.safetensors",
                      "gfnet_h-odd.float64.safetensors", "unireplknet-odd.float64.safetensors", "unireplknet-odd-deploy.float64.safetensors",
                      "replknet-odd-fused.float64.safetensors", "replknet-odd-fused-unmerged.float64.safetensors",
                      "convnextv2-odd.float64.safetensors"])
    func allProblemsTogether(file: String) throws {
        let f = try fixture(file)
        var sd = f.stateDict
        let merged = f.source.contains("merged") || f.source.contains("deploy")
        let (missing, misshaped, beyond) = switch f.model {
        case "van": ("block2.0.attn.spatial_gating_unit.conv_spatial.weight", "patch_embed3.norm.running_var", "block1.1.layer_scale_1")
        case "unireplknet": (merged ? "stages.1.0.dwconv.lk_origin.bias" : "stages.1.0.dwconv.dil_bn_k3_2.running_mean",
                             merged ? "stages.2.1.pwconv2.0.bias" : "stages.2.1.act.1.beta", "stages.3.1.se.up.bias")
        case "gfnet_h": ("blocks.3.0.gamma", "patch_embed.2.proj.bias", "blocks.1.1.norm1.bias")
        case "convnextv2": ("stages.1.1.grn.beta", "downsample_layers.1.1.weight", "stages.0.1.grn.gamma")
        case "gfnet": ("blocks.1.filter.complex_weight", "pos_embed", "blocks.2.norm1.weight")
        case "moganet": ("blocks3.1.attn.value.DW_conv2.bias", "patch_embed1.projection.3.weight", "blocks4.1.layer_scale_1")
        case "slak": ("stages.1.0.large_kernel.small_conv.bn.running_var", "stages.2.1.large_kernel.LoRA2.conv.weight", "stages.3.1.gamma")
        case "parc_convnext": ("stages.0.0.gcc_W.pe", "stages.1.0.dwconv.weight", "stages.1.2.gamma")
        case "replknet": (f.source.hasPrefix("replknet-odd-fused-unmerged") ? "stages.1.blocks.0.large_kernel.small_conv.conv.bias"
                          : merged || f.source.hasPrefix("replknet-odd-fused.") ? "stages.1.blocks.0.large_kernel.lkb_reparam.bias"
                          : "stages.1.blocks.0.large_kernel.small_conv.bn.weight",
                          "transitions.2.1.conv.weight", "stages.0.blocks.2.prelkb_bn.weight")
        default: ("stages.2.1.dwconv.weight", "downsample_layers.1.1.weight", "stages.0.1.gamma")   // a block beyond the depth
        }
        #expect(sd.removeValue(forKey: missing) != nil && sd[misshaped] != nil && sd[beyond] == nil)
        sd["head.extra"] = Tensor(zeros: [3])
        sd[beyond] = Tensor(zeros: [8])
        sd[misshaped] = Tensor(zeros: [1, 2])
        #expect { try ModelRegistry.make(id: f.model, configJSON: f.config, stateDict: sd) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            let text = s.description
            return s.block == f.model && s.missingKeys == [missing] && s.mismatchedKeys == [misshaped]
                && s.unexpectedKeys.count == 2 && s.unexpectedKeys.contains("head.extra")
                && text.contains(missing) && text.contains(misshaped) && text.contains("head.extra")
        }
    }

    @Test("num_batches_tracked entries are ignored; a head for another class count does not load")
    func numBatchesAndHead() throws {
        let f = try fixture("van-odd.float64.safetensors")
        var sd = f.stateDict
        sd["patch_embed1.norm.num_batches_tracked"] = Tensor(zeros: [])
        _ = try ModelRegistry.make(id: "van", configJSON: f.config, stateDict: sd)
        let other = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":1000")
        #expect(other != f.config)
        #expect { try ModelRegistry.make(id: "van", configJSON: other, stateDict: f.stateDict) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.mismatchedKeys == ["head.bias", "head.weight"]
        }
    }

    @Test("an unknown model id, an unknown config key or preset, and a bad value are descriptive config errors")
    func configErrors() throws {
        let empty: [String: Tensor<Float>] = [:]
        #expect { try ModelRegistry.make(id: "convnxt", configJSON: "{}", stateDict: empty) } throws: { e in
            e as? BackboneError == .unknownModel("convnxt") && "\(e)".contains("convnext, convnextv2, gfnet, gfnet_h, moganet, parc_convnext, replknet, slak, unireplknet, van")
        }
        for (id, json, word) in [("convnext", #"{"depth": [1, 1, 1, 1]}"#, "\"depth\""),
                                 ("convnext", #"{"preset": "convnext_huge"}"#, "convnext_tiny"),
                                 ("convnext", #"{"dims": [8, 16, 24]}"#, "\"dims\""),
                                 ("van", #"{"mlp_ratios": [4, 4, 4]}"#, "\"mlp_ratios\""),
                                 ("van", #"{"embed_dims": [8, 16, 24, 0]}"#, "\"embed_dims\""),
                                 ("replknet", #"{"preset": "replknet_31b", "large_kernel_sizes": [31, 29, 27, 12]}"#, "12"),
                                 ("replknet", #"{"preset": "replknet_31b", "small_kernel": 33}"#, "\"small_kernel\""),
                                 ("slak", #"{"preset": "SLaK_tiny", "kernel_size": [51, 49, 47, 13, 4]}"#, "kernel_size"),
                                 ("parc_convnext", #"{"dims": [4, 8, 13, 16]}"#, "dims[2]"),
                                 ("parc_convnext", #"{"ParC_insert_locs": [0, 1, 1]}"#, "ParC_insert_locs"),
                                 ("moganet", #"{"arch": "huge"}"#, "x-tiny"),
                                 ("moganet", #"{"arch": {"embed_dims": [8, 8, 16, 16], "depths": [1, 1, 1, 1]}}"#, "ffn_ratios"),
                                 ("moganet", #"{"arch": {"embed_dims": [8, 8, 16, 16], "depths": [1, 1, 1, 1], "ffn_ratios": [4, 4, 4, 4], "mlp": 1}}"#, "\"mlp\""),
                                 ("moganet", #"{"arch": {"embed_dims": [8, 8, 16, 20], "depths": [1, 1, 1, 1], "ffn_ratios": [4, 4, 4, 4]}}"#, "divisible"),
                                 ("moganet", #"{"attn_dw_dilation": [1, 2, 4]}"#, "1...3"),
                                 ("gfnet", #"{"preset": "gfnet-h-ti"}"#, "gfnet-ti"),
                                 ("gfnet", #"{"img_size": 8, "patch_size": 16}"#, "img_size"),
                                 ("gfnet_h", #"{"patch_size": 8}"#, "[56, 28, 14, 7]"),
                                 ("gfnet_h", #"{"mlp_ratio": [4, 4, 4]}"#, "\"mlp_ratio\""),
                                 ("unireplknet", #"{"depths": [1, 1, 1, 1], "dims": [8, 8, 8, 8]}"#, "kernel_sizes"),
                                 ("unireplknet", #"{"depths": [1, 1, 1, 1], "dims": [8, 8, 8, 8], "kernel_sizes": [[3], [3], [3, 3], [3]]}"#, "one kernel size per block"),
                                 ("unireplknet", #"{"depths": [1, 1, 1, 1], "dims": [8, 8, 8, 8], "kernel_sizes": [[3], [4], [3], [3]]}"#, "kernel size 4"),
                                 ("unireplknet", #"{"kernel_sizes": [3, 3]}"#, "\"kernel_sizes\"")] {
            #expect { try ModelRegistry.make(id: id, configJSON: json, stateDict: empty) } throws: { e in
                guard case BackboneError.config(let block, let message) = e else { return false }
                return block == id && message.contains(word)
            }
        }
    }

    @Test("implausible sizes are a config error naming the tensor, not an allocation",
          arguments: [("convnext", #"{"dims": [1000000000, 8, 8, 8]}"#), ("van", #"{"embed_dims": [8, 8, 8, 4000000000000]}"#),
                      ("gfnet", #"{"img_size": 1000000, "patch_size": 1, "embed_dim": 8}"#)])
    func implausibleSizes(id: String, json: String) {
        #expect { try ModelRegistry.make(id: id, configJSON: json, stateDict: [String: Tensor<Float>]()) } throws: { e in
            guard case BackboneError.config(let block, let message) = e else { return false }
            return block == id && message.contains("\"")
        }
    }

    @Test("presets parse by their official names, other keys override them, and configs round-trip through Codable")
    func presetsAndCodable() throws {
        var c = try BlockConfig(block: "convnext", json: #"{"preset": "convnext_base", "num_classes": 21841}"#)
        let base = try ConvNeXtConfig.parse(c)
        #expect(base.dims == [128, 256, 512, 1024] && base.depths == [3, 3, 27, 3] && base.numClasses == 21841)
        c = try BlockConfig(block: "van", json: #"{"preset": "van_tiny"}"#)
        #expect(try VANConfig.parse(c) == .b0)
        #expect(VANConfig.presets.count == 11 && ConvNeXtConfig.presets.count == 5 && RepLKNetConfig.presets.count == 3)
        c = try BlockConfig(block: "moganet", json: #"{"arch": "X-Tiny", "attn_force_fp32": true}"#)
        let moga = try MogaNetConfig.parse(c)
        #expect(moga.arch == MogaNetConfig.archZoo["xt"] && moga.attnForceFP32 && MogaNetConfig.archZoo.count == 14)
        #expect(try JSONDecoder().decode(MogaNetConfig.self, from: JSONEncoder().encode(moga)) == moga)
        c = try BlockConfig(block: "gfnet", json: #"{"preset": "gfnet-s", "img_size": 384}"#)
        #expect(try GFNetConfig.parse(c) == GFNetConfig(imgSize: 384, embedDim: 384, depth: 19) && GFNetConfig(imgSize: 384).grid == 24)
        #expect(GFNetHConfig(imgSize: 384).sizes == [96, 48, 24, 12] && GFNetHConfig.presets["gfnet-h-b"]!.depth == [3, 3, 27, 3])
        #expect(try JSONDecoder().decode(GFNetHConfig.self, from: Data(#"{"no_layerscale": true}"#.utf8)) == GFNetHConfig(noLayerscale: true))
        #expect(UniRepLKNetConfig.defaultKernelSizes(depths: [3, 3, 18, 3])?[2].prefix(4) == [13, 3, 13, 3])
        #expect(UniRepLKNetConfig.defaultKernelSizes(depths: [3, 3, 27, 3])?[2].prefix(4) == [13, 3, 3, 13])
        c = try BlockConfig(block: "unireplknet", json: #"{"preset": "unireplknet_t", "layer_scale_init_value": null, "deploy": false}"#)
        let uni = try UniRepLKNetConfig.parse(c)
        #expect(uni.dims == [80, 160, 320, 640] && uni.layerScaleInitValue == nil && !uni.hasLayerScale)
        #expect(try JSONDecoder().decode(UniRepLKNetConfig.self, from: JSONEncoder().encode(uni)) == uni)
        #expect(SLaKConfig.tiny.widths == [124, 249, 499, 998] && SLaKConfig.base.widths == [166, 332, 665, 1331])
        #expect(try JSONDecoder().decode(SLaKConfig.self, from: JSONEncoder().encode(SLaKConfig.small)) == .small)
        #expect(String(decoding: try JSONEncoder().encode(ParCConvNeXtConfig.xt), as: UTF8.self).contains("\"ParC_insert_locs\""))
        c = try BlockConfig(block: "replknet", json: #"{"preset": "replknet_xl", "small_kernel_merged": true}"#)
        let xl = try RepLKNetConfig.parse(c)
        #expect(xl.smallKernel == nil && xl.dwRatio == 1.5 && xl.smallKernelMerged && xl.channels == [256, 512, 1024, 2048])
        c = try BlockConfig(block: "replknet", json: #"{"large_kernel_sizes": [7, 7, 7, 7], "layers": [1, 1, 1, 1], "channels": [4, 4, 4, 4]}"#)
        #expect(throws: BackboneError.self) { try RepLKNetConfig.parse(c) }   // small_kernel has no default
        c = try BlockConfig(block: "replknet", json: #"{"large_kernel_sizes": [7, 7, 7, 7], "layers": [1, 1, 1, 1], "channels": [4, 4, 4, 4], "small_kernel": null}"#)
        #expect(try RepLKNetConfig.parse(c).smallKernel == nil)
        #expect(try JSONDecoder().decode(RepLKNetConfig.self, from: JSONEncoder().encode(RepLKNetConfig.xl)) == .xl)
        let json = try JSONEncoder().encode(VANConfig.b6)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"embed_dims\"") && text.contains("\"mlp_ratios\"") && text.contains("\"num_classes\""))
        #expect(try JSONDecoder().decode(VANConfig.self, from: json) == .b6)
        #expect(try JSONDecoder().decode(ConvNeXtConfig.self, from: Data(#"{"dims": [1, 2, 3, 4]}"#.utf8))
                == ConvNeXtConfig(dims: [1, 2, 3, 4]))
    }

    @Test("an input with the wrong channels or too small for the strided layers is an input error naming the model")
    func inputErrors() throws {
        let f = try fixture("convnext-tiny.float64.safetensors")
        let model = try ModelRegistry.make(id: f.model, configJSON: f.config, stateDict: f.stateDict)
        for shape in [[1, 4, 32, 32], [1, 3, 16, 16], [3, 32, 32]] {
            #expect { try model.forward(Tensor(zeros: shape), path: .direct, options: .default) } throws: { e in
                guard case BackboneError.input(let id, _) = e else { return false }
                return id == "convnext"
            }
        }
        #expect(try model.forward(Tensor(zeros: [0, 3, 32, 32]), path: .auto, options: .default).shape == [0, 10])
        let gf = try fixture("gfnet-odd.float64.safetensors")
        let gfModel = try ModelRegistry.make(id: gf.model, configJSON: gf.config, stateDict: gf.stateDict)
        #expect { try gfModel.forward(Tensor(zeros: [1, 3, 35, 30]), path: .fft, options: .default) } throws: { e in
            guard case BackboneError.input("gfnet", let message) = e else { return false }
            return message.contains("35×35")
        }
        let parc = try fixture("parc_convnext-odd.float64.safetensors")
        let parcModel = try ModelRegistry.make(id: parc.model, configJSON: parc.config, stateDict: parc.stateDict)
        #expect { try parcModel.forward(Tensor(zeros: [1, 3, 35, 39]), path: .direct, options: .default) } throws: { e in
            guard case BackboneError.input("parc_convnext", let message) = e else { return false }
            return message.contains("9×9") && message.contains("8×9")
        }
        for name in ["van-odd.float64.safetensors", "replknet-odd.float64.safetensors"] {
            let g = try fixture(name)
            let m = try ModelRegistry.make(id: g.model, configJSON: g.config, stateDict: g.stateDict)
            #expect(try m.forward(Tensor(zeros: [0, 3, 35, 29]), path: .fft, options: .default).shape == [0, 7])
            #expect(try m.features(Tensor(zeros: [0, 3, 35, 29]), path: .direct, options: .default).map { $0.shape[0] } == [0, 0, 0, 0])
        }
    }

    @Test("RepLKNet reads each conv-BN unit by its keys: conv.bias and no bn.* is the BN-fused unit; anything else is conv + BN, so a stray bias is unexpected and a fused unit without its bias misses its BN")
    func replknetConvBNUnitForms() throws {
        let training = try fixture("replknet-odd.float64.safetensors")
        var sd = training.stateDict
        sd["stages.0.blocks.0.pw1.conv.bias"] = Tensor(zeros: [6])
        #expect { try ModelRegistry.make(id: "replknet", configJSON: training.config, stateDict: sd) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.missingKeys.isEmpty && s.mismatchedKeys.isEmpty && s.unexpectedKeys == ["stages.0.blocks.0.pw1.conv.bias"]
        }
        let fused = try fixture("replknet-odd-fused.float64.safetensors")
        var fsd = fused.stateDict
        #expect(fsd.removeValue(forKey: "transitions.1.0.conv.bias") != nil)
        #expect { try ModelRegistry.make(id: "replknet", configJSON: fused.config, stateDict: fsd) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.unexpectedKeys.isEmpty && s.mismatchedKeys.isEmpty
                && s.missingKeys == ["bias", "running_mean", "running_var", "weight"].map { "transitions.1.0.bn." + $0 }
        }
        // Both forms side by side in one checkpoint load (deep_fuse_BN fuses every unit, but each unit stands alone).
        var mixed = fused.stateDict
        for (k, v) in training.stateDict where k.hasPrefix("stem.") { mixed[k] = v }
        mixed.removeValue(forKey: "stem.0.conv.bias")
        for n in 1..<4 { mixed.removeValue(forKey: "stem.\(n).conv.bias") }
        let model = try ModelRegistry.make(id: "replknet", configJSON: fused.config, stateDict: mixed)
        let y = try model.forward(fused.input, path: .direct, options: .default)
        #expect(ModelReparameterisationTests.relative(y, fused.output) <= ModelFixture<Double>.tolerance)
    }

    @Test("num_classes 0 (VAN, MogaNet, GFNet: the official head is nn.Identity): no head keys, and forward gives the pooled features of PyTorch's stage maps",
          arguments: ["van-odd.float64.safetensors", "moganet-odd.float64.safetensors", "gfnet-odd.float64.safetensors"])
    func noClassifier(file: String) throws {
        let f = try fixture(file)
        var sd = f.stateDict
        #expect(sd.removeValue(forKey: "head.weight") != nil && sd.removeValue(forKey: "head.bias") != nil)
        let config = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":0")
        #expect(config != f.config)
        let model = try ModelRegistry.make(id: f.model, configJSON: config, stateDict: sd)
        #expect(!model.hasClassifier)
        let pooled = try model.forward(f.input, path: .direct, options: ExecutionOptions(threads: 2))
        // The oracle, in Float64 from PyTorch's last stage map: VAN and MogaNet pool their normalised map;
        // GFNet normalises each token (LayerNorm over C, eps 1e-6, norm.weight/bias) and then pools.
        let last = f.features[f.features.count - 1]
        let (n, c, plane) = (last.shape[0], last.shape[1], last.shape[2] * last.shape[3])
        var expected = [Double](repeating: 0, count: n * c)
        for b in 0..<n {
            for p in 0..<plane {
                var token = (0..<c).map { last.scalars[(b * c + $0) * plane + p] }
                if f.model == "gfnet" {
                    let mean = token.reduce(0, +) / Double(c)
                    let variance = token.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(c)
                    let (w, bias) = (f.stateDict["norm.weight"]!.scalars, f.stateDict["norm.bias"]!.scalars)
                    token = (0..<c).map { (token[$0] - mean) / (variance + 1e-6).squareRoot() * w[$0] + bias[$0] }
                }
                for ch in 0..<c { expected[b * c + ch] += token[ch] / Double(plane) }
            }
        }
        #expect(pooled.shape == [n, c])
        #expect(try model.forward(Tensor(zeros: [0] + f.input.shape.dropFirst()), path: .fft, options: .default).shape == [0, c])
        #expect(ModelReparameterisationTests.relative(pooled, Tensor(shape: [n, c], scalars: expected)) <= ModelFixture<Double>.tolerance)
        // A head given anyway is unexpected; a family whose official head is always a Linear refuses 0.
        #expect { try ModelRegistry.make(id: f.model, configJSON: config, stateDict: f.stateDict) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.unexpectedKeys == ["head.bias", "head.weight"] && s.missingKeys.isEmpty
        }
        let convnext = try fixture("convnext-odd.float64.safetensors")
        #expect { try ModelRegistry.make(id: "convnext", configJSON: convnext.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":0"),
                                         stateDict: convnext.stateDict) } throws: { e in
            guard case BackboneError.config("convnext", let message) = e else { return false }
            return message.contains("num_classes")
        }
    }

    @Test("RepLKNet's dense-prediction form (num_classes null, out_indices, norm_intermediate_features): the requested stage maps in stage order, each through its BatchNorm, against PyTorch's maps and the BatchNorm's Float64 definition; the official constructor's checks")
    func replknetDensePrediction() throws {
        let f = try fixture("replknet-odd.float64.safetensors")
        var sd = f.stateDict
        for k in ["norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "head.weight", "head.bias"] {
            #expect(sd.removeValue(forKey: k) != nil)
        }
        let plain = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null,\"out_indices\":[0,1,2,3]")
        #expect(plain != f.config)
        // Without the stage norms: the four maps of the classifier's features, no logits.
        let backbone = try ModelRegistry.make(id: "replknet", configJSON: plain, stateDict: sd)
        #expect(backbone.isDensePrediction && !backbone.hasClassifier)
        let maps = try backbone.features(f.input, path: .direct, options: .default)
        #expect(maps.count == 4 && zip(maps, f.features).allSatisfy { ModelReparameterisationTests.relative($0, $1) <= ModelFixture<Double>.tolerance })
        #expect { try backbone.forward(f.input, path: .direct, options: .default) } throws: { e in
            guard case BackboneError.config("replknet", let message) = e else { return false }
            return message.contains("dense-prediction")
        }
        // With norm_intermediate_features: stages.{s}.norm (test-made statistics) on the stages asked for, in stage order.
        let channels = [4, 8, 12, 16]
        var normed = sd
        for s in 0..<4 {
            let c = channels[s]
            normed["stages.\(s).norm.weight"] = Tensor<Double>.random(shape: [c], seed: UInt64(10 + s))
            normed["stages.\(s).norm.bias"] = Tensor<Double>.random(shape: [c], seed: UInt64(20 + s))
            normed["stages.\(s).norm.running_mean"] = Tensor<Double>.random(shape: [c], seed: UInt64(30 + s))
            normed["stages.\(s).norm.running_var"] = Tensor(shape: [c], scalars: Tensor<Double>.random(shape: [c], seed: UInt64(40 + s)).scalars.map { abs($0) + 0.5 })
        }
        let config = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null,\"out_indices\":[3,1],\"norm_intermediate_features\":true")
        let model = try ModelRegistry.make(id: "replknet", configJSON: config, stateDict: normed)
        let out = try model.features(f.input, path: .fft, options: ExecutionOptions(threads: 2))
        #expect(out.count == 2)
        for (i, s) in [1, 3].enumerated() where i < out.count {
            let x = f.features[s]
            let (c, plane) = (x.shape[1], x.shape[2] * x.shape[3])
            let p = { (name: String) in normed["stages.\(s).norm.\(name)"]!.scalars }
            let (w, b, mean, variance) = (p("weight"), p("bias"), p("running_mean"), p("running_var"))
            let expected = x.scalars.indices.map { j in
                let ch = (j / plane) % c
                return (x.scalars[j] - mean[ch]) / (variance[ch] + 1e-5).squareRoot() * w[ch] + b[ch]
            }
            #expect(ModelReparameterisationTests.relative(out[i], Tensor(shape: x.shape, scalars: expected)) <= ModelFixture<Double>.tolerance)
        }
        let data = try JSONEncoder().encode((model as! RepLKNetModel<Double>).config)
        #expect(try JSONDecoder().decode(RepLKNetConfig.self, from: data) == (model as! RepLKNetModel<Double>).config)
        // The stage norms' keys without the flag are unexpected; the official constructor's checks are config errors.
        #expect { try ModelRegistry.make(id: "replknet", configJSON: plain, stateDict: normed) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.missingKeys.isEmpty && s.unexpectedKeys.count == 16 && s.unexpectedKeys.allSatisfy { $0.contains(".norm.") }
        }
        for (bad, words) in [(f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":7,\"out_indices\":[0]"), "cannot both"),
                             (f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null"), "both are null"),
                             (f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":7,\"norm_intermediate_features\":true"), "dense prediction"),
                             (f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null,\"out_indices\":[1,4]"), "stages 0…3")] {
            #expect(bad != f.config)
            #expect { try ModelRegistry.make(id: "replknet", configJSON: bad, stateDict: sd) } throws: { e in
                guard case BackboneError.config("replknet", let message) = e else { return false }
                return message.contains(words)
            }
        }
    }

    @Test("UniRepLKNet's dense-prediction form (init_cfg, num_classes null): no norm/head, each stage map through its channels-first LayerNorm norm{s}, against PyTorch's maps and the LayerNorm's Float64 definition, merged or not")
    func unireplknetDensePrediction() throws {
        let f = try fixture("unireplknet-odd.float64.safetensors")
        var sd = f.stateDict
        for k in ["norm.weight", "norm.bias", "head.weight", "head.bias"] { #expect(sd.removeValue(forKey: k) != nil) }
        let dims = [4, 8, 8, 12]
        for s in 0..<4 {
            sd["norm\(s).weight"] = Tensor<Double>.random(shape: [dims[s]], seed: UInt64(50 + s))
            sd["norm\(s).bias"] = Tensor<Double>.random(shape: [dims[s]], seed: UInt64(60 + s))
        }
        let config = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null,\"init_cfg\":{\"checkpoint\":null}")
        #expect(config != f.config)
        let model = try UniRepLKNetModel<Double>(configJSON: config, stateDict: sd)
        #expect(model.isDensePrediction && !model.hasClassifier && model.config.initCfg == .object(["checkpoint": .null]))
        for m in [model, try model.merged()] {
            let maps = try m.features(f.input, path: .fft, options: ExecutionOptions(threads: 2))
            #expect(maps.count == 4)
            for s in 0..<min(4, maps.count) {
                let x = f.features[s]
                let (c, plane) = (x.shape[1], x.shape[2] * x.shape[3])
                let (w, b) = (sd["norm\(s).weight"]!.scalars, sd["norm\(s).bias"]!.scalars)
                var expected = x.scalars
                for n in 0..<x.shape[0] {
                    for p in 0..<plane {
                        let idx = (0..<c).map { (n * c + $0) * plane + p }
                        let mean = idx.map { x.scalars[$0] }.reduce(0, +) / Double(c)
                        let variance = idx.map { (x.scalars[$0] - mean) * (x.scalars[$0] - mean) }.reduce(0, +) / Double(c)
                        for (ch, i) in idx.enumerated() { expected[i] = (x.scalars[i] - mean) / (variance + 1e-6).squareRoot() * w[ch] + b[ch] }
                    }
                }
                #expect(ModelReparameterisationTests.relative(maps[s], Tensor(shape: x.shape, scalars: expected)) <= ModelFixture<Double>.tolerance)
            }
        }
        #expect { try model.forward(f.input, path: .direct, options: .default) } throws: { e in
            guard case BackboneError.config("unireplknet", let message) = e else { return false }
            return message.contains("dense-prediction")
        }
        // The official assertion (init_cfg needs num_classes None), and num_classes null without init_cfg.
        for (bad, words) in [(f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":7,\"init_cfg\":{}"), "must be null"),
                             (f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null"), "no \"init_cfg\"")] {
            #expect(bad != f.config)
            #expect { try UniRepLKNetModel<Double>(configJSON: bad, stateDict: sd) } throws: { e in
                guard case BackboneError.config("unireplknet", let message) = e else { return false }
                return message.contains(words)
            }
        }
        // Codable round trip keeps the form.
        let data = try JSONEncoder().encode(model.config)
        #expect(try JSONDecoder().decode(UniRepLKNetConfig.self, from: data) == model.config)
    }

    @Test("SLaK's flags pick the branch layout: a falsy Decom loads lkb_origin (RepLKNet's pair), bn false bias-free convs without BatchNorms; the other layout's keys are listed as missing and unexpected")
    func slakFlags() throws {
        let undecomposed = try fixture("slak-undecomposed.float64.safetensors")
        let a = try SLaKModel<Double>(configJSON: undecomposed.config, stateDict: undecomposed.stateDict)
        guard case .slak(let blockA) = a.trunk.stages[0][0], case .undecomposed = blockA.largeKernel.form else {
            Issue.record("a falsy Decom must give the undecomposed form"); return
        }
        let nobn = try fixture("slak-nobn.float64.safetensors")
        let b = try SLaKModel<Double>(configJSON: nobn.config, stateDict: nobn.stateDict)
        guard case .slak(let blockB) = b.trunk.stages[0][0], case .unmergedWithoutBN = blockB.largeKernel.form else {
            Issue.record("bn false must give the BatchNorm-less form"); return
        }
        // The BN-less weights loaded as bn true: every branch's BatchNorm missing, nothing else.
        #expect { try SLaKModel<Double>(configJSON: nobn.config.replacingOccurrences(of: "\"bn\":false", with: "\"bn\":true"),
                                        stateDict: nobn.stateDict) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return !s.missingKeys.isEmpty && s.missingKeys.allSatisfy { $0.contains(".bn.") } && s.unexpectedKeys.isEmpty
        }
        // Undecomposed weights loaded as Decom true: lkb_origin unexpected, LoRA1/LoRA2 missing.
        #expect { try SLaKModel<Double>(configJSON: undecomposed.config.replacingOccurrences(of: "\"Decom\":false", with: "\"Decom\":true"),
                                        stateDict: undecomposed.stateDict) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.missingKeys.allSatisfy { $0.contains("LoRA") } && s.unexpectedKeys.allSatisfy { $0.contains("lkb_origin") }
                && !s.unexpectedKeys.isEmpty
        }
    }

    @Test("MogaNet fork_feat (the MogaNet_feat backbones): no head keys whatever num_classes says, the four norm maps as PyTorch's, no pooled output")
    func moganetForkFeat() throws {
        let f = try fixture("moganet-odd.float64.safetensors")
        var sd = f.stateDict
        #expect(sd.removeValue(forKey: "head.weight") != nil && sd.removeValue(forKey: "head.bias") != nil)
        let config = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":7,\"fork_feat\":true")
        #expect(config != f.config)
        let model = try ModelRegistry.make(id: "moganet", configJSON: config, stateDict: sd)
        #expect(model.isDensePrediction && !model.hasClassifier)
        let checks = try f.featureChecks(model: model, path: .direct)
        #expect(checks.count == 4 && checks.allSatisfy(\.passed))
        #expect { try model.forward(f.input, path: .direct, options: .default) } throws: { e in
            guard case BackboneError.config("moganet", let message) = e else { return false }
            return message.contains("fork_feat")
        }
        #expect { try ModelRegistry.make(id: "moganet", configJSON: config, stateDict: f.stateDict) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.unexpectedKeys == ["head.bias", "head.weight"]
        }
    }

    @Test("UniRepLKNet kernel size 0 (no mixer, no norm, as the official block): its fixture loads; a mixer's or a norm's keys given for it are unexpected")
    func unireplknetKernelZero() throws {
        let f = try fixture("unireplknet-k0.float64.safetensors")
        #expect(f.config.contains("[[0],[5,0],[7],[0]]"))
        #expect(try f.check(path: .direct).passed)
        var sd = f.stateDict
        sd["stages.0.0.dwconv.weight"] = Tensor(zeros: [4, 1, 3, 3])
        sd["stages.1.1.norm.running_mean"] = Tensor(zeros: [4])
        #expect { try ModelRegistry.make(id: f.model, configJSON: f.config, stateDict: sd) } throws: { e in
            guard case BackboneError.stateDict(let s) = e else { return false }
            return s.block == "unireplknet" && s.missingKeys.isEmpty && s.mismatchedKeys.isEmpty
                && Set(s.unexpectedKeys) == ["stages.0.0.dwconv.weight", "stages.1.1.norm.running_mean"]
        }
    }
}
