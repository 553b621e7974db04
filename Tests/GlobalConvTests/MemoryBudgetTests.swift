import Testing
@testable import GlobalConv

/// Sizes over the memory budget or beyond `Int` fail before anything is allocated, with an error that
/// names the sizes; `.auto` falls back to the direct path when only the FFT path is over the budget.
@Suite("Memory budget")
struct MemoryBudgetTests {
    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch {
            if case ConvolutionError.tooLarge(let m)? = error as? ConvolutionError { return m }
            return "unexpected error \(error)"
        }
    }

    @Test("a path over the budget throws tooLarge naming the input, the parts and the budget")
    func overBudget() throws {
        let x = Tensor<Float>.random(shape: [1, 4, 48, 48], seed: 1)
        let conv = try DepthwiseConvolution2D<Float>(weight: .random(shape: [4, 1, 31, 31], seed: 2), padding: Size2D(15))
        // Output 36 KiB; direct: one 78×78 copy per worker (24 KiB); FFT: the largest transform the measured
        // size choice may take, 96×96 (7-smooth sizes 78…97), 2 planes and a half spectrum per worker
        // (109 KiB) plus 4 spectra (147 KiB). A 128 KiB budget fits only the direct path.
        let options = ExecutionOptions(threads: 1, memoryBudget: MemoryBudget(bytes: 128 << 10))
        let m = try #require(Self.message { _ = try conv(x, path: .fft, options: options) })
        #expect(m.contains("[1, 4, 48, 48]") && m.contains("96×96") && m.contains("131072 bytes") && m.contains("fft"), "\(m)")
        let direct = try conv(x, path: .direct, options: options)
        #expect(try conv(x, path: .auto, options: options) == direct)
        let none = ExecutionOptions(threads: 1, memoryBudget: MemoryBudget(bytes: 1000))
        let m2 = try #require(Self.message { _ = try conv(x, path: .auto, options: none) })
        #expect(m2.contains("36.0 KiB") && m2.contains("1000 bytes"), "\(m2)")
    }

    @Test("sizes whose output or workspace overflows Int are tooLarge, not a trap", arguments: [
        (Size2D(1 << 40), PaddingMode.zeros), (Size2D(1 << 40), .circular), (Size2D(Int.max / 2), .zeros),
        (Size2D(height: 0, width: 1 << 62), .circular),
    ])
    func overflow(padding: Size2D, mode: PaddingMode) throws {
        let x = Tensor<Double>.random(shape: [1, 2, 3, 3], seed: 3)
        let conv = try DepthwiseConvolution2D<Double>(weight: .random(shape: [2, 1, 3, 3], seed: 4), padding: padding, paddingMode: mode)
        for path in ConvolutionPath.allCases {
            let m = try #require(Self.message { _ = try conv(x, path: path, options: .init(threads: 2)) })
            #expect(m.contains("overflow") || m.contains("Int"), "\(path): \(m)")
        }
    }

    @Test("the need is computed with the real sizes: just at the budget passes, one byte less fails")
    func exactBoundary() throws {
        let x = Tensor<Double>.random(shape: [2, 3, 10, 12], seed: 5)
        let conv = try DepthwiseConvolution2D<Double>(weight: .random(shape: [3, 1, 5, 5], seed: 6), padding: Size2D(2))
        let shape = try conv.outputShape(for: x.shape)
        for path in [ConvolutionPath.direct, .fft] {
            let need = try #require(conv.memoryNeed(inputShape: x.shape, outputShape: shape, options: .init(threads: 2)).total(path))
            // Independent count: output 2·3·10·12 doubles; direct 2 workers × 14×16; FFT: the largest transform
            // the measured size choice may take for a 14×16 minimum (7-smooth 14…18 × 16…20: 18×20),
            // 2 workers × (2·360 + 2·18·11) and 3 spectra of 2·18·11, all 8 bytes.
            let expected = path == .direct ? (720 + 2 * 224) * 8 : (720 + 2 * (720 + 396) + 3 * 396) * 8
            #expect(need == expected, "\(path)")
            // One byte short first: it must throw before computing (and caching) any spectrum.
            #expect(Self.message { _ = try conv(x, path: path, options: .init(threads: 2, memoryBudget: MemoryBudget(bytes: need - 1))) } != nil)
            _ = try conv(x, path: path, options: .init(threads: 2, memoryBudget: MemoryBudget(bytes: need)))
        }
    }

    @Test("the global filter checks its FFT path against the budget")
    func globalFilter() throws {
        let filter = try GlobalFilter2D<Float>(complexWeight: .random(shape: [16, 9, 4, 2], seed: 7), height: 16, width: 16)
        let x = Tensor<Float>.random(shape: [2, 4, 16, 16], seed: 8)
        let m = try #require(Self.message { _ = try filter(x, path: .fft, options: .init(threads: 1, memoryBudget: MemoryBudget(bytes: 4096))) })
        #expect(m.contains("[2, 4, 16, 16]") && m.contains("4096 bytes"), "\(m)")
        #expect(try filter(x, path: .fft, options: .init(threads: 1)).shape == x.shape)
    }
}
