import GlobalConv

/// One key of a block's config as the block's own `init(config:stateDict:)` asks for it
/// (``BlockRegistry/configKeys(id:)``): the registry is the one home of every block's key list.
public struct BlockConfigKey: Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        /// No official default: the config must give it.
        case required
        /// Has an official default (its JSON text, `null` for Python's `None`).
        case optional(default: String)
        /// May be given instead of the named key (SLaK's `channels` / `dim`).
        case alternative(to: String)
    }

    public let name: String
    public let requirement: Requirement
    /// Whether this key gives the channel count `C` of the block's `[N, C, H, W]` input.
    public let isInputChannels: Bool

    public init(name: String, requirement: Requirement, isInputChannels: Bool = false) {
        (self.name, self.requirement, self.isInputChannels) = (name, requirement, isInputChannels)
    }

    public var isRequired: Bool { requirement == .required }

    /// `name`, `name = default` or `name (instead of other)`.
    public var description: String {
        switch requirement {
        case .required: name
        case .optional(let d): "\(name) = \(d)"
        case .alternative(let other): "\(name) (instead of \(other))"
        }
    }
}

/// What a ``BlockConfig`` was asked while the registry probes a block (one thread at a time; the
/// lock only makes the class `Sendable` for the value type that carries it).
final class BlockConfigKeyLog: Sendable {
    private struct State {
        var keys: [BlockConfigKey] = []
        var inputChannels: (key: String, value: Int?)?
    }
    private let state = Locked(State())

    /// Records `key` unless it is already recorded (the first entry wins).
    func record(_ key: String, _ requirement: BlockConfigKey.Requirement, isInputChannels: Bool = false) {
        state.withLock { s in
            guard !s.keys.contains(where: { $0.name == key }) else { return }
            s.keys.append(BlockConfigKey(name: key, requirement: requirement,
                                         isInputChannels: isInputChannels || s.inputChannels?.key == key))
        }
    }

    /// Marks `key` as the input channel key with the value the config gave (nil: not given).
    func recordInputChannels(_ key: String, value: Int?) {
        state.withLock { s in
            s.inputChannels = (key, value)
            if let i = s.keys.firstIndex(where: { $0.name == key }) {
                s.keys[i] = BlockConfigKey(name: key, requirement: s.keys[i].requirement, isInputChannels: true)
            }
        }
    }

    var keys: [BlockConfigKey] { state.withLock { $0.keys } }
    var inputChannels: (key: String, value: Int?)? { state.withLock { $0.inputChannels } }
}
