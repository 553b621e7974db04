/// Which algorithm computes a convolution.
public enum ConvolutionPath: String, Sendable, CaseIterable, Codable {
    /// The definition, summed tap by tap (vectorised, parallel over batch × channel).
    case direct
    /// Through FFTW: linear correlation by zero padding (zeros mode) or the map's own periodic
    /// transform (circular mode), kernel spectra cached per weights and size.
    case fft
    /// Direct or FFT, whichever the planner measured to be faster for this shape on this machine.
    case auto
}

/// How a convolution treats samples outside the map, as PyTorch's `padding_mode`.
public enum PaddingMode: String, Sendable, CaseIterable, Codable {
    /// Outside samples are zero (`nn.Conv2d(padding_mode='zeros')`).
    case zeros
    /// The map repeats periodically (`padding_mode='circular'`); GlobalConv allows padding larger
    /// than the map, which PyTorch refuses, by wrapping as often as needed.
    case circular
}
