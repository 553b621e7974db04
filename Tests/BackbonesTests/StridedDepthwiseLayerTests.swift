import Testing
import GlobalConv
import Verification
@testable import Backbones

/// The strided depthwise convolution on the engine (stride-1 convolution, then every s-th row and
/// column) against the strided definition summed in Float64, within `γ(T+1)·(|b| + Σ|w||x̃|)` on the
/// direct path (the same dot products in the same order) and within the FFT bound on the FFT path.
@Suite("Strided depthwise layer")
struct StridedDepthwiseLayerTests {
    @Test("k×k stride s padding k/2 equals the definition on odd and even maps", arguments: [(3, 2, 11, 10), (3, 2, 9, 9), (5, 3, 13, 8), (3, 1, 6, 5)])
    func matchesDefinition(k: Int, stride: Int, h: Int, w: Int) throws {
        let c = 4
        let x = Tensor<Double>.random(shape: [2, c, h, w], seed: 51)
        let weights: [String: Tensor<Double>] = ["weight": .random(shape: [c, 1, k, k], seed: 52), "bias": .random(shape: [c], seed: 53)]
        let loader = StateDictLoader(weights, block: "test")
        let layer = try StridedDepthwiseLayer(loader.root, channels: c, kernel: k, stride: stride, bias: true)
        try loader.finish()
        let (ho, wo) = ((h + 2 * (k / 2) - k) / stride + 1, (w + 2 * (k / 2) - k) / stride + 1)
        for path in [ConvolutionPath.direct, .fft] {
            let y = try layer(x, path: path, options: ExecutionOptions(threads: 2))
            #expect(y.shape == [2, c, ho, wo])
            var reference: [Double] = [], magnitude: [Double] = []
            for n in 0..<2 { for ch in 0..<c { for i in 0..<ho { for j in 0..<wo {
                var acc = weights["bias"]!.scalars[ch], mag = abs(acc)
                for u in 0..<k { for v in 0..<k {
                    let (r, q) = (i * stride + u - k / 2, j * stride + v - k / 2)
                    guard r >= 0, r < h, q >= 0, q < w else { continue }
                    let t = weights["weight"]![ch, 0, u, v] * x[n, ch, r, q]
                    acc += t; mag += abs(t)
                }}
                reference.append(acc); magnitude.append(mag)
            }}}}
            // The FFT path's transform is at most (2·(h + k − 1)) × (2·(w + k − 1)) (7-smooth sizes ≤ twice the need).
            let fftTolerance = Tolerance.fft(Double.self, transformSize: 4 * (h + k - 1) * (w + k - 1), scale: magnitude.max()!)
            for (index, value) in y.scalars.enumerated() {
                let tolerance = path == .direct ? Tolerance.direct(Double.self, terms: k * k, magnitude: magnitude[index]) : fftTolerance
                #expect(abs(value - reference[index]) <= tolerance, "\(path) k \(k) s \(stride) at \(index)")
            }
        }
    }
}
