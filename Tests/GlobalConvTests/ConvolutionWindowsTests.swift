import Testing
@testable import GlobalConv

/// ``ConvolutionWindows``: a dense convolution's input read as its im2col matrix without storing it. The
/// windows must read exactly the im2col matrix of the definition, so the 1×1 kernel packing them (every
/// compiled Float kernel: Pointwise.h's window source) gives bit for bit the 1×1 convolution of that matrix
/// built here from the definition `col[(c·kh + u)·kw + v, i·W' + j] = x̃[c, s_h·i + u − p_h, s_w·j + v − p_w]`
/// (0 outside the map). The convolution's accuracy against Float64 is DenseConvolutionTests'.
@Suite("Convolution windows (implicit im2col)")
struct ConvolutionWindowsTests {
    /// (name, Cin, Cout, kernel, stride, padding, H, W).
    static let cases: [(String, Int, Int, Size2D, Size2D, Size2D, Int, Int)] = [
        ("7×7/s4 p3 (VAN stem): 56×56 output, strips across rows", 3, 8, Size2D(7), Size2D(4), Size2D(3), 224, 224),
        ("3×3/s2 p1 to 14×14: a strip's narrow tail (3·64 + 4)", 5, 13, Size2D(3), Size2D(2), Size2D(1), 28, 28),
        ("3×3/s2 p1 to 7×7: runs of 7 within one strip", 6, 7, Size2D(3), Size2D(2), Size2D(1), 14, 14),
        ("3×3/s2 p1, odd map: the last phase row and column shorter", 4, 5, Size2D(3), Size2D(2), Size2D(1), 13, 11),
        ("4×4/s4 patchify, truncating", 3, 6, Size2D(4), Size2D(4), Size2D(0), 35, 29),
        ("2×2/s2, odd map", 5, 9, Size2D(2), Size2D(2), Size2D(0), 7, 5),
        ("1×1/s2: one phase of four used", 4, 6, Size2D(1), Size2D(2), Size2D(0), 9, 10),
        ("3×3/s1 p1: one phase, padded image", 3, 7, Size2D(3), Size2D(1), Size2D(1), 10, 37),
        ("rectangular 3×2, stride 2×1, padding 1×0", 3, 4, Size2D(height: 3, width: 2), Size2D(height: 2, width: 1),
         Size2D(height: 1, width: 0), 6, 5),
        ("7×7/s2 p3 on a 2×2 map: most taps in the padding", 2, 3, Size2D(7), Size2D(2), Size2D(3), 2, 2),
        ("5×5/s1 p2 on a 3×4 map: the kernel larger than the map", 3, 4, Size2D(5), Size2D(1), Size2D(2), 3, 4),
        ("5×5/s3 p4: padding beyond a stride, wide rows (65 outputs)", 2, 5, Size2D(5), Size2D(3), Size2D(4), 8, 190),
        ("3×3/s2 p0 dropping the last row and column", 2, 3, Size2D(3), Size2D(2), Size2D(0), 8, 10),
    ]

    /// The im2col matrix of the definition, `[N, Cin·kh·kw, H', W']`.
    static func im2col<S: TensorScalar>(_ x: Tensor<S>, kernel k: Size2D, stride s: Size2D, padding p: Size2D, output o: Size2D) -> Tensor<S> {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var col = Tensor<S>(zeros: [n, c * k.height * k.width, o.height, o.width])
        for img in 0..<n { for ch in 0..<c { for u in 0..<k.height { for v in 0..<k.width {
            let r = (ch * k.height + u) * k.width + v
            for i in 0..<o.height { for j in 0..<o.width {
                let (row, q) = (s.height * i + u - p.height, s.width * j + v - p.width)
                if row >= 0, row < h, q >= 0, q < w { col[img, r, i, j] = x[img, ch, row, q] }
            } }
        } } } }
        return col
    }

    @Test("the windows read the definition's im2col matrix; the windowed 1×1 kernel equals it bit for bit on every variant",
          arguments: cases.indices)
    func matchesIm2col(index: Int) throws {
        let (name, cin, cout, k, s, p, h, w) = Self.cases[index]
        let o = Size2D(height: (h + 2 * p.height - k.height) / s.height + 1, width: (w + 2 * p.width - k.width) / s.width + 1)
        let x = Tensor<Float>.random(shape: [2, cin, h, w], in: -2...2, seed: UInt64(40 + index))
        let col = Self.im2col(x, kernel: k, stride: s, padding: p, output: o)
        let conv = PointwiseConvolution(weight: Tensor<Float>.random(shape: [cout, cin * k.height * k.width], seed: 7),
                                        bias: Tensor<Float>.random(shape: [cout], seed: 8))
        for threads in [1, 2] {
            let windows = ConvolutionWindows(x, kernel: k, stride: s, padding: p, output: o, threads: threads)
            #expect(windows.columns() == col, "\(name): columns() from the planes")
            // Double's path reads the same matrix.
            let xd = Tensor<Double>(shape: x.shape, scalars: x.scalars.map(Double.init))
            let wd = ConvolutionWindows(xd, kernel: k, stride: s, padding: p, output: o, threads: threads)
            #expect(wd.columns().scalars == col.scalars.map(Double.init), "\(name): Double windows")
            for variant in PointwiseKernel.Variant.supported {
                let expected = PointwiseConvolution.fused(col, input: .identity, stages: [(conv, PointwiseEpilogue())],
                                                          threads: threads, variant: variant)
                let y = conv(windows: windows, epilogue: PointwiseEpilogue(), threads: threads, variant: variant)
                #expect(y.shape == [2, cout, o.height, o.width])
                #expect(y == expected, "\(name): \(variant) on \(threads) threads")
            }
        }
    }
}
