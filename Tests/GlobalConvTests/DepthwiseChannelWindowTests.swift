import Testing
@testable import GlobalConv

@Suite("Depthwise convolution of a channel window")
struct DepthwiseChannelWindowTests {
    /// A 4-channel dilated convolution (MogaNet's 7×7 with dilation 3 on the direct path's row-reuse kernel
    /// in Float) applied to channels 3..<7 of a 9-channel map and written at channels 1..<5 of a 6-channel one.
    static func conv<S: TensorScalar>(_: S.Type, finite: Bool = true) throws -> DepthwiseConvolution2D<S> {
        var w = Tensor<S>.random(shape: [4, 1, 7, 7], in: -1...1, seed: 11)
        if !finite { w[2, 0, 3, 3] = .infinity }
        return try DepthwiseConvolution2D(weight: w, bias: .random(shape: [4], in: -1...1, seed: 12), dilation: Size2D(3),
                                          padding: Size2D(9))
    }

    /// What the call must equal: slice, convolve, write back.
    static func expected<S: TensorScalar>(_ conv: DepthwiseConvolution2D<S>, _ x: Tensor<S>, into output: Tensor<S>,
                                          path: ConvolutionPath, options: ExecutionOptions) throws -> Tensor<S> {
        var y = output
        y.replaceChannels(startingAt: 1, with: try conv(x.channels(3..<7), path: path, options: options))
        return y
    }

    func check<S: TensorScalar>(_: S.Type, path: ConvolutionPath, finite: Bool) throws {
        let conv = try Self.conv(S.self, finite: finite)
        let options = ExecutionOptions(threads: 2)
        for map in [(19, 23), (56, 56)] {
            let x = Tensor<S>.random(shape: [2, 9, map.0, map.1], in: -1...1, seed: 13)
            let before = Tensor<S>.random(shape: [2, 6, map.0, map.1], in: -1...1, seed: 14)
            let windowKey = DepthwiseConvolutionPlan<S>.Key(inputShape: [2, conv.channels, map.0, map.1], path: path,
                                                            options: options)
            // The first call plans (and for `.auto` may measure); the later ones run the cached plan in place.
            for call in 0..<3 {
                var out = before
                let cachedOnDirect = conv.plans[windowKey].map { $0.fft == nil } ?? false
                try conv(x, channelsFrom: 3, into: &out, channelsAt: 1, path: path, options: options)
                if path == .auto {
                    // `.auto` re-measures a close decision on later calls (ConvolutionPlanner.closeMargin), so a
                    // second `.auto` call may take the other path: the window's output must be one path's exact
                    // output — the direct path's when the window's plan was already cached on the direct path.
                    let direct = try Self.expected(conv, x, into: before, path: .direct, options: options)
                    let fft = try Self.expected(conv, x, into: before, path: .fft, options: options)
                    #expect(out == direct || (!cachedOnDirect && out == fft), "\(S.self) auto finite \(finite) \(map) call \(call)")
                } else {
                    let want = try Self.expected(conv, x, into: before, path: path, options: options)
                    #expect(out == want, "\(S.self) \(path) finite \(finite) \(map) call \(call)")
                }
                #expect(out.channels(0..<1) == before.channels(0..<1) && out.channels(5..<6) == before.channels(5..<6))
            }
        }
    }

    @Test("bit for bit the slice, the convolution and the write-back, on every path, cached or not, with finite weights or not",
          arguments: [ConvolutionPath.direct, .fft, .auto], [true, false])
    func sameAsSliceConvolveWriteBack(path: ConvolutionPath, finite: Bool) throws {
        try check(Float.self, path: path, finite: finite)
        try check(Double.self, path: path, finite: finite)
    }

    @Test("an empty batch gives an empty output and writes nothing")
    func emptyBatch() throws {
        let conv = try Self.conv(Float.self)
        var out = Tensor<Float>(zeros: [0, 6, 8, 8])
        try conv(Tensor<Float>(zeros: [0, 9, 8, 8]), channelsFrom: 3, into: &out, channelsAt: 1, path: .direct, options: .default)
        #expect(out.shape == [0, 6, 8, 8])
    }
}
