import Testing
import GlobalConv

/// Values from a user's file, config or command line reach tensors and options through throwing
/// forms: a descriptive error where the non-throwing forms trap.
@Suite("Validating initialisers")
struct ValidatingInitialiserTests {
    @Test("ExecutionOptions(validatingThreads: 0) throws instead of trapping")
    func zeroThreads() throws {
        #expect(throws: ConvolutionError.invalidArgument("threads must be ≥ 1, got 0")) {
            try ExecutionOptions(validatingThreads: 0)
        }
        #expect(throws: ConvolutionError.self) { try ExecutionOptions(validatingThreads: -3) }
        #expect(try ExecutionOptions(validatingThreads: 2, effort: .measure) == ExecutionOptions(threads: 2, effort: .measure))
    }

    @Test("a shape that does not hold the scalars throws, naming both counts")
    func scalarCountMismatch() throws {
        let error = try #require(throws: TensorError.self) { try Tensor<Float>(validatingShape: [2, 2], scalars: [1, 2, 3]) }
        #expect(error == .scalarCountMismatch(shape: [2, 2], expected: 4, actual: 3))
        #expect(error.description == "tensor shape [2, 2] holds 4 elements, but 3 scalars were given")
        #expect(try Tensor<Float>(validatingShape: [2, 2], scalars: [1, 2, 3, 4]) == Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
    }

    @Test("a negative or overflowing shape throws")
    func badShapes() throws {
        #expect(throws: TensorError.negativeExtent(shape: [2, -1])) { try Tensor<Double>(validatingZeros: [2, -1]) }
        #expect(throws: TensorError.elementCountOverflow(shape: [Int.max, 2])) { try Tensor<Double>(validatingZeros: [Int.max, 2]) }
        #expect(throws: TensorError.negativeExtent(shape: [-1])) { try Tensor<Float>(validatingShape: [-1], scalars: []) }
        #expect(try Tensor<Double>(validatingZeros: [2, 0, 3]).count == 0)
    }

    @Test("validatedNCHW on a rank-2 tensor throws where .channels traps")
    func notNCHW() throws {
        #expect(throws: TensorError.notNCHW(shape: [3, 4])) { try Tensor<Float>(zeros: [3, 4]).validatedNCHW() }
        let nchw = try Tensor<Float>(zeros: [1, 2, 3, 4]).validatedNCHW()
        #expect(nchw.batch == 1 && nchw.channels == 2 && nchw.height == 3 && nchw.width == 4)
    }
}
