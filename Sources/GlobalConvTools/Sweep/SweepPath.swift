/// What the sweep times for each kernel size `K`.
package enum SweepPath: String, Sendable, CaseIterable, Codable {
    /// Dense depthwise `K×K` ("same" padding `K/2`, zeros) on the engine's direct path.
    case direct
    /// The same convolution on the engine's FFT path.
    case fft
    /// The LKA decomposition of `K` at its parameter-minimising dilation, run as its three
    /// convolutions ((2d−1)² depthwise, ⌈K/d⌉² depthwise dilated by d, 1×1), each on the auto path.
    case lka
    /// The dense convolution on the engine's auto path (the planner's measured choice).
    case auto
    /// Not a convolution: the FFT path's floor, FFTW's bare forward and inverse transform of every plane
    /// at the padded size the FFT path uses (same plans, effort and threads; no copies, product or crop).
    case fftw

    /// Whether the path computes the exact dense convolution (what baselines are compared with).
    package var isExactConvolution: Bool { self == .direct || self == .fft || self == .auto }
}
