import Testing
import GlobalConv

/// Bad arguments are reported as the specific ``ConvolutionError``, never a crash.
@Suite("Convolution arguments")
struct ConvolutionArgumentTests {
    enum Kind: Equatable { case shapeMismatch, invalidArgument, tooLarge, otherError, none }

    private func kind(_ body: () throws -> Void) -> Kind {
        do {
            try body()
            return .none
        } catch let error as ConvolutionError {
            switch error {
            case .shapeMismatch: return .shapeMismatch
            case .invalidArgument: return .invalidArgument
            case .tooLarge: return .tooLarge
            }
        } catch {
            return .otherError
        }
    }

    private let x = Tensor<Float>.random(shape: [1, 3, 6, 7], seed: 1)
    private let w3 = Tensor<Float>.random(shape: [3, 1, 3, 3], seed: 2)

    @Test("depthwise: weights, bias and input that do not fit are shape mismatches")
    func depthwiseShapes() throws {
        #expect(kind { _ = try DepthwiseConvolution2D(weight: Tensor<Float>(zeros: [3, 2, 3, 3])) } == .shapeMismatch)
        #expect(kind { _ = try DepthwiseConvolution2D(weight: Tensor<Float>(zeros: [3, 3, 3])) } == .shapeMismatch)
        #expect(kind { _ = try DepthwiseConvolution2D(weight: Tensor<Float>(zeros: [0, 1, 3, 3])) } == .shapeMismatch)
        #expect(kind { _ = try DepthwiseConvolution2D(weight: self.w3, bias: Tensor<Float>(zeros: [4])) } == .shapeMismatch)
        let conv = try DepthwiseConvolution2D(weight: w3, padding: Size2D(1))
        #expect(kind { _ = try conv(Tensor<Float>(zeros: [1, 4, 6, 7]), path: .direct) } == .shapeMismatch)
        #expect(kind { _ = try conv(Tensor<Float>(zeros: [3, 6, 7]), path: .direct) } == .shapeMismatch)
        #expect(kind { _ = try conv(self.x, path: .direct) } == .none)
    }

    @Test("depthwise: empty kernels, maps and outputs and negative padding are invalid arguments (an empty batch is not)",
          arguments: ConvolutionPath.allCases)
    func depthwiseRanges(path: ConvolutionPath) throws {
        #expect(kind { _ = try DepthwiseConvolution2D(weight: Tensor<Float>(zeros: [3, 1, 0, 3])) } == .invalidArgument)
        #expect(kind { _ = try DepthwiseConvolution2D(weight: self.w3, padding: Size2D(height: -1, width: 1)) } == .invalidArgument)
        #expect(kind { _ = try DepthwiseConvolution2D(weight: self.w3, dilation: Size2D(0)) } == .invalidArgument)
        let conv = try DepthwiseConvolution2D(weight: w3)
        #expect(kind { _ = try conv(Tensor<Float>(zeros: [0, 3, 6, 7]), path: path) } == .none)
        #expect(kind { _ = try conv(Tensor<Float>(zeros: [1, 3, 0, 7]), path: path) } == .invalidArgument)
        #expect(kind { _ = try conv(Tensor<Float>(zeros: [1, 3, 6, 0]), path: path) } == .invalidArgument)
        // 2×7 map, 3×3 kernel, no padding: the output would have no rows.
        #expect(kind { _ = try conv(Tensor<Float>(zeros: [1, 3, 2, 7]), path: path) } == .invalidArgument)
    }

    @Test("circular: weights, bias and inputs that do not fit are shape mismatches", arguments: ConvolutionAxis.allCases)
    func circularShapes(axis: ConvolutionAxis) throws {
        let good: [Int] = axis == .height ? [3, 1, 6, 1] : [3, 1, 1, 7]
        let transposed: [Int] = axis == .height ? [3, 1, 1, 6] : [3, 1, 7, 1]
        #expect(kind { _ = try CircularConvolution1D(weight: Tensor<Float>(zeros: transposed), axis: axis) } == .shapeMismatch)
        #expect(kind { _ = try CircularConvolution1D(weight: Tensor<Float>(zeros: [3, 2] + good.suffix(2)), axis: axis) } == .shapeMismatch)
        #expect(kind { _ = try CircularConvolution1D(weight: Tensor<Float>(zeros: [3, 6]), axis: axis) } == .shapeMismatch)
        #expect(kind { _ = try CircularConvolution1D(weight: Tensor<Float>(zeros: [0] + good.dropFirst()), axis: axis) } == .shapeMismatch)
        #expect(kind {
            _ = try CircularConvolution1D(weight: Tensor<Float>(zeros: good), bias: Tensor<Float>(zeros: [2]), axis: axis)
        } == .shapeMismatch)
        let conv = try CircularConvolution1D(weight: Tensor<Float>.random(shape: good, seed: 3),
                                             bias: Tensor<Float>(zeros: [3]), axis: axis)
        for path in ConvolutionPath.allCases {
            #expect(kind { _ = try conv(self.x, path: path) } == .none)
            // Kernel length differs from the input's extent along the axis.
            #expect(kind { _ = try conv(Tensor<Float>(zeros: [1, 3, 7, 6]), path: path) } == .shapeMismatch)
            #expect(kind { _ = try conv(Tensor<Float>(zeros: [1, 2, 6, 7]), path: path) } == .shapeMismatch)
            #expect(kind { _ = try conv(Tensor<Float>(zeros: [3, 6, 7]), path: path) } == .shapeMismatch)
        }
    }

    @Test("circular: an empty kernel or map is an invalid argument, an empty batch is not", arguments: ConvolutionAxis.allCases)
    func circularRanges(axis: ConvolutionAxis) throws {
        let empty: [Int] = axis == .height ? [3, 1, 0, 1] : [3, 1, 1, 0]
        #expect(kind { _ = try CircularConvolution1D(weight: Tensor<Float>(zeros: empty), axis: axis) } == .invalidArgument)
        let good: [Int] = axis == .height ? [3, 1, 6, 1] : [3, 1, 1, 7]
        let conv = try CircularConvolution1D(weight: Tensor<Float>(zeros: good), axis: axis)
        for path in ConvolutionPath.allCases {
            #expect(kind { _ = try conv(Tensor<Float>(zeros: [0, 3, 6, 7]), path: path) } == .none)
            #expect(kind { _ = try conv(Tensor<Float>(zeros: axis == .height ? [1, 3, 6, 0] : [1, 3, 0, 7]), path: path) } == .invalidArgument)
        }
    }
}
