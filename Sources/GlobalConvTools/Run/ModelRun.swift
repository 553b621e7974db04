import Backbones
import Foundation
import GlobalConv

/// What `globalconv run` does: build a model from a weights file (config from its metadata, else the
/// preset named by `model`), read one input (safetensors, `.npy`, PNG or JPEG), run the forward pass and
/// report the top-k classes, optionally writing the logits and the stage maps.
package struct ModelRunConfiguration: Sendable, Equatable {
    package var model: String
    package var weights: String
    package var input: String
    package var topK: Int
    /// `.npy` or `.safetensors` file for the logits.
    package var output: String?
    /// Directory for the stage maps (`features.<s>.npy`).
    package var features: String?
    package var path: ConvolutionPath
    package var threads: Int
    /// One class name per line.
    package var labels: String?
    /// Run the deploy form (``ModelRegistry/merged(_:)``) of a training checkpoint: the same function to
    /// rounding, faster.
    package var merged: Bool

    package init(model: String, weights: String, input: String, topK: Int = 5, output: String? = nil, features: String? = nil,
                 path: ConvolutionPath = .auto, threads: Int = ExecutionOptions.defaultThreads, labels: String? = nil,
                 merged: Bool = false) {
        (self.model, self.weights, self.input, self.topK) = (model, weights, input, topK)
        (self.output, self.features, self.path, self.threads, self.labels, self.merged) = (output, features, path, threads, labels, merged)
    }

    /// The kind of `--output` file, from its extension.
    package enum OutputKind: Sendable { case npy, safetensors }

    package var outputKind: OutputKind? {
        guard let output else { return nil }
        if output.lowercased().hasSuffix(".npy") { return .npy }
        if output.lowercased().hasSuffix(".safetensors") { return .safetensors }
        return nil
    }

    /// Checks what can be checked without reading files: ranges, the model name, the output extension,
    /// and that the output file can be written (before any work).
    package func validate() throws(ToolError) {
        guard (1...100_000).contains(topK) else { throw .invalidValue("--top-k must be in 1...100000, got \(topK)") }
        guard (1...1024).contains(threads) else { throw .invalidValue("--threads must be in 1...1024, got \(threads)") }
        _ = try ModelCatalog.resolve(model)
        if let output, outputKind == nil {
            throw .invalidValue("--output '\(output)' must end in .npy or .safetensors")
        }
        if let output { try FileAccess.checkWritable(path: output, what: "output file") }
    }
}

/// One class of the top-k: its index, softmax probability and label (with `--labels`).
package struct Prediction: Sendable, Equatable, Codable {
    package var classIndex: Int
    package var probability: Double
    package var label: String?
}

/// The outcome of ``ModelRunner/run(_:)``.
package struct ModelRunResult: Sendable, Equatable {
    package var family: String
    package var preset: String?
    package var config: String
    package var dtype: String
    /// Whether the deploy form ran (`--merged`).
    package var merged: Bool = false
    /// The tensor the model ran on, `[N, C, H, W]`.
    package var inputShape: [Int]
    /// The transform applied (images only).
    package var preprocessing: Preprocessing?
    /// `[N][num_classes]`; the pooled features `[N][C]` for a model without a classifier.
    package var logits: [[Double]]
    /// Per image, the `topK` classes by probability (empty without a classifier).
    package var top: [[Prediction]]
    /// Whether the model has a classifier (`num_classes` 0: VAN, MogaNet and GFNet have none, as their official class).
    package var hasClassifier = true
    /// The maps written for a dense-prediction model (0 otherwise).
    package var denseFeatureMaps = 0
    /// Files written.
    package var written: [String]

    /// The top-k as a table per image.
    package func rendered() -> String {
        var out = "model \(family)\(preset.map { " (\($0))" } ?? "")\(merged ? " merged" : "") \(dtype), input \(inputShape.map(String.init).joined(separator: "×"))"
        if let p = preprocessing { out += " (resize \(p.resize), crop \(p.crop), bicubic, ImageNet mean/std)" }
        out += "\n"
        if denseFeatureMaps > 0 {
            out += "dense-prediction model: \(denseFeatureMaps) feature map(s) per batch, no classifier\n"
        } else if !hasClassifier {
            out += "no classifier (num_classes 0): the output is the pooled feature vector, \(logits.first?.count ?? 0) values per image (--output writes it)\n"
        }
        for (n, predictions) in top.enumerated() {
            if top.count > 1 { out += "image \(n)\n" }
            let withLabels = predictions.contains { $0.label != nil }
            var t = TextTable(header: ["rank", "class", "probability"] + (withLabels ? ["label"] : []))
            for (r, p) in predictions.enumerated() {
                t.append(["\(r + 1)", "\(p.classIndex)", String(format: "%.4f", p.probability)] + (withLabels ? [p.label ?? ""] : []))
            }
            out += t.rendered() + (t.rendered().hasSuffix("\n") ? "" : "\n")
        }
        for w in written { out += "wrote \(w)\n" }
        return out
    }
}

