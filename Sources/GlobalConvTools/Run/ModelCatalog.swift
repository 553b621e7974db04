import Backbones
import Foundation
import GlobalConv

/// The names `--model` accepts: a registered family id (`convnext`, `van`, …; ``ModelRegistry/ids``)
/// or an official preset name (`convnext_tiny`, `van_b0`, `SLaK_tiny`, `gfnet-h-ti`, …), matched
/// ignoring case and treating `-` and `_` alike, as Fixtures/convert_checkpoint.py does.
package enum ModelCatalog {
    /// For `--merged` (`run`, `bench --model`): refuses a family without a deploy form before any weights
    /// are read or made. - Throws: ``ToolError/invalidValue(_:)`` naming the family and those that have one.
    package static func checkMergeable(family: String) throws(ToolError) {
        let mergeable = ModelRegistry.mergeableIDs
        guard mergeable.contains(family) else {
            throw .invalidValue("--merged: \(family) has no re-parameterised form (\(mergeable.joined(separator: ", ")) have)")
        }
    }

    /// A resolved `--model`: the family id and, when a preset was named, its official spelling.
    package struct Target: Sendable, Equatable {
        package var family: String
        package var preset: String?
        package init(family: String, preset: String?) { (self.family, self.preset) = (family, preset) }
    }

    /// Official preset names per family id.
    package static let presets: [String: [String]] = [
        "convnext": ConvNeXtConfig.presets.keys.sorted(),
        "van": VANConfig.presets.keys.sorted(),
        "replknet": RepLKNetConfig.presets.keys.sorted(),
        "slak": SLaKConfig.presets.keys.sorted(),
        "parc_convnext": ParCConvNeXtConfig.presets.keys.sorted(),
        "moganet": MogaNetConfig.presets.keys.sorted(),
        "gfnet": GFNetConfig.presets.keys.sorted(),
        "gfnet_h": GFNetHConfig.presets.keys.sorted(),
        "unireplknet": UniRepLKNetConfig.presets.keys.sorted(),
        "convnextv2": ConvNeXtConfig.v2Presets.keys.sorted(),
    ]

    /// The comparison key of a name: lower case, `-` as `_`.
    package static func normalised(_ name: String) -> String {
        name.lowercased().replacingOccurrences(of: "-", with: "_")
    }

    /// Whether presets `a` and `b` of `family` are the same model: the same name (ignoring case and
    /// `-`/`_`) or aliases with equal configs (`van_tiny` = `van_b0`; `moganet_tiny_sz256` has
    /// `moganet_tiny`'s weights layout and differs only in its evaluation size).
    package static func samePreset(family: String, _ a: String, _ b: String) -> Bool {
        if normalised(a) == normalised(b) { return true }
        func same<C: Equatable>(_ presets: [String: C]) -> Bool {
            let find = { (n: String) in presets.first { normalised($0.key) == normalised(n) }?.value }
            guard let x = find(a), let y = find(b) else { return false }
            return x == y
        }
        switch family {
        case "convnext": return same(ConvNeXtConfig.presets)
        case "van": return same(VANConfig.presets)
        case "replknet": return same(RepLKNetConfig.presets)
        case "slak": return same(SLaKConfig.presets)
        case "parc_convnext": return same(ParCConvNeXtConfig.presets)
        case "moganet": return same(MogaNetConfig.presets)
        case "gfnet": return same(GFNetConfig.presets)
        case "gfnet_h": return same(GFNetHConfig.presets)
        case "unireplknet": return same(UniRepLKNetConfig.presets)
        case "convnextv2": return same(ConvNeXtConfig.v2Presets)
        default: return false
        }
    }

    /// Whether a file's `config` JSON describes preset `preset` of `family`, as the converter's preset
    /// matching decides: both are parsed by the model's own config parser and compared, the preset taking
    /// the file's `num_classes`, `img_size` and `small_kernel_merged` (and, once merged, `small_kernel`,
    /// which merged weights cannot show). Nil when either does not parse (the build reports that).
    package static func config(_ config: String, isPreset preset: String, family: String) -> Bool? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: Any] else { return nil }
        var overrides: [String: Any] = ["preset": preset]
        for key in ["num_classes", "img_size", "small_kernel_merged", "deploy"] { if let v = object[key] { overrides[key] = v } }
        if object["small_kernel_merged"] as? Bool == true { overrides["small_kernel"] = object["small_kernel"] ?? NSNull() }
        guard let data = try? JSONSerialization.data(withJSONObject: overrides, options: [.sortedKeys]) else { return nil }
        let presetJSON = String(decoding: data, as: UTF8.self)
        func same<M: Model>(_: M.Type) -> Bool? {
            guard let a = try? M.parseConfig(BlockConfig(block: M.id, json: config)),
                  let b = try? M.parseConfig(BlockConfig(block: M.id, json: presetJSON)) else { return nil }
            return a == b
        }
        switch family {
        case "convnext": return same(ConvNeXtModel<Float>.self)
        case "van": return same(VANModel<Float>.self)
        case "replknet": return same(RepLKNetModel<Float>.self)
        case "slak": return same(SLaKModel<Float>.self)
        case "parc_convnext": return same(ParCConvNeXtModel<Float>.self)
        case "moganet": return same(MogaNetModel<Float>.self)
        case "gfnet": return same(GFNetModel<Float>.self)
        case "gfnet_h": return same(GFNetHModel<Float>.self)
        case "unireplknet": return same(UniRepLKNetModel<Float>.self)
        case "convnextv2": return same(ConvNeXtV2Model<Float>.self)
        default: return nil
        }
    }

    /// Every accepted name, families first, for error messages.
    package static var knownNames: String {
        let families = ModelRegistry.ids
        let names = families.flatMap { presets[$0] ?? [] }
        return "families: \(families.joined(separator: ", ")); presets: \(names.joined(separator: ", "))"
    }

    /// Resolves `name`. - Throws: ``ToolError/invalidValue(_:)`` listing the known names.
    package static func resolve(_ name: String) throws(ToolError) -> Target {
        let key = normalised(name)
        if let family = ModelRegistry.ids.first(where: { normalised($0) == key }) { return Target(family: family, preset: nil) }
        for family in ModelRegistry.ids {
            if let preset = presets[family]?.first(where: { normalised($0) == key }) { return Target(family: family, preset: preset) }
        }
        throw .invalidValue("unknown model '\(name)'; known \(knownNames)")
    }

    /// The config JSON for `target` without a file's config: `{"preset": …}` or `{}` (the defaults).
    package static func configJSON(_ target: Target) -> String {
        target.preset.map { #"{"preset": "\#($0)"}"# } ?? "{}"
    }
}

