import Testing
@testable import GlobalConv

/// Every cache the engine keeps has a bound and an eviction policy (Docs/reliability.md).
@Suite("Cache bounds")
struct CacheBoundTests {
    @Test("kernel spectra: at most 8 sizes per weights, least recently used dropped first, results unchanged")
    func spectra() throws {
        let conv = try DepthwiseConvolution2D(weight: Tensor<Double>.random(shape: [2, 1, 3, 3], seed: 1), padding: Size2D(1))
        let first = Tensor<Double>.random(shape: [1, 2, 5, 5], seed: 2)
        let y0 = try conv(first, path: .fft, options: .init(threads: 1))
        for (i, size) in (6...17).enumerated() {
            _ = try conv(.random(shape: [1, 2, size, size], seed: UInt64(10 + i)), path: .fft, options: .init(threads: 1))
            _ = try conv(first, path: .fft, options: .init(threads: 1))  // keeps the first size recently used
            #expect(conv.spectra.count <= KernelSpectrumCache<Double>.capacity)
        }
        let key = KernelSpectrumCache<Double>.Key(transform: try conv.fftTransformSize(for: Size2D(5), effort: .estimate), mode: .zeros)
        #expect(conv.spectra.contains(key), "the most recently used size must survive")
        let oldest = KernelSpectrumCache<Double>.Key(transform: try conv.fftTransformSize(for: Size2D(6), effort: .estimate), mode: .zeros)
        #expect(!conv.spectra.contains(oldest), "the least recently used size must be gone")
        #expect(try conv(first, path: .fft, options: .init(threads: 1)) == y0)
    }

    @Test("planner decisions: at most `capacity` remembered, oldest forgotten first")
    func planner() throws {
        let planner = ConvolutionPlanner()
        let g = try ConvolutionGeometry2D(kernel: Size2D(3))
        func key(_ i: Int) -> ConvolutionPlanner.Key { .init(precision: .float32, inputShape: [1, 1, i, i], geometry: g, threads: 1) }
        for i in 1...(ConvolutionPlanner.capacity + 100) { planner.record(i % 2 == 0 ? .fft : .direct, for: key(i)) }
        #expect(planner.count == ConvolutionPlanner.capacity)
        #expect(planner.remembered(key(1)) == nil && planner.remembered(key(100)) == nil)
        #expect(planner.remembered(key(101)) == .direct && planner.remembered(key(ConvolutionPlanner.capacity + 100)) == .fft)
        planner.record(.fft, for: key(101))  // updating keeps the count
        #expect(planner.count == ConvolutionPlanner.capacity)
    }

    @Test("FFT plans: at most 256 in the shared cache")
    func plans() {
        #expect(FFTPlanCache.shared.capacity == 256 && FFTPlanCache.shared.count <= 256)
    }
}
