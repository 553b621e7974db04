import Testing
@testable import GlobalConv

@Suite("Chained depthwise convolutions per channel group")
struct DepthwiseChainTests {
    /// MogaNet's value branch on 8 channels: DW0 5×5, then channels 0..<1 as they are, 1..<4 through a 5×5
    /// with dilation 2, 4..<8 through a 7×7 with dilation 3 (the models' dilated row-reuse kernels in Float).
    static func convs<S: TensorScalar>(_: S.Type, finite: Bool = true)
        throws -> (first: DepthwiseConvolution2D<S>, middle: DepthwiseConvolution2D<S>, last: DepthwiseConvolution2D<S>) {
        var w2 = Tensor<S>.random(shape: [4, 1, 7, 7], in: -1...1, seed: 23)
        if !finite { w2[1, 0, 0, 6] = .nan }  // channel 5 of the chain: NaN wherever that tap reads the map
        return (try DepthwiseConvolution2D(weight: .random(shape: [8, 1, 5, 5], in: -1...1, seed: 21),
                                           bias: .random(shape: [8], in: -1...1, seed: 31), dilation: Size2D(1), padding: Size2D(2)),
                try DepthwiseConvolution2D(weight: .random(shape: [3, 1, 5, 5], in: -1...1, seed: 22),
                                           bias: .random(shape: [3], in: -1...1, seed: 32), dilation: Size2D(2), padding: Size2D(4)),
                try DepthwiseConvolution2D(weight: w2, bias: .random(shape: [4], in: -1...1, seed: 33), dilation: Size2D(3),
                                           padding: Size2D(9)))
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath, finite: Bool) throws {
        let (first, middle, last) = try Self.convs(S.self, finite: finite)
        let options = ExecutionOptions(threads: 2)
        for map in [(9, 13), (56, 56)] {
            let x = Tensor<S>.random(shape: [2, 8, map.0, map.1], in: -1...1, seed: 24)
            // What the chain must equal: DW0 over the map, then each group's convolution over its channels.
            let y = try first(x, path: path, options: options)
            var want = y
            want.replaceChannels(startingAt: 1, with: try middle(y.channels(1..<4), path: path, options: options))
            want.replaceChannels(startingAt: 4, with: try last(y.channels(4..<8), path: path, options: options))
            // The first call plans (and for `.auto` may measure); the later ones run the planned chain.
            for call in 0..<3 {
                let out = try first(x, then: [(0..<1, nil), (1..<4, middle), (4..<8, last)], path: path, options: options)
                // Equal element by element, NaN where NaN (a non-finite weight makes some outputs NaN).
                #expect(out.shape == want.shape && zip(out.scalars, want.scalars).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                        "\(S.self) \(path) finite \(finite) \(map) call \(call)")
            }
        }
    }

    @Test("bit for bit the two convolutions run one after the other, on every path, planned or not, with finite weights or not",
          arguments: [ConvolutionPath.direct, .fft, .auto], [true, false])
    func sameAsSequential(path: ConvolutionPath, finite: Bool) throws {
        try check(Float.self, path: path, finite: finite)
        try check(Double.self, path: path, finite: finite)
    }

    @Test("one group through a second convolution: VAN's conv0 then conv_spatial shape")
    func singleGroup() throws {
        let (first, _, _) = try Self.convs(Float.self)
        let second = try DepthwiseConvolution2D<Float>(weight: .random(shape: [8, 1, 7, 7], in: -1...1, seed: 41),
                                                       bias: nil, dilation: Size2D(3), padding: Size2D(9))
        let x = Tensor<Float>.random(shape: [1, 8, 28, 28], in: -1...1, seed: 42)
        let options = ExecutionOptions(threads: 2)
        let want = try second(try first(x, path: .direct, options: options), path: .direct, options: options)
        for _ in 0..<2 {
            #expect(try first(x, then: [(0..<8, second)], path: .direct, options: options) == want)
        }
    }
}
