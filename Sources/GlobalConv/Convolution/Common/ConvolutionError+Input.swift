extension ConvolutionError {
    /// Checks what every per-channel convolution needs of its input shape: `[N, C, H, W]` with the
    /// convolution's `channels` and `N ≥ 0` (the map's extents are each convolution's own business).
    /// An empty batch (`N = 0`) is valid: the convolutions return an empty output of the right shape,
    /// as PyTorch does.
    /// - Throws: ``shapeMismatch(_:)`` for another rank or channel count, ``invalidArgument(_:)`` for `N < 0`.
    static func checkNCHW(_ inputShape: [Int], channels: Int) throws(ConvolutionError) {
        guard inputShape.count == 4 else {
            throw .shapeMismatch("input must be [N, C, H, W], got \(inputShape)")
        }
        guard inputShape[1] == channels else {
            throw .shapeMismatch("input has \(inputShape[1]) channels, the convolution \(channels): input \(inputShape)")
        }
        guard inputShape[0] >= 0 else { throw .invalidArgument("batch must be ≥ 0, got input \(inputShape)") }
    }
}
