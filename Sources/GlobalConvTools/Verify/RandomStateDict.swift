import Backbones
import GlobalConv

/// Random weights for any registered block: the block's strict loader is asked which keys and shapes
/// it needs (loading an empty state_dict reports every missing key with its expected shape), and each
/// is filled reproducibly from `seed`:
/// - `*running_var`: uniform in [0.5, 1.5] (BN variances must be positive);
/// - `*running_mean`: uniform in [−0.5, 0.5];
/// - tensors of rank ≥ 2 (convolution and linear weights, position embeddings, spectra): uniform in
///   [−1, 1]·`1/√fan_in` with `fan_in` = the product of all but the first dimension, so activations
///   stay of order one through the block;
/// - everything else (biases, BN and LayerNorm affine, layer scales): uniform in [−1, 1].
/// Values are drawn in Float32 so the same weights are exact in both precisions.
package enum RandomStateDict {
    /// The keys and shapes block `id` with `configJSON` needs, sorted by key.
    package static func shapes(id: String, configJSON: String) throws(ToolError) -> [(key: String, shape: [Int])] {
        do {
            _ = try BlockRegistry.make(id: id, configJSON: configJSON, stateDict: [String: Tensor<Float>]())
            return []   // a block without weights
        } catch {
            guard case .stateDict(let e) = error else { throw .failed(error.description) }
            return try missingShapes(e)
        }
    }

    /// The keys and shapes whole model `id` (``ModelRegistry``) with `configJSON` needs, sorted by key:
    /// the model's own strict loader lists them.
    package static func modelShapes(id: String, configJSON: String) throws(ToolError) -> [(key: String, shape: [Int])] {
        do {
            // The whole layout of a preset, RepLKNet-31B's 79 M parameters included (within 8 GiB).
            try StateDictLoading.$placeholderBudget.withValue(8 << 30) {
                _ = try ModelRegistry.make(id: id, configJSON: configJSON, stateDict: [String: Tensor<Float>]())
            }
            return []
        } catch let error as BackboneError {
            guard case .stateDict(let e) = error else { throw .failed(error.description) }
            return try missingShapes(e)
        } catch {
            throw .failed("\(error)")
        }
    }

    /// The keys and shapes an empty state_dict's load reported missing, sorted by key (any other
    /// problem is an error).
    private static func missingShapes(_ e: StateDictError) throws(ToolError) -> [(key: String, shape: [Int])] {
        var out: [(key: String, shape: [Int])] = []
        for problem in e.problems {
            guard case .missing(let key, let shape) = problem else { throw .failed(e.description) }
            out.append((key, shape))
        }
        return out.sorted { $0.key < $1.key }
    }

    /// A full random state_dict for block `id` with `configJSON`.
    package static func make(id: String, configJSON: String, seed: UInt64) throws(ToolError) -> [String: Tensor<Float>] {
        make(shapes: try shapes(id: id, configJSON: configJSON), seed: seed)
    }

    /// A full random state_dict for whole model `id` with `configJSON` (same value rules as for blocks).
    package static func makeModel(id: String, configJSON: String, seed: UInt64) throws(ToolError) -> [String: Tensor<Float>] {
        make(shapes: try modelShapes(id: id, configJSON: configJSON), seed: seed)
    }

    /// Random tensors for `shapes` (see the type's rules).
    package static func make(shapes: [(key: String, shape: [Int])], seed: UInt64) -> [String: Tensor<Float>] {
        var dict: [String: Tensor<Float>] = [:]
        for (index, entry) in shapes.enumerated() {
            let s = seed &* 6364136223846793005 &+ UInt64(index) &* 1442695040888963407
            let unit = Tensor<Float>.random(shape: entry.shape, in: -1...1, seed: s)
            var scalars = unit.scalars
            if entry.key.hasSuffix("running_var") {
                scalars = scalars.map { 1 + 0.5 * $0 }
            } else if entry.key.hasSuffix("running_mean") {
                scalars = scalars.map { 0.5 * $0 }
            } else if entry.shape.count >= 2 {
                let fanIn = entry.shape.dropFirst().reduce(1, *)
                let scale = 1 / Float(max(fanIn, 1)).squareRoot()
                scalars = scalars.map { $0 * scale }
            }
            dict[entry.key] = Tensor(shape: entry.shape, scalars: scalars)
        }
        return dict
    }
}