/// A weights file for `globalconv run`: a safetensors state_dict, optionally with the metadata
/// Fixtures/convert_checkpoint.py writes (`format` = `globalconv-model`, `model`, `config`, `key_set`,
/// `dtype`, `preset`) or a model fixture's (`globalconv.fixture` = 1, `model`, `config`; its `input`,
/// `output` and `features.*` tensors are not weights and are left out).
package struct WeightsFile: Sendable {
    package var path: String
    package var file: SafetensorsFile
    /// The family the metadata names, if any.
    package var family: String?
    /// The config JSON the metadata holds, if any.
    package var config: String?
    /// The preset the metadata names, if any.
    package var preset: String?
    /// Whether this is a model fixture (whose non-weight tensors are skipped).
    package var isFixture: Bool

    /// Opens `path`. - Throws: ``ToolError/io(_:)`` for a missing or unreadable file,
    /// ``ToolError/invalidValue(_:)`` for one that is not a valid safetensors file (truncated, bad header).
    package init(path: String) throws(ToolError) {
        _ = try FileAccess.readPrefix(path: path, count: 1, what: "weights file")
        do { file = try SafetensorsFile(atPath: path) } catch {
            throw .invalidValue("weights file '\(path)' is not a valid safetensors file: \(error)")
        }
        self.path = path
        let meta = file.metadata
        isFixture = meta["globalconv.fixture"] == "1" && meta["model"] != nil
        if meta["format"] == "globalconv-model" || isFixture {
            family = meta["model"]
            config = meta["config"]
            preset = meta["preset"]
        }
    }

    /// The precision the file's floating-point tensors are stored in (`float64` only when every one is F64).
    package var precision: Precision {
        if let d = file.metadata["dtype"], let p = Precision(rawValue: d) { return p }
        let floats = file.entries.filter { $0.dtype.isFloatingPoint }
        return !floats.isEmpty && floats.allSatisfy { $0.dtype == .f64 } ? .float64 : .float32
    }

    /// The family and config JSON to build for `target`, checked against the metadata: a different
    /// family, or a preset that differs from the file's, is an error naming both.
    package func resolve(_ target: ModelCatalog.Target) throws(ToolError) -> (family: String, preset: String?, config: String) {
        guard let family else { return (target.family, target.preset, ModelCatalog.configJSON(target)) }
        guard family == target.family else {
            let asked = target.preset.map { "'\($0)' (family \(target.family))" } ?? "family '\(target.family)'"
            throw .invalidValue("weights file '\(path)' holds a '\(family)' model\(preset.map { " (preset \($0))" } ?? ""), but --model asks for \(asked)")
        }
        if let asked = target.preset, let stored = preset, !ModelCatalog.samePreset(family: family, asked, stored) {
            throw .invalidValue("weights file '\(path)' holds preset '\(stored)', but --model asks for '\(asked)' (both \(family))")
        }
        if let asked = target.preset, preset == nil, let config, ModelCatalog.config(config, isPreset: asked, family: family) == false {
            throw .invalidValue("weights file '\(path)' holds a \(family) model whose config \(config) is not preset '\(asked)'; use --model \(family) to run it with the file's config")
        }
        return (family, target.preset ?? preset, config ?? ModelCatalog.configJSON(target))
    }

    /// The state_dict in `S` (fixture tensors left out).
    package func stateDict<S: TensorScalar>(as _: S.Type) throws(ToolError) -> [String: Tensor<S>] {
        var d: [String: Tensor<S>]
        do { d = try file.allTensors(as: S.self) } catch { throw .invalidValue("weights file '\(path)': \(error)") }
        if isFixture {
            for k in d.keys where k == "input" || k == "output" || k.hasPrefix("features.") { d[k] = nil }
        }
        return d
    }
}

/// What a run keeps of a ``WeightsFile`` once its tensors are decoded: the family, preset and config to
/// build (checked against `--model` by ``WeightsFile/resolve(_:)``) and the state_dict in `S`, without
/// the file's bytes. A reference so that the run can hand the state_dict over to the model and drop its
/// own copy (``takeStateDict()``): tensors the model keeps share their storage, the others (the Float 1×1
/// weights, which the model holds packed) are freed before the forward.
package final class LoadedWeights<S: TensorScalar> {
    package let path: String
    package let family: String
    package let preset: String?
    package let config: String
    private var stateDict: [String: Tensor<S>]
    /// Whether the file named its family (converter or fixture metadata).
    package let hasModelMetadata: Bool

    package init(_ file: WeightsFile, target: ModelCatalog.Target) throws(ToolError) {
        (family, preset, config) = try file.resolve(target)
        stateDict = try file.stateDict(as: S.self)
        path = file.path
        hasModelMetadata = file.family != nil
    }

    /// The state_dict, leaving this value without it.
    package func takeStateDict() -> [String: Tensor<S>] {
        defer { stateDict = [:] }
        return stateDict
    }
}
