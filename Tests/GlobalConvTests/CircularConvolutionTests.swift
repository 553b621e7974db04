import Testing
@testable import GlobalConv
import Verification

@Suite("Circular convolution (ParC)")
struct CircularConvolutionTests {
    static let lengths = [1, 2, 7, 14, 56, 97]

    @Test("every path matches the Float64 definition along both axes",
          arguments: Precision.allCases, ConvolutionPath.allCases)
    func matchesDefinition(precision: Precision, path: ConvolutionPath) throws {
        for axis in ConvolutionAxis.allCases {
            for (k, length) in Self.lengths.enumerated() {
                // The other extent is 1, a tile narrower than a vector, or several vector tiles; odd (the FFT
                // path's real transforms) or even (its paired complex transforms).
                let other = [1, 6, 19, 8, 5, 2][k % 6]
                let seed = UInt64(1000 + 10 * length + (axis == .height ? 0 : 1))
                switch precision {
                case .float32: try check(Float.self, axis: axis, length: length, other: other, path: path, seed: seed)
                case .float64: try check(Double.self, axis: axis, length: length, other: other, path: path, seed: seed)
                }
            }
        }
    }

    private func check<S: TensorScalar>(_: S.Type, axis: ConvolutionAxis, length: Int, other: Int,
                                        path: ConvolutionPath, seed: UInt64) throws {
        let shape = axis == .height ? [2, 3, length, other] : [2, 3, other, length]
        let x = Tensor<S>.random(shape: shape, seed: seed)
        let w = Tensor<S>.random(shape: axis == .height ? [3, 1, length, 1] : [3, 1, 1, length], seed: seed + 1)
        let hasBias = length != 7
        let b = hasBias ? Tensor<S>.random(shape: [3], seed: seed + 2) : nil
        let conv = try CircularConvolution1D(weight: w, bias: b, axis: axis)
        let y = try conv(x, path: path, options: ExecutionOptions(threads: 2))
        let ref = Reference.circular1D(input: x, weight: w.scalars, bias: b?.scalars, alongHeight: axis == .height)
        #expect(y.shape == shape)
        let worst = PathTolerance(path: path, terms: length, transformSize: length, magnitude: ref.magnitude)
            .worst(y, reference: ref.output)
        #expect(worst.ratio <= 1, "\(axis) L=\(length) \(shape): output \(worst.index) off by \(worst.ratio)× its bound")
    }

    @Test("equals the depthwise convolution of ParC's concatenated input, bit for bit, on the direct path",
          arguments: ConvolutionAxis.allCases, [(9, 12), (3, 17), (13, 70), (70, 13), (56, 56)])
    func equalsConcatenatedDepthwise(axis: ConvolutionAxis, size: (Int, Int)) throws {
        // ParC: y = Conv2d(groups=C, kernel L×1 or 1×L)(cat(x, x[..., :L−1])). Both sum the same products
        // in the same order with the same fusing (the line kernel, its transposed form along W, and the
        // general kernel alike), so even the rounding agrees. Sizes: fewer rows than a register tile, a
        // row count that is not a multiple of 4, widths across one and two 64-column blocks.
        let (h, w, c) = (size.0, size.1, 4)
        let length = axis == .height ? h : w
        let x = Tensor<Float>.random(shape: [2, c, h, w], seed: 5)
        let weight = Tensor<Float>.random(shape: axis == .height ? [c, 1, h, 1] : [c, 1, 1, w], seed: 6)
        let bias = Tensor<Float>.random(shape: [c], seed: 7)
        var cat = Tensor<Float>(zeros: axis == .height ? [2, c, 2 * h - 1, w] : [2, c, h, 2 * w - 1])
        for n in 0..<2 { for ch in 0..<c { for i in 0..<cat.height { for j in 0..<cat.width {
            cat[n, ch, i, j] = x[n, ch, i % h, j % w]
        } } } }
        let expected = try DepthwiseConvolution2D(weight: weight, bias: bias)(cat, path: .direct)
        let got = try CircularConvolution1D(weight: weight, bias: bias, axis: axis)(x, path: .direct)
        #expect(length == (axis == .height ? h : w))
        #expect(got == expected)
    }

