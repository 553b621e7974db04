import Testing
@testable import GlobalConv
import Verification

@Suite("FFT concurrency")
struct FFTConcurrencyTests {
    @Test("many tasks planning, executing and dropping plans give the single-task results")
    func manyTasks() async throws {
        let cache = FFTPlanCache(capacity: 3)  // small, so plans are evicted while others execute them
        let sizes = [[8, 8], [9, 7], [12, 10], [5, 16], [30], [7, 7]]
        func run(_ dims: [Int], seed: UInt64) throws -> [Double] {
            let d = RealFFTDescriptor.contiguous(.float64, .forward, dims: dims)
            let plan = try cache.plan(for: d)
            let x = Tensor<Double>.random(shape: [d.realCount], seed: seed)
            let real = AlignedBuffer<Double>(count: d.realCount), freq = AlignedBuffer<Double>(count: 2 * d.complexCount)
            _ = real.buffer.update(fromContentsOf: x.scalars)
            plan.forward(real: real.pointer, complex: freq.pointer)
            return Array(freq.buffer)
        }
        let expected = try sizes.map { try run($0, seed: 1) }
        try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
            for t in 0..<96 {
                group.addTask {
                    let i = t % sizes.count
                    if t % 7 == 0 { cache.removeAll() }
                    return (i, try run(sizes[i], seed: 1))
                }
            }
            for try await (i, result) in group {
                #expect(result == expected[i])
            }
        }
        #expect(cache.count <= 3)
    }

    @Test("one convolution called from many tasks on both paths gives identical results")
    func sharedConvolution() async throws {
        let w = Tensor<Float>.random(shape: [6, 1, 9, 9], seed: 3)
        let conv = try DepthwiseConvolution2D(weight: w, bias: .random(shape: [6], seed: 4), padding: Size2D(4))
        let x = Tensor<Float>.random(shape: [2, 6, 13, 11], seed: 5)
        let direct = try conv(x, path: .direct, options: .init(threads: 1))
        let fft = try conv(x, path: .fft, options: .init(threads: 1))
        try await withThrowingTaskGroup(of: (ConvolutionPath, Tensor<Float>).self) { group in
            for t in 0..<48 {
                group.addTask {
                    let path: ConvolutionPath = t % 2 == 0 ? .direct : .fft
                    return (path, try conv(x, path: path, options: .init(threads: 1 + t % 3)))
                }
            }
            for try await (path, y) in group {
                #expect(y == (path == .direct ? direct : fft))
            }
        }
    }
}
