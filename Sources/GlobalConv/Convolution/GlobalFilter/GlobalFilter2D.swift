/// GFNet's global filter: a learned half spectrum applied per channel,
/// `y = irfft2(rfft2(x, norm="ortho") ⊙ W, s=(H, W), norm="ortho")` over the H×W planes of an NCHW tensor.
///
/// The two `ortho` scalings cancel to one `1/(H·W)`, so the filter is a true circular *convolution*
/// (not correlation) `y[i,j] = Σ_{s,t} k[s,t] · x[(i−s) mod H, (j−t) mod W]` with the spatial kernel
/// `k = irfft2(W, s=(H, W))` in the default normalisation. The learned spectrum `W` is not Hermitian on
/// its `v = 0` column nor, for even `W`, its `v = W/2` column; PyTorch's `irfft2` keeps only their
/// Hermitian part `(Z[u] + conj(Z[−u]))/2`, and since `rfft2(x)` is Hermitian on those columns the
/// projection can be applied to `W` once, at construction (Docs/numerics.md).
///
/// `.fft`: one `r2c`, a complex multiply, one `c2r` per plane. `.direct`: the spatial kernel `k`
/// (computed once) run as a circular depthwise convolution. `.auto`: the planner's choice.
/// Thread-safe; a value may be shared by many tasks.
public struct GlobalFilter2D<Scalar: TensorScalar>: Sendable {
    /// Map size the filter was learned for.
    public let size: Size2D
    /// Number of channels `C`.
    public let channels: Int
    /// `C` half spectra `H × (W/2+1)` interleaved (re, im), projected and scaled by `1/(H·W)`.
    let spectrum: [Scalar]
    /// Per channel: whether its spectrum holds a NaN or ±Inf (then every output plane of the channel is NaN).
    let nonFiniteChannels: [Bool]
    /// The same filter as a circular correlation (flipped `k`), for the direct path.
    let spatial: DepthwiseConvolution2D<Scalar>

    /// The most taps the spatial (direct-path) form of a filter may hold: 2²⁴, 128 MiB in Double
    /// (GFNet-H's largest filter, 64 channels on a 96×96 grid at 384×384, holds 0.6 M).
    public static var maximumSpatialTaps: Int { 1 << 24 }

