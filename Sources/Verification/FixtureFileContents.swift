import Backbones
import GlobalConv

/// What every fixture file (a block's or a whole model's, Docs/fixtures.md version 1) holds, read and
/// checked once for ``Fixture`` and ``ModelFixture``: the metadata (`globalconv.fixture` = "1", the id
/// under `idKey` — `block` or `model` —, `config`, `dtype`), every floating-point tensor in `Scalar`'s
/// precision (integer and boolean buffers such as BatchNorm's `num_batches_tracked` are skipped), and
/// `input` and `output` taken out of the tensors; the rest is the state_dict (and, for models,
/// `features.*`).
struct FixtureFileContents<Scalar: TensorScalar> {
    let name: String
    let id: String
    let config: String
    let input: Tensor<Scalar>
    let output: Tensor<Scalar>
    var tensors: [String: Tensor<Scalar>]

    /// - Throws: ``BackboneError/fixture(_:)`` naming the file and what is wrong.
    init(file: SafetensorsFile, source: String?, idKey: String) throws(BackboneError) {
        let name = source ?? file.path ?? "fixture"
        let meta = file.metadata
        guard meta["globalconv.fixture"] == "1" else {
            throw .fixture("\(name): metadata \"globalconv.fixture\" must be \"1\", got \(meta["globalconv.fixture"].map { "\"\($0)\"" } ?? "nothing")")
        }
        guard let id = meta[idKey] else { throw .fixture("\(name): metadata has no \"\(idKey)\"") }
        guard let config = meta["config"] else { throw .fixture("\(name): metadata has no \"config\"") }
        guard meta["dtype"] == Scalar.precision.rawValue else {
            throw .fixture("\(name): dtype \(meta["dtype"] ?? "missing") is not \(Scalar.precision.rawValue)")
        }
        for entry in file.entries where entry.dtype.isFloatingPoint && entry.dtype.precision != Scalar.precision {
            throw .fixture("\(name): tensor \"\(entry.name)\" is \(entry.dtype), the fixture's dtype is \(Scalar.precision.rawValue)")
        }
        var tensors: [String: Tensor<Scalar>]
        do { tensors = try file.allTensors(as: Scalar.self) } catch { throw .fixture("\(name): \(error)") }
        guard let input = tensors.removeValue(forKey: "input"), let output = tensors.removeValue(forKey: "output") else {
            throw .fixture("\(name): tensors \"input\" and \"output\" are required")
        }
        (self.name, self.id, self.config, self.input, self.output, self.tensors) = (name, id, config, input, output, tensors)
    }
}
