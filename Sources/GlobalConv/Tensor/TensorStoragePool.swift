
/// Recycled storage for the intermediate maps of a forward pass (package API).
///
/// A block's intermediates are megabytes each; glibc returns freed blocks of that size to the kernel
/// (`munmap`, or a trim of the heap top), so every forward paid page faults and page zeroing for each
/// of them again — a fifth of some blocks' time. Blocks hand their dead intermediates back with
/// ``recycle(_:)``; the engine's operations take their output storage from ``take(_:)``, which returns a
/// recycled array of the exact element count when one is held.
///
/// Contents of a taken array are unspecified: every caller overwrites all of it. A recycled array that
/// is still referenced elsewhere is safe: the first write through `withUnsafeMutableBufferPointer` copies
/// it (copy-on-write), so shared data is never changed. Bounded: at most ``perSize`` arrays per element
/// count and ``capacityBytes`` in all; arrays below ``minimumCount`` elements are left to `malloc`.
/// Thread-safe.
package enum TensorStoragePool {
    static let capacityBytes = 256 << 20
    static let perSize = 6
    static let minimumCount = 1 << 15

    private struct Key: Hashable { var precision: Precision; var count: Int }
    private struct State: ~Copyable {
        var arrays: [Key: [any Sendable]] = [:]
        var bytes = 0
    }
    private static let state = Locked(State())

    /// An array of `count` scalars with unspecified contents.
    package static func take<S: TensorScalar>(_ count: Int) -> [S] {
        if count >= minimumCount {
            let key = Key(precision: S.precision, count: count)
            let hit: (any Sendable)? = state.withLock { s in
                guard var list = s.arrays[key], let last = list.popLast() else { return nil }
                s.arrays[key] = list.isEmpty ? nil : list
                s.bytes -= count * MemoryLayout<S>.stride
                return last
            }
            if let hit, let array = hit as? [S] { return array }
        }
        guard count > 0 else { return [] }  // not from the shared empty storage (see SafetensorsFile.decode)
        return [S](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Keeps the storage of `tensors` for later ``take(_:)`` calls (dropped when the pool is full).
    package static func recycle<S: TensorScalar>(_ tensors: Tensor<S>...) {
        for t in tensors where t.count >= minimumCount {
            let key = Key(precision: S.precision, count: t.count)
            let bytes = t.count * MemoryLayout<S>.stride
            state.withLock { s in
                guard s.bytes + bytes <= capacityBytes, (s.arrays[key]?.count ?? 0) < perSize else { return }
                s.arrays[key, default: []].append(t.scalars)
                s.bytes += bytes
            }
        }
    }

    /// Drops every held array.
    package static func removeAll() { state.withLock { $0 = State() } }

    /// Bytes held now.
    package static var heldBytes: Int { state.withLock { $0.bytes } }
}
