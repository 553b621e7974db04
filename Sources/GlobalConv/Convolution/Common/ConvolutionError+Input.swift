extension ConvolutionError {
    /// Checks what every per-channel convolution needs of its input shape: `[N, C, H, W]` with the
    /// convolution's `channels` and `N ≥ 1` (the map's extents are each convolution's own business).
    /// - Throws: ``shapeMismatch(_:)`` for another rank or channel count, ``invalidArgument(_:)`` for `N = 0`.
    static func checkNCHW(_ inputShape: [Int], channels: Int) throws(ConvolutionError) {
        guard inputShape.count == 4 else {
            throw .shapeMismatch("input must be [N, C, H, W], got \(inputShape)")
        }
        guard inputShape[1] == channels else {
            throw .shapeMismatch("input has \(inputShape[1]) channels, the convolution \(channels): input \(inputShape)")
        }
        guard inputShape[0] >= 1 else { throw .invalidArgument("batch must be ≥ 1, got input \(inputShape)") }
    }
}
