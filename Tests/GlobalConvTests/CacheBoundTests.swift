import Testing
@testable import GlobalConv

/// Every cache the engine keeps has a bound and an eviction policy (Docs/reliability.md).
@Suite("Cache bounds")
struct CacheBoundTests {
    @Test("kernel spectra: at most 8 sizes per weights, least recently used dropped first, results unchanged")
    func spectra() throws {
        let conv = try DepthwiseConvolution2D(weight: Tensor<Double>.random(shape: [2, 1, 3, 3], seed: 1), padding: Size2D(1))
        // The transform size is chosen by measurement among the fast sizes in [n, n + max(4, n/4)] for a
        // minimum n = map + 2, so maps whose ranges overlap may share a size (and a spectrum) depending on
        // timing. These maps' ranges are disjoint, so each map has a spectrum of its own whatever is measured.
        let sizes = [6, 12, 20, 30, 43, 58, 78, 103, 133, 173]
        let firstMap = 250
        let first = Tensor<Double>.random(shape: [1, 2, firstMap, firstMap], seed: 2)
        let y0 = try conv(first, path: .fft, options: .init(threads: 1))
        for (i, size) in sizes.enumerated() {
            _ = try conv(.random(shape: [1, 2, size, size], seed: UInt64(10 + i)), path: .fft, options: .init(threads: 1))
            _ = try conv(first, path: .fft, options: .init(threads: 1))  // keeps the first size recently used
            #expect(conv.spectra.count <= KernelSpectrumCache<Double>.capacity)
        }
        let keys = try ([firstMap] + sizes).map {
            KernelSpectrumCache<Double>.Key(transform: try conv.fftTransformSize(for: Size2D($0), effort: .estimate), mode: .zeros)
        }
        #expect(Set(keys).count == keys.count, "disjoint candidate ranges give distinct transform sizes")
        #expect(conv.spectra.contains(keys[0]), "the most recently used size must survive")
        #expect(!conv.spectra.contains(keys[1]), "the least recently used size must be gone")
        // 11 sizes through a cache of 8, the first kept recent: the last 7 others survive, the first 3 do not.
        #expect(keys.dropFirst().map { conv.spectra.contains($0) } == [Bool](repeating: false, count: 3) + [Bool](repeating: true, count: 7))
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
