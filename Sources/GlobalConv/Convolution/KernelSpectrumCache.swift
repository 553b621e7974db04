import Synchronization

/// Kernel spectra of one convolution's weights, per padded transform size; filled by the FFT path.
final class KernelSpectrumCache<Scalar: TensorScalar>: Sendable {
    let storage = Mutex<[Int: [Scalar]]>([:])
}
