/// Prefix scopes of a state_dict (`[String: Tensor]` keyed by PyTorch's dotted names).
extension Dictionary where Key == String {
    /// The tensors whose names start with `prefix`, with the prefix removed: the state_dict of one
    /// sub-module of a whole checkpoint, as `module.get_submodule(name).state_dict()` would give it.
    ///
    /// `checkpoint.scoped("stages.2.blocks.5.")` maps `"stages.2.blocks.5.pw1.conv.weight"` to
    /// `"pw1.conv.weight"` and drops every other key (`"stages.2.blocks.50.…"`, `"head.weight"`), so the
    /// result can be loaded strictly into one block. Give the prefix with its trailing dot; a key equal
    /// to the prefix itself would become `""` and is dropped. An empty prefix returns every tensor.
    public func scoped<S: TensorScalar>(_ prefix: String) -> [String: Tensor<S>] where Value == Tensor<S> {
        guard !prefix.isEmpty else { return self }
        var result: [String: Tensor<S>] = [:]
        for (name, tensor) in self where name.hasPrefix(prefix) && name.count > prefix.count {
            result[String(name.dropFirst(prefix.count))] = tensor
        }
        return result
    }
}