/// Runs ``ModelRunConfiguration``.
package enum ModelRunner {
    /// - Throws: ``ToolError`` for missing or malformed files (weights, input, labels), an unknown model,
    ///   weights of another family or preset, an input with the wrong channel count or size, or a failed
    ///   forward pass (the library's message).
    package static func run(_ c: ModelRunConfiguration) throws(ToolError) -> ModelRunResult {
        try c.validate()
        let target = try ModelCatalog.resolve(c.model)
        if c.merged { try ModelCatalog.checkMergeable(family: target.family) }
        let labels = try c.labels.map { (p) throws(ToolError) in try readLabels(path: p) }
        // The file's bytes are released once its tensors are decoded, before the model is built: they
        // would otherwise stay resident through the forward (320 MB for RepLKNet-31B).
        var file: WeightsFile? = try WeightsFile(path: c.weights)
        func load<S: TensorScalar>(_: S.Type) throws(ToolError) -> ModelRunResult {
            let weights = try LoadedWeights<S>(file!, target: target)
            file = nil
            return try run(c, weights: weights, labels: labels)
        }
        switch file!.precision {
        case .float32: return try load(Float.self)
        case .float64: return try load(Double.self)
        }
    }

    /// Class names, one a line (trailing empty lines ignored).
    package static func readLabels(path: String) throws(ToolError) -> [String] {
        var lines = try FileAccess.readText(path: path, what: "labels file").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw .invalidValue("labels file '\(path)' is empty") }
        return lines
    }

    static func run<S: TensorScalar>(_ c: ModelRunConfiguration, weights: LoadedWeights<S>,
                                     labels: [String]?) throws(ToolError) -> ModelRunResult {
        let (family, preset, config) = (weights.family, weights.preset, weights.config)
        var model: any Model<S>
        do throws(BackboneError) { model = try ModelRegistry.make(id: family, configJSON: config, stateDict: weights.takeStateDict()) } catch {
            let what = "\(family)\(preset.map { " (\($0))" } ?? "")"
            if case .stateDict(let e) = error, !weights.hasModelMetadata {
                throw .invalidValue("weights file '\(weights.path)' does not fit \(what) (the file has no model metadata; is it another family or preset?): \(summary(e))")
            }
            throw .invalidValue("weights file '\(weights.path)' for \(what): \(error.description)")
        }
        if c.merged {  // the family was checked (ModelCatalog.checkMergeable) before the weights were read
            do throws(BackboneError) {
                if let deploy = try ModelRegistry.merged(model) { model = deploy }
            } catch {
                throw .invalidValue(error.description)
            }
        }
        let settings = modelSettings(model)
        let preprocessing = Preprocessing.forModel(family: family, preset: preset, imgSize: settings.imgSize)
        let (x, used) = try ModelInput.load(path: c.input, channels: settings.inChannels, preprocessing: preprocessing, as: S.self)
        let options = try ExecutionOptions.tool(threads: c.threads)
        if model.isDensePrediction, c.features == nil || c.output != nil || labels != nil {
            throw .invalidValue("the weights are a dense-prediction model (\(family)'s downstream form): it has no logits; pass --features DIR to write its feature maps (without --output, --labels)")
        }
        if labels != nil, !model.hasClassifier {
            throw .invalidValue("--labels: the model has no classifier (num_classes 0), its output is the pooled features")
        }
        var logits = Tensor<S>(zeros: [x.shape[0], 0])
        var maps: [Tensor<S>] = []
        do throws(BackboneError) {
            if !model.isDensePrediction { logits = try model.forward(x, path: c.path, options: options) }
            if c.features != nil { maps = try model.features(x, path: c.path, options: options) }
        } catch {
            throw .invalidValue("\(c.input): \(error.description)")
        }
        var written: [String] = []
        if let dir = c.features {
            try makeDirectory(dir)
            for (s, map) in maps.enumerated() {
                let file = dir.hasSuffix("/") ? "\(dir)features.\(s).npy" : "\(dir)/features.\(s).npy"
                try NPY.write(map, to: file)
                written.append(file)
            }
        }
        if let output = c.output {
            switch c.outputKind {
            case .npy: try NPY.write(logits, to: output)
            case .safetensors, nil:
                var w = SafetensorsWriter(metadata: ["model": family, "config": config, "input": c.input])
                w.add(logits, named: "logits")
                do { try w.write(atPath: output) } catch { throw .io("cannot write output file '\(output)': \(error)") }
            }
            written.append(output)
        }
        let classes = logits.shape.count == 2 ? logits.shape[1] : 0
        if let labels, labels.count != classes {
            throw .invalidValue("labels file '\(c.labels!)' has \(labels.count) lines, the model has \(classes) classes")
        }
        let rows = (0..<(logits.shape.first ?? 0)).map { n in (0..<classes).map { Double(logits.scalars[n * classes + $0]) } }
        let top = model.hasClassifier ? rows.map { topK($0, k: c.topK, labels: labels) } : []
        return ModelRunResult(family: family, preset: preset, config: config, dtype: S.precision.rawValue, merged: c.merged,
                              inputShape: x.shape, preprocessing: used, logits: rows, top: top,
                              hasClassifier: model.hasClassifier, denseFeatureMaps: model.isDensePrediction ? maps.count : 0,
                              written: written)
    }

    /// A strict-loading error shortened for the terminal: counts, and at most 5 keys of each kind.
    static func summary(_ e: StateDictError) -> String {
        func list(_ keys: [String]) -> String {
            keys.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ") + (keys.count > 5 ? ", … (\(keys.count - 5) more)" : "")
        }
        var parts: [String] = []
        if !e.missingKeys.isEmpty { parts.append("\(e.missingKeys.count) missing key(s): \(list(e.missingKeys))") }
        if !e.unexpectedKeys.isEmpty { parts.append("\(e.unexpectedKeys.count) unexpected key(s): \(list(e.unexpectedKeys))") }
        let mismatches = e.problems.compactMap { p -> String? in
            if case .shapeMismatch(let k, let want, let got) = p { return "size mismatch for \"\(k)\": the model needs \(want), the file has \(got)" }
            return nil
        }
        if !mismatches.isEmpty {
            parts.append("\(mismatches.count) size mismatch(es): " + mismatches.prefix(5).joined(separator: "; ") + (mismatches.count > 5 ? "; … (\(mismatches.count - 5) more)" : ""))
        }
        return parts.joined(separator: "\n  ")
    }

    /// Softmax (in Float64, max subtracted) and the `k` largest, ties by the smaller index.
    package static func topK(_ logits: [Double], k: Int, labels: [String]?) -> [Prediction] {
        guard let m = logits.max() else { return [] }
        let e = logits.map { Foundation.exp($0 - m) }
        let total = e.reduce(0, +)
        let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        return order.prefix(k).map { Prediction(classIndex: $0, probability: e[$0] / total, label: labels?[$0]) }
    }

    /// The input channels (`in_chans`/`in_channels`, default 3) and GFNet's `img_size` of a built model.
    static func modelSettings<S>(_ model: any Model<S>) -> (inChannels: Int, imgSize: Int?) {
        func open<M: Model>(_ m: M) -> (Int, Int?) {
            guard let data = try? JSONEncoder().encode(m.config),
                  let dict = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return (3, nil) }
            let channels = (dict["in_chans"] as? Int) ?? (dict["in_channels"] as? Int) ?? 3
            return (channels, dict["img_size"] as? Int)
        }
        return open(model)
    }

    static func makeDirectory(_ path: String) throws(ToolError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw .io("cannot create features directory '\(path)': \((error as NSError).localizedDescription)")
        }
    }
}

