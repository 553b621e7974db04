import GlobalConv

extension BlockConfig {
    /// SLaK's `channels` / `dim` (either name; both at once is an error).
    mutating func channelsOrDim(primary: String) throws(BackboneError) -> Int {
        let other = primary == "dim" ? "channels" : "dim"
        defer { log?.record(other, .alternative(to: primary), isInputChannels: true) }
        if has(other) {
            guard !has(primary) else { throw .config(block: block, message: "give \"\(primary)\" or \"\(other)\", not both") }
            return try inputChannels(other)
        }
        return try inputChannels(primary)
    }

    /// SLaK's `kernel_size [K, N]` with odd `1 ≤ N ≤ K` of equal parity.
    mutating func slakKernel() throws(BackboneError) -> (Int, Int) {
        let kn = try pair("kernel_size")
        guard kn[1] <= kn[0], kn[0] % 2 == 1, kn[1] % 2 == 1 else {
            throw .config(block: block, message: "\"kernel_size\" [K, N] needs odd N ≤ K (branches padded by k/2 keep the map size only for odd k), got \(kn)")
        }
        return (kn[0], kn[1])
    }
}
