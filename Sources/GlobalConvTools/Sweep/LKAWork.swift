import GlobalConv

/// The sweep's `lka` path: the LKA decomposition of `K` at its best dilation, timed as the three
/// convolutions it is. Provided by the LargeKernel library; this build does not include it.
enum LKAWork {
    /// Whether this build can time the `lka` path.
    static var isAvailable: Bool { false }

    /// Parameters of the LKA decomposition of `kernel` over `channels` (biases included).
    static func parameters(kernel: Int, channels: Int) throws(ToolError) -> Int {
        throw .notAvailable("the lka path needs the LargeKernel library")
    }

    /// Times LKA(K, best d) on `input`.
    static func time<S: TensorScalar>(kernel: Int, input: Tensor<S>, configuration: SweepConfiguration)
        throws(ToolError) -> TimingStatistics {
        throw .notAvailable("the lka path needs the LargeKernel library")
    }
}
