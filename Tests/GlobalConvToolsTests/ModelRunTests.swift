import ArgumentParser
import Backbones
import Foundation
import GlobalConv
import Verification
@testable import GlobalConvTools
import Testing
@testable import globalconv

private let vanTiny = fixturesDirectory + "/models/van-tiny.float32.safetensors"

/// The logits of the fixture's model called directly (registry, fixture state_dict) on `x`.
private func directLogits(_ fixturePath: String, _ x: Tensor<Float>, path: ConvolutionPath = .direct) throws -> Tensor<Float> {
    let f = try ModelFixture<Float>(file: SafetensorsFile(atPath: fixturePath))
    let model = try ModelRegistry.make(id: f.model, configJSON: f.config, stateDict: f.stateDict)
    return try model.forward(x, path: path, options: ExecutionOptions(threads: 1))
}

private func expectInvalid(_ c: ModelRunConfiguration, containing parts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try ModelRunner.run(c)
        Issue.record("expected an error containing \(parts)", sourceLocation: sourceLocation)
    } catch {
        for p in parts { #expect(error.description.contains(p), "\(error.description)", sourceLocation: sourceLocation) }
    }
}

@Suite("globalconv run and bench --model")
struct ModelRunTests {
    @Test("run parses its flags; bad values are usage errors")
    func runParsing() throws {
        let cmd = try #require(try GlobalConvCommand.parseAsRoot([
            "run", "--model", "VAN-B0", "--weights", "w.safetensors", "--input", "x.png", "--top-k", "3", "--output", "l.npy",
            "--features", "maps", "--path", "fft", "--threads", "1", "--labels", "labels.txt",
        ]) as? RunCommand)
        let c = try cmd.makeConfiguration()
        #expect(c.topK == 3 && c.path == .fft && c.threads == 1 && c.output == "l.npy" && c.features == "maps" && c.labels == "labels.txt")
        #expect(try ModelCatalog.resolve(c.model) == ModelCatalog.Target(family: "van", preset: "van_b0"))
        #expect(try ModelCatalog.resolve("slak_tiny") == ModelCatalog.Target(family: "slak", preset: "SLaK_tiny"))
        #expect(try ModelCatalog.resolve("gfnet_h") == ModelCatalog.Target(family: "gfnet_h", preset: nil))
        for (args, part) in [
            (["--model", "resnet50"], "known families: convnext"),
            (["--model", "van", "--path", "winograd"], "unknown --path"),
            (["--model", "van", "--top-k", "0"], "--top-k must be in"),
            (["--model", "van", "--output", "l.txt"], "must end in .npy or .safetensors"),
            (["--model", "van", "--threads", "0"], "--threads must be in"),
        ] {
            #expect(throws: (any Error).self) {
                _ = try GlobalConvCommand.parseAsRoot(["run", "--weights", "w", "--input", "x"] + args)
            }
            do { _ = try GlobalConvCommand.parseAsRoot(["run", "--weights", "w", "--input", "x"] + args) } catch {
                #expect(GlobalConvCommand.message(for: error).contains(part), "\(GlobalConvCommand.message(for: error))")
                #expect(GlobalConvCommand.exitCode(for: error) == .validationFailure)
            }
        }
        #expect(throws: (any Error).self) { _ = try GlobalConvCommand.parseAsRoot(["run", "--model", "van", "--input", "x"]) }
        // An unwritable --output is refused while parsing, before the model is loaded.
        do {
            _ = try GlobalConvCommand.parseAsRoot(["run", "--model", "van", "--weights", "w", "--input", "x", "--output", "/nonexistent/dir/l.npy"])
            Issue.record("an unwritable --output was accepted")
        } catch {
            #expect(GlobalConvCommand.message(for: error) == "cannot write output file '/nonexistent/dir/l.npy': directory '/nonexistent/dir': no such file")
        }
    }

    @Test("run with a missing weights file prints one error line and exits 1")
    func runMissingWeights() throws {
        let run = try #require(try GlobalConvCommand.parseAsRoot(["run", "--model", "van_b0", "--weights", "/nonexistent.safetensors", "--input", "x.png"]) as? RunCommand)
        let result = runCapturingStderr(run)
        #expect(result.error as? ExitCode == .failure)
        #expect(result.stderr == "globalconv: error: cannot read weights file '/nonexistent.safetensors': no such file\n")
    }

    @Test("bench --model parses; --block and --model together, a block's --config or --baseline with --model are refused")
    func benchParsing() throws {
        let cmd = try #require(try GlobalConvCommand.parseAsRoot([
            "bench", "--model", "convnext_tiny", "--batch", "2", "--threads", "1", "--path", "direct", "--repeats", "2",
            "--format", "json", "--allow-debug",
        ]) as? BenchCommand)
        let c = try #require(try cmd.makeModelConfiguration())
        #expect(c.size == Size2D(224) && c.batch == 2 && c.path == .direct && c.repeats == 2)
        let block = try #require(try GlobalConvCommand.parseAsRoot(["bench", "--block", "van.block", "--config", #"{"dim": 8}"#, "--allow-debug"]) as? BenchCommand)
        #expect(try block.makeModelConfiguration() == nil)
        #expect(try block.makeConfiguration().size == Size2D(56))
        for args in [["--model", "van_b0", "--block", "van.block"], ["--model", "van_b0", "--config", #"{"dim": 8}"#], ["--model", "van_b0", "--config", #"{"depths": 3}"#],
                     ["--model", "nope"], ["--model", "gfnet-ti", "--size", "64x32"], [], ["--model", "van_b0", "--baseline", "b.jsonl"]] {
            #expect(throws: (any Error).self) { _ = try GlobalConvCommand.parseAsRoot(["bench", "--allow-debug"] + args) }
        }
    }

    @Test("run on a model fixture's weights gives the logits of the model called directly; writes .npy, .safetensors and stage maps")
    func runFixture() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try ModelFixture<Float>(file: SafetensorsFile(atPath: vanTiny))
        let expected = try directLogits(vanTiny, f.input)
        let npy = dir.appendingPathComponent("logits.npy").path
        let r = try ModelRunner.run(ModelRunConfiguration(model: "van", weights: vanTiny, input: vanTiny, topK: 3, output: npy,
                                                          features: dir.appendingPathComponent("maps").path, path: .direct, threads: 1))
        #expect(r.logits[0] == expected.scalars.map(Double.init))
        #expect(r.top[0].count == 3 && r.top[0][0].classIndex == expected.scalars.indices.max { expected.scalars[$0] < expected.scalars[$1] })
        #expect(abs(r.top[0].map(\.probability).reduce(0, +)) <= 1)
        let saved = try NPY.read(path: npy)
        #expect(saved.shape == [1, 10] && saved.descr == "<f4" && saved.values == expected.scalars.map(Double.init))
        let maps = try (0..<4).map { try NPY.read(path: dir.appendingPathComponent("maps/features.\($0).npy").path).shape }
        #expect(maps == [[1, 6, 8, 8], [1, 8, 4, 4], [1, 12, 2, 2], [1, 16, 1, 1]])
        let st = dir.appendingPathComponent("logits.safetensors").path
        _ = try ModelRunner.run(ModelRunConfiguration(model: "van", weights: vanTiny, input: vanTiny, output: st, path: .direct, threads: 1))
        #expect(try SafetensorsFile(atPath: st).tensor("logits", as: Float.self) == expected)
        // The same input as a [3, H, W] .npy: batch added.
        let x = dir.appendingPathComponent("x.npy").path
        try NPY.write(Tensor(shape: [3, 32, 32], scalars: f.input.scalars), to: x)
        let r2 = try ModelRunner.run(ModelRunConfiguration(model: "van", weights: vanTiny, input: x, path: .direct, threads: 1))
        #expect(r2.inputShape == [1, 3, 32, 32] && r2.logits == r.logits)
        // Labels are printed beside the classes.
        let labels = dir.appendingPathComponent("labels.txt").path
        try (0..<10).map { "class \($0)" }.joined(separator: "\n").write(toFile: labels, atomically: true, encoding: .utf8)
        let r3 = try ModelRunner.run(ModelRunConfiguration(model: "van", weights: vanTiny, input: vanTiny, path: .direct, threads: 1, labels: labels))
        #expect(r3.top[0][0].label == "class \(r3.top[0][0].classIndex)" && r3.rendered().contains("label"))
    }

    @Test("run --merged: the deploy form of a training checkpoint gives PyTorch's logits; refused for a family without one")
    func runMerged() throws {
        let replk = fixturesDirectory + "/models/replknet-odd.float64.safetensors"
        let f = try ModelFixture<Double>(file: SafetensorsFile(atPath: replk))
        let r = try ModelRunner.run(ModelRunConfiguration(model: "replknet", weights: replk, input: replk, path: .direct, threads: 1,
                                                          merged: true))
        #expect(r.merged && r.rendered().contains("replknet merged float64"))
        // The merged model is the same function: PyTorch's (unmerged) logits within the model tolerance.
        let expected = f.output.scalars, scale = expected.map(abs).max() ?? 0
        let worst = zip(r.logits.flatMap { $0 }, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= ModelFixture<Double>.tolerance * scale, "\(worst) of max \(scale)")
        expectInvalid(ModelRunConfiguration(model: "van", weights: vanTiny, input: vanTiny, merged: true),
                      containing: ["--merged", "van has no re-parameterised form"])
    }

    @Test("run on PNG and JPEG images: decoded by libpng/libjpeg, preprocessed, same logits as the model on that tensor")
    func runImages() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (w, h) = (40, 30)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 { pixels[(y * w + x) * 3 + c] = UInt8(min(255, x * 3 + y * 2 + c * 50)) } } }
        let image = RGBImage(width: w, height: h, pixels: pixels)
        for kind in [RGBImage.Kind.png, .jpeg] {
            let file = dir.appendingPathComponent("img.\(kind.rawValue)").path
            try image.write(to: file, as: kind, quality: 95)
            let decoded = try RGBImage.decode(path: file)
            #expect(decoded.width == w && decoded.height == h)
            if kind == .png { #expect(decoded == image) }
            let meanError = zip(decoded.pixels, pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / pixels.count
            #expect(meanError <= 4)
            let r = try ModelRunner.run(ModelRunConfiguration(model: "van", weights: vanTiny, input: file, path: .direct, threads: 1))
            #expect(r.preprocessing == Preprocessing(resize: 248, crop: 224) && r.inputShape == [1, 3, 224, 224])
            let x: Tensor<Float> = try Preprocessing(resize: 248, crop: 224).apply(decoded)
            #expect(r.logits[0] == (try directLogits(vanTiny, x)).scalars.map(Double.init))
        }
        // Grey is replicated, alpha dropped without compositing (PIL's convert("RGB")).
        let grey: [UInt8] = [0, 50, 100, 150, 200, 250]
        try RGBImage.writePNG(grey, width: 3, height: 2, channels: 1, to: dir.appendingPathComponent("grey.png").path)
        #expect(try RGBImage.decode(path: dir.appendingPathComponent("grey.png").path).pixels == grey.flatMap { [$0, $0, $0] })
        let rgba: [UInt8] = [10, 20, 30, 0, 40, 50, 60, 128, 70, 80, 90, 255]
        try RGBImage.writePNG(rgba, width: 3, height: 1, channels: 4, to: dir.appendingPathComponent("rgba.png").path)
        #expect(try RGBImage.decode(path: dir.appendingPathComponent("rgba.png").path).pixels == [10, 20, 30, 40, 50, 60, 70, 80, 90])
        // Corrupt and truncated images are errors naming the file.
        let png = dir.appendingPathComponent("img.png").path
        let bytes = try FileAccess.readBytes(path: png, what: "png")
        let cut = dir.appendingPathComponent("cut.png").path
        try FileAccess.writeBytes(Array(bytes.prefix(bytes.count / 2)), path: cut, what: "png")
        #expect(throws: ToolError.self) { try RGBImage.decode(path: cut) }
        let jpg = try FileAccess.readBytes(path: dir.appendingPathComponent("img.jpeg").path, what: "jpeg")
        let cutJ = dir.appendingPathComponent("cut.jpg").path
        try FileAccess.writeBytes(Array(jpg.prefix(jpg.count / 2)), path: cutJ, what: "jpeg")
        #expect(throws: ToolError.self) { try RGBImage.decode(path: cutJ) }
        // A header claiming 100000 × 100000 pixels is refused before any allocation.
        func crc32(_ bytes: [UInt8]) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = (c >> 1) ^ (c & 1 == 1 ? 0xEDB8_8320 : 0) }
            }
            return ~c
        }
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
        let ihdr = Array("IHDR".utf8) + be(100_000) + be(100_000) + [8, 2, 0, 0, 0]
        let idat = Array("IDAT".utf8), iend = Array("IEND".utf8)
        let huge = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + be(crc32(ihdr))
            + be(0) + idat + be(crc32(idat)) + be(0) + iend + be(crc32(iend))
        let hugePath = dir.appendingPathComponent("huge.png").path
        try FileAccess.writeBytes(huge, path: hugePath, what: "png")
        #expect {
            try RGBImage.decode(path: hugePath)
        } throws: { ($0 as? ToolError)?.description.contains("100000x100000 out of range (at most 2^26 pixels)") == true }
    }

    @Test("run on a checkpoint saved without its classifier (VAN, num_classes 0): no classes printed, --output writes the pooled features, --labels refused")
    func runWithoutClassifier() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = try ModelFixture<Float>(file: SafetensorsFile(atPath: vanTiny))
        let config = f.config.replacingOccurrences(of: "\"num_classes\":10", with: "\"num_classes\":0")
        #expect(config != f.config)
        var w = SafetensorsWriter(metadata: ["format": "globalconv-model", "version": "1", "model": "van", "config": config,
                                             "key_set": "official", "dtype": "float32"])
        for (k, v) in f.stateDict where !k.hasPrefix("head.") { w.add(v, named: k) }
        let weights = dir.appendingPathComponent("van-headless.safetensors").path
        try w.write(atPath: weights)
        let output = dir.appendingPathComponent("pooled.npy").path
        let result = try ModelRunner.run(ModelRunConfiguration(model: "van", weights: weights, input: vanTiny, output: output, path: .direct, threads: 1))
        #expect(!result.hasClassifier && result.top.isEmpty)
        #expect(result.rendered().contains("no classifier (num_classes 0)") && !result.rendered().contains("probability"))
        // The pooled features are the mean of PyTorch's last (normalised) stage map, to the Float32 model tolerance.
        let last = f.features[3]
        let plane = last.shape[2] * last.shape[3]
        let expected = (0..<last.shape[1]).map { c in (0..<plane).map { Double(last.scalars[c * plane + $0]) }.reduce(0, +) / Double(plane) }
        let scale = expected.map(abs).max()!
        #expect(result.logits.count == 1 && result.logits[0].count == 16)
        #expect(zip(result.logits[0], expected).map { abs($0 - $1) }.max()! <= 1e-4 * scale)
        #expect(FileManager.default.fileExists(atPath: output))
        let labels = dir.appendingPathComponent("labels.txt").path
        try "a\nb\n".write(toFile: labels, atomically: true, encoding: .utf8)
        expectInvalid(ModelRunConfiguration(model: "van", weights: weights, input: vanTiny, labels: labels), containing: ["no classifier"])
    }

    @Test("run on a dense-prediction RepLKNet (num_classes null, out_indices): --features writes the stage maps, PyTorch's to tolerance; without --features, or with --output, an error")
    func runDensePrediction() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = fixturesDirectory + "/models/replknet-odd.float64.safetensors"
        let f = try ModelFixture<Double>(file: SafetensorsFile(atPath: path))
        let config = f.config.replacingOccurrences(of: "\"num_classes\":7", with: "\"num_classes\":null,\"out_indices\":[1,2]")
        #expect(config != f.config)
        var w = SafetensorsWriter(metadata: ["format": "globalconv-model", "version": "1", "model": "replknet", "config": config,
                                             "key_set": "training", "dtype": "float64"])
        for (k, v) in f.stateDict where !k.hasPrefix("head.") && !k.hasPrefix("norm.") { w.add(v, named: k) }
        let weights = dir.appendingPathComponent("replknet-dense.safetensors").path
        try w.write(atPath: weights)
        let input = dir.appendingPathComponent("x.npy").path
        try NPY.write(f.input, to: input)
        expectInvalid(ModelRunConfiguration(model: "replknet", weights: weights, input: input), containing: ["dense-prediction", "--features"])
        expectInvalid(ModelRunConfiguration(model: "replknet", weights: weights, input: input, output: dir.appendingPathComponent("y.npy").path,
                                            features: dir.path), containing: ["dense-prediction"])
        let maps = dir.appendingPathComponent("maps").path
        let result = try ModelRunner.run(ModelRunConfiguration(model: "replknet", weights: weights, input: input, features: maps,
                                                               path: .direct, threads: 1))
        #expect(result.denseFeatureMaps == 2 && result.top.isEmpty && result.rendered().contains("dense-prediction model: 2 feature map(s)"))
        #expect(result.written.count == 2)
        for (i, s) in [1, 2].enumerated() where i < result.written.count {
            let ours = try NPY.read(path: result.written[i])
            let reference = f.features[s]
            let scale = reference.scalars.map(abs).max()!
            #expect(ours.shape == reference.shape && ours.descr == "<f8")
            #expect(zip(ours.values, reference.scalars).map { abs($0 - $1) }.max()! <= ModelFixture<Double>.tolerance * scale)
        }
    }

    @Test("run errors: wrong family, preset mismatch, truncated weights, missing files, wrong channels, label count")
    func runErrors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        expectInvalid(ModelRunConfiguration(model: "convnext_tiny", weights: vanTiny, input: vanTiny), containing: ["holds a 'van' model", "convnext_tiny"])
        // A converted file (format globalconv-model) with a preset: another preset of the family is refused.
        let f = try ModelFixture<Float>(file: SafetensorsFile(atPath: vanTiny))
        var w = SafetensorsWriter(metadata: ["format": "globalconv-model", "version": "1", "model": "van", "config": f.config,
                                             "key_set": "official", "dtype": "float32", "preset": "van_b0"])
        for (k, v) in f.stateDict { w.add(v, named: k) }
        let converted = dir.appendingPathComponent("van.safetensors").path
        try w.write(atPath: converted)
        expectInvalid(ModelRunConfiguration(model: "van_b2", weights: converted, input: vanTiny), containing: ["preset 'van_b0'", "'van_b2'"])
        #expect(ModelCatalog.samePreset(family: "van", "VAN-TINY", "van_b0") && !ModelCatalog.samePreset(family: "van", "van_b1", "van_b0"))
        #expect(try ModelRunner.run(ModelRunConfiguration(model: "van_tiny", weights: converted, input: vanTiny, path: .direct, threads: 1)).logits
                == (try directLogits(vanTiny, f.input)).scalars.map { [Double($0)] }.flatMap { $0 }.chunked(10))
        // Converted without a preset: a preset named on the command line must be the file's config.
        var noPreset = SafetensorsWriter(metadata: ["format": "globalconv-model", "version": "1", "model": "van", "config": f.config, "dtype": "float32"])
        for (k, v) in f.stateDict { noPreset.add(v, named: k) }
        let noPresetPath = dir.appendingPathComponent("van-nopreset.safetensors").path
        try noPreset.write(atPath: noPresetPath)
        expectInvalid(ModelRunConfiguration(model: "van_b0", weights: noPresetPath, input: vanTiny), containing: ["is not preset 'van_b0'", "--model van"])
        #expect(ModelCatalog.config(#"{"embed_dims": [32, 64, 160, 256], "depths": [3, 3, 5, 2], "mlp_ratios": [8, 8, 4, 4], "num_classes": 100}"#,
                                    isPreset: "van_b0", family: "van") == true)
        #expect(ModelCatalog.config(#"{"large_kernel_sizes": [31, 29, 27, 13], "layers": [2, 2, 18, 2], "channels": [128, 256, 512, 1024], "small_kernel": null, "small_kernel_merged": true}"#,
                                    isPreset: "replknet_31b", family: "replknet") == true)
        #expect(ModelCatalog.config(#"{"large_kernel_sizes": [31, 29, 27, 13], "layers": [2, 2, 18, 2], "channels": [128, 256, 512, 1024], "small_kernel": 5}"#,
                                    isPreset: "replknet_31l", family: "replknet") == false)
        // A plain state_dict without metadata: the preset's config, whose shapes do not fit these tiny weights.
        var plain = SafetensorsWriter()
        for (k, v) in f.stateDict { plain.add(v, named: k) }
        let plainPath = dir.appendingPathComponent("plain.safetensors").path
        try plain.write(atPath: plainPath)
        expectInvalid(ModelRunConfiguration(model: "van_b0", weights: plainPath, input: vanTiny), containing: ["does not fit van (van_b0)", "size mismatch(es)", "more)"])
        // Truncated weights.
        let bytes = try FileAccess.readBytes(path: vanTiny, what: "w")
        let cut = dir.appendingPathComponent("cut.safetensors").path
        try FileAccess.writeBytes(Array(bytes.prefix(bytes.count - 100)), path: cut, what: "w")
        expectInvalid(ModelRunConfiguration(model: "van", weights: cut, input: vanTiny), containing: ["not a valid safetensors file"])
        expectInvalid(ModelRunConfiguration(model: "van", weights: dir.appendingPathComponent("none").path, input: vanTiny), containing: ["cannot read weights file", "no such file"])
        expectInvalid(ModelRunConfiguration(model: "van", weights: vanTiny, input: dir.appendingPathComponent("none.png").path), containing: ["cannot read input file"])
        // Four channels.
        let x4 = dir.appendingPathComponent("x4.npy").path
        try NPY.write(Tensor<Float>(zeros: [1, 4, 32, 32]), to: x4)
        expectInvalid(ModelRunConfiguration(model: "van", weights: vanTiny, input: x4), containing: ["[1, 4, 32, 32]", "expected [3, H, W] or [N, 3, H, W]"])
        let labels = dir.appendingPathComponent("labels.txt").path
        try "a\nb\n".write(toFile: labels, atomically: true, encoding: .utf8)
        expectInvalid(ModelRunConfiguration(model: "van", weights: vanTiny, input: vanTiny, labels: labels), containing: ["has 2 lines", "10 classes"])
        let text = dir.appendingPathComponent("x.txt").path
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        expectInvalid(ModelRunConfiguration(model: "van", weights: vanTiny, input: text), containing: ["not a PNG, JPEG, .npy or .safetensors"])
    }

    @Test("bench --model: JSON fields, random weights from the model's own layout")
    func benchJSON() throws {
        let r = try ModelBench.run(ModelBenchConfiguration(model: "van_b0", size: Size2D(32), path: .direct, threads: 1, repeats: 1, warmup: 0))
        let json = try r.rendered(.json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["model", "preset", "config", "path", "merged", "size", "batch", "threads", "dtype", "parameters",
                                     "median_ms", "min_ms", "regions_per_run", "worker_joins_per_run", "mean_region_us", "planning_measurements"])
        #expect(object["merged"] as? Bool == false)
        #expect(object["model"] as? String == "van" && object["preset"] as? String == "van_b0" && object["size"] as? [Int] == [32, 32])
        // The count is process-wide and other suites measure concurrently, so only its presence and sign are
        // checked here; a fresh process's count is checked in PlanFileProcessTests.
        #expect((object["median_ms"] as? Double ?? -1) >= 0 && (object["planning_measurements"] as? Int ?? -1) >= 0)
        // 4.1 M weights (van_b0's 4.11 M parameters with BN statistics).
        #expect(r.parameters > 4_000_000 && r.parameters < 4_200_000)
        #expect(try r.rendered(.table).contains("van_b0"))
        // --merged: the deploy form of a re-parameterisable family; refused for one without.
        let merged = try ModelBench.run(ModelBenchConfiguration(model: "unireplknet_a", size: Size2D(32), path: .direct, threads: 1,
                                                                repeats: 1, warmup: 0, merged: true))
        #expect(merged.merged)
        #expect(try merged.rendered(.table).contains("unireplknet_a (merged)"))
        #expect(throws: ToolError.self) {
            try ModelBenchConfiguration(model: "van_b0", size: Size2D(32), merged: true).validate()
        }
        let g = try ModelBenchConfiguration(model: "gfnet-h-ti", size: Size2D(64)).resolved()
        #expect(g.config == #"{"img_size":64,"preset":"gfnet-h-ti"}"#)
        #expect(try ModelBenchConfiguration(model: "parc_convnext_xt", size: Size2D(64)).resolved().config
                == #"{"preset":"parc_convnext_xt","stages_rs":[16,8,4,2]}"#)
    }

    @Test("bench --model --config: keys laid over the preset, counted from the architecture; bad overrides refused")
    func benchOverrides() throws {
        let one = try ModelBench.run(ModelBenchConfiguration(model: "van_b0", size: Size2D(32), path: .direct, threads: 1, repeats: 1,
                                                             warmup: 0, overrides: #"{"depths": [1, 1, 1, 1]}"#))
        #expect(one.config == #"{"depths":[1,1,1,1],"preset":"van_b0"}"#)
        // A VAN block of width C and hidden width H holds 3C² (proj_1, conv1, proj_2) + 2CH (fc1, fc2) + 11H (fc1
        // bias, 3×3 dwconv and its bias) + 90C (5×5 and 7×7 dwconvs with biases, five 1×1 biases, two
        // BatchNorms with statistics, two layer scales) weights; van_b0 has depths 3, 3, 5, 2, widths 32, 64,
        // 160, 256 and hidden widths 256, 512, 640, 1024.
        func block(_ c: Int, _ h: Int) -> Int { 3 * c * c + 2 * c * h + 11 * h + 90 * c }
        let removed = 2 * block(32, 256) + 2 * block(64, 512) + 4 * block(160, 640) + 1 * block(256, 1024)
        #expect(one.parameters == 4_113_224 - removed)
        // A dense-prediction form has no logits: bench times its output, the stage maps (RepLKNet-31B at its
        // smallest depths; norm/head gone, four stage BatchNorms added).
        let dense = try ModelBench.run(ModelBenchConfiguration(model: "replknet_31b", size: Size2D(32), path: .direct, threads: 1, repeats: 1, warmup: 0,
                                                               overrides: #"{"layers": [1, 1, 1, 1], "num_classes": null, "out_indices": [0, 1, 2, 3], "norm_intermediate_features": true}"#))
        let classifier = try ModelBench.run(ModelBenchConfiguration(model: "replknet_31b", size: Size2D(32), path: .direct, threads: 1, repeats: 1, warmup: 0,
                                                                    overrides: #"{"layers": [1, 1, 1, 1]}"#))
        #expect(dense.parameters == classifier.parameters - (4 * 1024 + 1024 * 1000 + 1000) + 4 * (128 + 256 + 512 + 1024))
        for (overrides, message) in [(#"{"preset": "van_b1"}"#, "--model names the preset"), ("[1]", "not a JSON object"),
                                     (#"{"bogus": 1}"#, "bogus")] {
            #expect(throws: ToolError.self) {
                _ = try ModelBench.run(ModelBenchConfiguration(model: "van_b0", size: Size2D(32), repeats: 1, warmup: 0,
                                                               overrides: overrides))
            }
            do {
                _ = try ModelBench.run(ModelBenchConfiguration(model: "van_b0", size: Size2D(32), repeats: 1, warmup: 0, overrides: overrides))
            } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
        #expect(throws: ToolError.self) {
            try ModelBenchConfiguration(model: "gfnet-ti", size: Size2D(64), overrides: #"{"img_size": 32}"#).resolved()
        }
    }
}

extension Array {
    fileprivate func chunked(_ n: Int) -> [[Element]] {
        stride(from: 0, to: count, by: n).map { Array(self[$0..<Swift.min($0 + n, count)]) }
    }
}
