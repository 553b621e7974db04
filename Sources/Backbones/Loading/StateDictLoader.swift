import GlobalConv

/// Strict loading of a block's tensors from a `[String: Tensor]` keyed by official state_dict names.
///
/// A block's initialiser asks for each tensor it needs with its expected shape (``StateDictScope/take(_:_:)``).
/// A missing key or a wrong shape is *recorded*, not thrown, and a zero placeholder of the expected
/// shape is returned so construction goes on; ``finish()`` then adds every key nobody asked for and
/// throws one ``StateDictError`` listing all problems. Keys `*.num_batches_tracked` are ignored.
/// Used only during construction, on one thread (a reference type, not `Sendable`).
final class StateDictLoader<Scalar: TensorScalar> {
    private let tensors: [String: Tensor<Scalar>]
    private var consumed = Set<String>()
    private var missing: [StateDictError.Problem] = []
    private var mismatched: [StateDictError.Problem] = []
    let block: String

    init(_ tensors: [String: Tensor<Scalar>], block: String) {
        self.tensors = tensors
        self.block = block
    }

    /// The root scope (no prefix).
    var root: StateDictScope<Scalar> { StateDictScope(loader: self, prefix: "") }

    func take(_ key: String, _ shape: [Int]) -> Tensor<Scalar> {
        consumed.insert(key)
        guard let t = tensors[key] else {
            missing.append(.missing(key: key, expected: shape))
            return Tensor(zeros: shape)
        }
        guard t.shape == shape else {
            mismatched.append(.shapeMismatch(key: key, expected: shape, got: t.shape))
            return Tensor(zeros: shape)
        }
        return t
    }

    /// Whether `key` is present (for optional tensors whose presence the config does not fix).
    func contains(_ key: String) -> Bool { tensors[key] != nil }

    /// Throws the combined error if any key was missing, unexpected or of the wrong shape.
    func finish() throws(StateDictError) {
        let unexpected = tensors.keys
            .filter { !consumed.contains($0) && !$0.hasSuffix("num_batches_tracked") }
            .sorted()
            .map { StateDictError.Problem.unexpected(key: $0, shape: tensors[$0]!.shape) }
        let problems = missing.sorted { $0.key < $1.key } + unexpected + mismatched.sorted { $0.key < $1.key }
        if !problems.isEmpty { throw StateDictError(block: block, problems: problems) }
    }
}

/// A view of a ``StateDictLoader`` under a key prefix, e.g. `attn.spatial_gating_unit.`.
struct StateDictScope<Scalar: TensorScalar> {
    let loader: StateDictLoader<Scalar>
    let prefix: String

    /// The tensor `prefix + name`, checked against `shape` (a zero placeholder when missing or wrong).
    func take(_ name: String, _ shape: [Int]) -> Tensor<Scalar> { loader.take(prefix + name, shape) }

    /// The scope `prefix + name + "."`.
    func scope(_ name: String) -> StateDictScope<Scalar> { StateDictScope(loader: loader, prefix: prefix + name + ".") }

    /// Whether `prefix + name` is present.
    func contains(_ name: String) -> Bool { loader.contains(prefix + name) }
}
