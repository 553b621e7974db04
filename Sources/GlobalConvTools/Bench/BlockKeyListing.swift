import Backbones

/// `globalconv bench --list-blocks` and the key lines of `bench`'s and `verify`'s `--help`: every
/// block id with its config keys, generated from the Backbones registry
/// (``BlockRegistry/configKeys(id:)``, which records what each block's own config parsing asks
/// for), so the key lists have one home. Docs/blocks.md explains every key.
package enum BlockKeyListing {
    /// One row per block: id, input channel key(s), required keys, optional keys with defaults.
    package struct Row: Sendable, Equatable {
        package let block: String
        package let inputChannels: [String]
        package let required: [String]
        package let optional: [String]
    }

    /// A row for every registered block, then `parc.pair` (the bench's own ParC token mixer).
    package static func rows() -> [Row] {
        var out: [Row] = BlockRegistry.ids.map { id in
            let keys = (try? BlockRegistry.configKeys(id: id)) ?? []
            return Row(block: id, inputChannels: keys.filter(\.isInputChannels).map(\.name),
                       required: keys.filter(\.isRequired).map(\.name),
                       optional: keys.filter { !$0.isRequired }.map(\.description))
        }
        out.append(Row(block: ParCPairBench.id, inputChannels: ["channels"], required: ["channels"], optional: []))
        return out
    }

    /// The table `globalconv bench --list-blocks` prints, with a pointer to Docs/blocks.md.
    package static func table() -> String {
        var t = TextTable(header: ["block", "input channels", "required keys", "optional keys (= default)"])
        for r in rows() {
            t.append([r.block, r.inputChannels.joined(separator: " or "), r.required.joined(separator: ", "),
                      r.optional.isEmpty ? "-" : r.optional.joined(separator: ", ")])
        }
        return t.rendered() + "\n\n" + """
            --config must give every required key; "input channels" is the key whose value is C of the \
            [N, C, H, W] input. parc.pair is bench's own ParC token mixer, not a registry block. \
            What each key means, per block: Docs/blocks.md.
            """
    }

    /// `--help` lines: which key gives the input channels, per block, and where the full lists are.
    package static func helpText() -> String {
        var byKey: [String: [String]] = [:]
        var order: [String] = []
        for r in rows() {
            let key = r.inputChannels.sorted().map { "\"\($0)\"" }.joined(separator: " or ")
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(r.block)
        }
        let lines = order.map { "  \($0): \(byKey[$0]!.joined(separator: ", "))" }
        return "The input channels C come from one key per block:\n" + lines.joined(separator: "\n")
            + "\nEvery block's required and optional keys: globalconv bench --list-blocks; what they mean: Docs/blocks.md."
    }
}
