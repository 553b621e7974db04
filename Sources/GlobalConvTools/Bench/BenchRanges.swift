import GlobalConv

/// The ranges `globalconv bench` accepts for what blocks and whole models share: map size, batch,
/// threads, timed and untimed runs.
enum BenchRanges {
    /// - Throws: ``ToolError/invalidValue(_:)`` naming the flag, its range and the value given.
    static func check(size: Size2D, batch: Int, threads: Int, repeats: Int, warmup: Int) throws(ToolError) {
        guard (1...8192).contains(size.height), (1...8192).contains(size.width) else {
            throw .invalidValue("--size must be within 1...8192 per side, got \(size)")
        }
        guard (1...4096).contains(batch) else { throw .invalidValue("--batch must be in 1...4096, got \(batch)") }
        guard (1...1024).contains(threads) else { throw .invalidValue("--threads must be in 1...1024, got \(threads)") }
        guard (1...10_000).contains(repeats) else { throw .invalidValue("--repeats must be in 1...10000, got \(repeats)") }
        guard (0...10_000).contains(warmup) else { throw .invalidValue("--warmup must be in 0...10000, got \(warmup)") }
    }
}