    @Test("auto returns the output of one of the two paths and keeps the planner's choice",
          arguments: [(ConvolutionAxis.width, 144), (.width, 97), (.width, 56), (.height, 288), (.height, 56)])
    func autoChoice(axis: ConvolutionAxis, length: Int) throws {
        let shape = axis == .height ? [1, 2, length, 3] : [1, 2, 3, length]
        let x = Tensor<Float>.random(shape: shape, seed: 21)
        let w = Tensor<Float>.random(shape: axis == .height ? [2, 1, length, 1] : [2, 1, 1, length], seed: 22)
        let conv = try CircularConvolution1D(weight: w, bias: Tensor<Float>.random(shape: [2], seed: 23), axis: axis)
        let (auto, viaFFT, direct) = (try conv(x, path: .auto), try conv(x, path: .fft), try conv(x, path: .direct))
        // The two paths round differently, so bitwise equality tells which one ran.
        #expect(viaFFT != direct)
        #expect(auto == viaFFT || auto == direct)
        // A close decision is measured again on the next calls and may flip (ConvolutionPlanner.closeMargin);
        // each call still returns one path's output, and once the decision is final `.auto` keeps it.
        for _ in 1..<ConvolutionPlanner.measurementsForCloseCalls {
            let y = try conv(x, path: .auto)
            #expect(y == viaFFT || y == direct)
        }
        let kept = try conv(x, path: .auto)
        #expect(kept == viaFFT || kept == direct)
        #expect(try conv(x, path: .auto) == kept)
    }

    @Test("the ParC pair (H on the first channels, W on the rest, embeddings added) equals the two convolutions of x + pe, bit for bit",
          arguments: [ConvolutionPath.direct, .fft, .auto], [false, true])
    func pairEqualsHalves(path: ConvolutionPath, embeddings: Bool) throws {
        let (n, c1, c2, h, w) = (2, 3, 2, 7, 12)
        let x = Tensor<Float>.random(shape: [n, c1 + c2, h, w], seed: 31)
        let convH = try CircularConvolution1D(weight: Tensor<Float>.random(shape: [c1, 1, h, 1], seed: 32),
                                              bias: Tensor<Float>.random(shape: [c1], seed: 33), axis: .height)
        let convW = try CircularConvolution1D(weight: Tensor<Float>.random(shape: [c2, 1, 1, w], seed: 34), bias: nil, axis: .width)
        let peH = embeddings ? Tensor<Float>.random(shape: [c1 * h], seed: 35).scalars : nil
        let peW = embeddings ? Tensor<Float>.random(shape: [c2 * w], seed: 36).scalars : nil
        let y = try CircularConvolution1D.pair(x, height: convH, heightAdd: peH, width: convW, widthAdd: peW,
                                               path: path, options: ExecutionOptions(threads: 3))
        // The halves with the embedding added explicitly, each through the public API on the path pair resolved.
        var xH = Tensor<Float>(zeros: [n, c1, h, w]), xW = Tensor<Float>(zeros: [n, c2, h, w])
        for img in 0..<n { for ch in 0..<(c1 + c2) { for i in 0..<h { for j in 0..<w {
            let v = x[img, ch, i, j]
            if ch < c1 { xH[img, ch, i, j] = v + (peH?[ch * h + i] ?? 0) } else { xW[img, ch - c1, i, j] = v + (peW?[(ch - c1) * w + j] ?? 0) }
        } } } }
        let candidatesH = [try convH(xH, path: .direct), try convH(xH, path: .fft)]
        let candidatesW = [try convW(xW, path: .direct), try convW(xW, path: .fft)]
        var yH = Tensor<Float>(zeros: [n, c1, h, w]), yW = Tensor<Float>(zeros: [n, c2, h, w])
        for img in 0..<n { for ch in 0..<(c1 + c2) { for i in 0..<h { for j in 0..<w {
            if ch < c1 { yH[img, ch, i, j] = y[img, ch, i, j] } else { yW[img, ch - c1, i, j] = y[img, ch, i, j] }
        } } } }
        let index = path == .fft ? [1] : path == .direct ? [0] : [0, 1]
        #expect(index.contains { candidatesH[$0] == yH }, "height half differs from convH(x + pe) on \(path)")
        #expect(index.contains { candidatesW[$0] == yW }, "width half differs from convW(x + pe) on \(path)")
    }

    @Test("a NaN in the input poisons exactly its column (along H) or row (along W)",
          arguments: ConvolutionAxis.allCases)
    func nanFootprint(axis: ConvolutionAxis) throws {
        var x = Tensor<Double>.random(shape: [1, 2, 6, 10], seed: 9)
        x[0, 1, 2, 3] = .nan
        let w = Tensor<Double>.random(shape: axis == .height ? [2, 1, 6, 1] : [2, 1, 1, 10], seed: 10)
        let y = try CircularConvolution1D(weight: w, bias: nil, axis: axis)(x, path: .direct)
        let ref = Reference.circular1D(input: x, weight: w.scalars, bias: nil, alongHeight: axis == .height)
        #expect(y.scalars.map(\.isNaN) == ref.output.map(\.isNaN))
        #expect(y.scalars.filter(\.isNaN).count == (axis == .height ? 6 : 10))
    }
}