    /// - Parameter complexWeight: `[H, W/2+1, C, 2]`, GFNet's `filter.complex_weight` (real, imaginary last).
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` when the weight is not `[H, W/2+1, C, 2]`;
    ///   ``ConvolutionError/tooLarge(_:)`` when the spatial form would exceed ``maximumSpatialTaps``.
    public init(complexWeight: Tensor<Scalar>, height: Int, width: Int) throws(ConvolutionError) {
        guard height >= 1, width >= 1 else { throw .invalidArgument("global filter map must be at least 1×1, got \(height)×\(width)") }
        let half = width / 2 + 1
        guard complexWeight.rank == 4, complexWeight.shape[0] == height, complexWeight.shape[1] == half,
              complexWeight.shape[2] >= 1, complexWeight.shape[3] == 2 else {
            throw .shapeMismatch("complex_weight must be [\(height), \(half), C, 2] for a \(height)×\(width) map, got \(complexWeight.shape)")
        }
        let c = complexWeight.shape[2]
        // The spatial form holds C·(2⌊H/2⌋+1)·(2⌊W/2⌋+1) taps and its construction transforms an H×W
        // plane per channel: refuse, before allocating, a filter whose taps exceed `maximumSpatialTaps`
        // (a hostile or mistaken config such as W = 2.8 million; GFNet's grids are at most a few thousand
        // points per channel).
        let taps = c.multipliedReportingOverflow(by: 2 * (height / 2) + 1)
        let allTaps = taps.partialValue.multipliedReportingOverflow(by: 2 * (width / 2) + 1)
        guard !taps.overflow, !allTaps.overflow, allTaps.partialValue <= Self.maximumSpatialTaps else {
            throw .tooLarge("a global filter of \(c) channels on a \(height)×\(width) map: its spatial form would hold more than "
                            + "\(Self.maximumSpatialTaps) taps (C·(2⌊H/2⌋+1)·(2⌊W/2⌋+1))")
        }
        size = Size2D(height: height, width: width)
        channels = c
        // Rearrange to per-channel half spectra and project the self-conjugate columns.
        let scale = 1 / Scalar(height * width)
        var spec = [Scalar](repeating: 0, count: c * height * half * 2)
        let w = complexWeight.scalars
        func at(_ u: Int, _ v: Int, _ ch: Int) -> (Scalar, Scalar) {
            let base = ((u * half + v) * c + ch) * 2
            return (w[base], w[base + 1])
        }
        let selfConjugate = width % 2 == 0 ? [0, width / 2] : [0]
        for ch in 0..<c {
            for u in 0..<height {
                for v in 0..<half {
                    var (re, im) = at(u, v, ch)
                    if selfConjugate.contains(v) {
                        let (mr, mi) = at((height - u) % height, v, ch)
                        (re, im) = ((re + mr) / 2, (im - mi) / 2)
                    }
                    let k = ((ch * height + u) * half + v) * 2
                    spec[k] = re * scale
                    spec[k + 1] = im * scale
                }
            }
        }
        spectrum = spec
        nonFiniteChannels = spec.withUnsafeBufferPointer { s in
            (0..<c).map { !NonFinite.allFinite(s.baseAddress! + $0 * 2 * height * half, count: 2 * height * half) }
        }
        spatial = try GlobalFilter2D.spatialConvolution(spectrum: spec, channels: c, size: size)
    }

    /// Runs the filter on `x` (`[N, C, H, W]` with this filter's `C`, `H`, `W`).
    ///
    /// A NaN or ±Inf anywhere in an input plane makes that whole output plane NaN, on every path
    /// (the filter is a full-plane circular convolution; PyTorch's FFT form gives all-NaN too).
    /// An empty batch (`N = 0`) returns an empty output of the same shape.
    /// - Throws: ``ConvolutionError/shapeMismatch(_:)`` for any other input shape,
    ///   ``ConvolutionError/tooLarge(_:)`` when the call would allocate more than `options.memoryBudget`.
    public func callAsFunction(_ x: Tensor<Scalar>, path: ConvolutionPath = .auto,
                               options: ExecutionOptions = .default) throws(ConvolutionError) -> Tensor<Scalar> {
        DebugBuildWarning.check()
        guard x.rank == 4, x.shape[0] >= 0, x.shape[1] == channels, x.shape[2] == size.height, x.shape[3] == size.width else {
            throw .shapeMismatch("global filter expects [N, \(channels), \(size.height), \(size.width)], got \(x.shape)")
        }
        if x.shape[0] == 0 { return Tensor(zeros: x.shape) }  // empty batch: empty output, as PyTorch
        // Robustness hook (GlobalFilter2D+NonFinite.swift, Docs/reliability.md): a plane with a NaN/±Inf
        // input or a channel with a non-finite spectrum is NaN everywhere, as PyTorch's irfft2(rfft2(·)) gives
        // (the FFT path fills such planes itself, plane by plane inside its parallel region).
        return try filter(x, path: path, options: options)
    }

    private func filter(_ x: Tensor<Scalar>, path: ConvolutionPath, options: ExecutionOptions) throws(ConvolutionError) -> Tensor<Scalar> {
        switch resolvedPath(path, inputShape: x.shape, threads: options.threads) {
        case .direct: return nanFillingNonFinite(input: x, output: try spatial(x, path: .direct, options: options))
        case .auto: return nanFillingNonFinite(input: x, output: try spatial(x, path: .auto, options: options))
        case .fft:
            try checkSpectrumMemory(inputShape: x.shape, options: options)
            return try applySpectrum(x, options: options)
        }
    }

    /// `path` with `.auto` decided where it can be: the direct form of a global filter is a full H×W
    /// circular kernel, so FFT wins beyond tiny maps; the planner's remembered choice for the equivalent
    /// convolution wins, and on maps of at most 16 pixels with nothing remembered the spatial form's own
    /// `.auto` measures (returned as `.auto`).
    func resolvedPath(_ path: ConvolutionPath, inputShape: [Int], threads: Int) -> ConvolutionPath {
        guard path == .auto else { return path }
        let choice = ConvolutionPlanner.shared.remembered(.init(
            precision: Scalar.precision, inputShape: inputShape, geometry: spatial.geometry, threads: threads))
        if let choice { return choice }
        return size.height * size.width <= 16 ? .auto : .fft
    }
}
