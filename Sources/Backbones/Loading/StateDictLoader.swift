import GlobalConv

/// Settings of strict loading.
package enum StateDictLoading {
    /// The most bytes of zero placeholders one load may allocate when the state_dict is smaller (256 MiB:
    /// a ConvNeXt block of width 2048 needs 130 MiB). A tool that asks a known preset for its whole key
    /// layout by loading an empty state_dict (RandomStateDict, `globalconv bench --model`) raises it for
    /// that task only: RepLKNet-31B's placeholders are 316 MiB.
    @TaskLocal package static var placeholderBudget: Int = 256 << 20
}

/// Strict loading of a block's tensors from a `[String: Tensor]` keyed by official state_dict names.
///
/// A block's initialiser asks for each tensor it needs with its expected shape (``StateDictScope/take(_:_:)``).
/// A missing key or a wrong shape is *recorded*, not thrown, and a zero placeholder of the expected
/// shape is returned so construction goes on (unless that placeholder is implausibly large, which
/// throws at once: Docs/reliability.md); ``finish()`` then adds every key nobody asked for and
/// throws one ``StateDictError`` listing all problems. Keys `*.num_batches_tracked` are ignored.
/// A tensor taken with its expected shape leaves the loader's dictionary, so that once the block has made
/// what it keeps of it (a 1×1 convolution keeps only its packed weights) the original can be freed while
/// the rest of the model is built: a whole checkpoint is then never held twice.
/// Used only during construction, on one thread (a reference type, not `Sendable`).
final class StateDictLoader<Scalar: TensorScalar> {
    private var tensors: [String: Tensor<Scalar>]
    /// Bytes of the state_dict as given (the placeholder budget is twice that).
    private let givenBytes: Int
    private var consumed = Set<String>()
    private var missing: [StateDictError.Problem] = []
    private var mismatched: [StateDictError.Problem] = []
    let block: String

    init(_ tensors: [String: Tensor<Scalar>], block: String) {
        self.tensors = tensors
        givenBytes = tensors.values.reduce(0) { $0 &+ $1.count &* MemoryLayout<Scalar>.stride }
        self.block = block
    }

    /// The root scope (no prefix).
    var root: StateDictScope<Scalar> { StateDictScope(loader: self, prefix: "") }

    func take(_ key: String, _ shape: [Int]) throws(BackboneError) -> Tensor<Scalar> {
        consumed.insert(key)
        if let t = tensors[key], t.shape == shape {
            tensors[key] = nil
            return t
        }
        // A placeholder is needed. Its shape comes from the config, which may be hostile (`"dim": 1e12`):
        // refuse, before allocating, one that overflows Int or is larger than the placeholder budget.
        try checkPlaceholder(key, shape)
        guard let t = tensors[key] else {
            missing.append(.missing(key: key, expected: shape))
            return try placeholder(key, shape)
        }
        mismatched.append(.shapeMismatch(key: key, expected: shape, got: t.shape))
        return try placeholder(key, shape)
    }

    /// Bytes of zero placeholders allocated so far, and the most all placeholders of one load may
    /// take: 256 MiB (a ConvNeXt block of width 2048 needs 130 MiB), or twice the state_dict's own size if
    /// that is more. No block needs a placeholder
    /// larger than the tensor it stands for, so a config asking for more is an error (not an
    /// out-of-memory crash); the message names the key and the shape.
    private var placeholderBytes = 0
    private lazy var placeholderBudget: Int = max(StateDictLoading.placeholderBudget, givenBytes &* 2)

    private func checkPlaceholder(_ key: String, _ shape: [Int]) throws(BackboneError) {
        var count = 1
        for extent in shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: extent)
            guard extent >= 0, !overflow else {
                throw .config(block: block, message: "the config asks for \"\(key)\" of shape \(shape), whose element count overflows Int")
            }
            count = p
        }
        let (bytes, o1) = count.multipliedReportingOverflow(by: MemoryLayout<Scalar>.stride)
        let (total, o2) = placeholderBytes.addingReportingOverflow(bytes)
        guard !o1, !o2, total <= placeholderBudget else {
            throw .config(block: block, message: "the config asks for \"\(key)\" of shape \(shape) (\(count) elements), which the "
                          + "state_dict does not hold with that shape; the zero placeholders for the tensors it lacks would exceed "
                          + "the loading budget of \(placeholderBudget) bytes (256 MiB or twice the state_dict), so the config's sizes are implausible")
        }
        placeholderBytes = total
    }

    /// A zero tensor of the config-derived `shape` (throwing form: the shape comes from a user's config).
    private func placeholder(_ key: String, _ shape: [Int]) throws(BackboneError) -> Tensor<Scalar> {
        do { return try Tensor(validatingZeros: shape) } catch {
            throw .config(block: block, message: "the config asks for \"\(key)\": \(error.description)")
        }
    }

    /// Whether `key` is present (for optional tensors whose presence the config does not fix), taken or not.
    func contains(_ key: String) -> Bool { tensors[key] != nil || consumed.contains(key) && !isMissing(key) }

    /// Whether `key` was asked for and the state_dict lacked it.
    private func isMissing(_ key: String) -> Bool { missing.contains { $0.key == key } }

    /// Whether a tensor asked for so far was missing or mis-shaped: ``finish()`` will then throw, so
    /// the block being built will never be used and may skip work derived from its weights (a
    /// global filter's spatial form costs an inverse FFT of the whole map per channel: seconds and
    /// gigabytes for a hostile config's `w`, spent on zero placeholders).
    var willFail: Bool { !missing.isEmpty || !mismatched.isEmpty }

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
    /// - Throws: ``BackboneError/config(block:message:)`` when the placeholder would overflow `Int` or
    ///   exceed the loading budget (a hostile or mistaken config; see `StateDictLoader.take`).
    func take(_ name: String, _ shape: [Int]) throws(BackboneError) -> Tensor<Scalar> { try loader.take(prefix + name, shape) }

    /// The scope `prefix + name + "."`.
    func scope(_ name: String) -> StateDictScope<Scalar> { StateDictScope(loader: loader, prefix: prefix + name + ".") }

    /// Whether `prefix + name` is present.
    func contains(_ name: String) -> Bool { loader.contains(prefix + name) }

    /// Whether the load will throw (``StateDictLoader/willFail``): derived state may be skipped.
    var loadWillFail: Bool { loader.willFail }
}