/// Reading `--input`: a safetensors tensor (`input`, or the file's only tensor), a `.npy` array, or a
/// PNG/JPEG image (preprocessed); tensors must be `[C, H, W]` or `[N, C, H, W]` with the model's `C`.
package enum ModelInput {
    package static func load<S: TensorScalar>(path: String, channels: Int, preprocessing: Preprocessing,
                                              as _: S.Type) throws(ToolError) -> (Tensor<S>, Preprocessing?) {
        let head = try FileAccess.readPrefix(path: path, count: 8, what: "input file")
        if RGBImage.kind(of: head) != nil {
            guard channels == 3 else { throw .invalidValue("\(path): an RGB image, but the model takes \(channels) input channels") }
            return (try preprocessing.apply(try RGBImage.decode(path: path), as: S.self), preprocessing)
        }
        let shape: [Int]
        let tensor: Tensor<S>
        if head.starts(with: NPY.magic) {
            let a = try NPY.read(path: path)
            shape = a.shape
            tensor = Tensor(shape: a.shape, scalars: a.values.map { S($0) })
        } else if path.lowercased().hasSuffix(".safetensors") {
            let file: SafetensorsFile
            do { file = try SafetensorsFile(atPath: path) } catch { throw .invalidValue("input '\(path)' is not a valid safetensors file: \(error)") }
            let name: String
            if file.contains("input") { name = "input" } else if file.names.count == 1 { name = file.names[0] } else {
                throw .invalidValue("input '\(path)' has \(file.names.count) tensors and none named \"input\": \(file.names.prefix(8).joined(separator: ", "))")
            }
            do { tensor = try file.tensor(name, as: S.self) } catch { throw .invalidValue("input '\(path)': \(error)") }
            shape = tensor.shape
        } else {
            throw .invalidValue("input '\(path)' is not a PNG, JPEG, .npy or .safetensors file")
        }
        guard shape.count == 3 || shape.count == 4, shape[shape.count - 3] == channels else {
            throw .invalidValue("input '\(path)' has shape \(shape); expected [\(channels), H, W] or [N, \(channels), H, W] (the model takes \(channels) channels)")
        }
        return (shape.count == 3 ? Tensor(shape: [1] + shape, scalars: tensor.scalars) : tensor, nil)
    }
}
