import Testing
import GlobalConv

/// An empty batch (`N = 0`) gives an empty output of the shape PyTorch gives, on every path; the
/// expected shape is the one a batch of one gives, with `N = 0`.
@Suite("Empty batch")
struct EmptyBatchTests {
    @Test("depthwise convolution of [0, C, H, W] returns [0, C, H', W'] on every path",
          arguments: ConvolutionPath.allCases)
    func depthwise(path: ConvolutionPath) throws {
        for (padding, mode) in [(Size2D(3), PaddingMode.zeros), (Size2D(0), .zeros), (Size2D(2), .circular)] {
            let conv = try DepthwiseConvolution2D(weight: Tensor<Float>.random(shape: [64, 1, 7, 5], seed: 1),
                                                  bias: .random(shape: [64], seed: 2), dilation: Size2D(1),
                                                  padding: padding, paddingMode: mode)
            let one = try conv(Tensor<Float>.random(shape: [1, 64, 12, 11], seed: 3), path: path, options: ExecutionOptions(threads: 1))
            let y = try conv(Tensor<Float>(zeros: [0, 64, 12, 11]), path: path, options: ExecutionOptions(threads: 1))
            #expect(y.shape == [0] + one.shape.dropFirst() && y.count == 0, "\(padding) \(mode)")
        }
        let big = try DepthwiseConvolution2D(weight: Tensor<Double>.random(shape: [64, 1, 7, 7], seed: 4), padding: Size2D(3))
        #expect(try big(Tensor<Double>(zeros: [0, 64, 56, 56]), path: path).shape == [0, 64, 56, 56])
    }

    @Test("circular convolution of an empty batch is empty, along both axes and every path",
          arguments: ConvolutionAxis.allCases)
    func circular(axis: ConvolutionAxis) throws {
        let conv = try CircularConvolution1D(weight: Tensor<Float>.random(shape: axis == .height ? [4, 1, 9, 1] : [4, 1, 1, 8], seed: 5),
                                             bias: .random(shape: [4], seed: 6), axis: axis)
        for path in ConvolutionPath.allCases {
            #expect(try conv(Tensor<Float>(zeros: [0, 4, 9, 8]), path: path).shape == [0, 4, 9, 8])
        }
    }

    @Test("a global filter on an empty batch is empty on every path", arguments: ConvolutionPath.allCases)
    func globalFilter(path: ConvolutionPath) throws {
        let filter = try GlobalFilter2D<Double>(complexWeight: .random(shape: [6, 5, 3, 2], seed: 7), height: 6, width: 8)
        #expect(try filter(Tensor<Double>(zeros: [0, 3, 6, 8]), path: path).shape == [0, 3, 6, 8])
        // The map must still fit the filter.
        #expect(throws: ConvolutionError.self) { try filter(Tensor<Double>(zeros: [0, 3, 6, 9]), path: path) }
    }
}
