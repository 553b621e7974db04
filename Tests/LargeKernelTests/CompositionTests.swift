import Testing
import GlobalConv
import LargeKernel
import Verification

/// `conv_B(conv_A(x))` against `conv_{A∘B}(x)`: exact under circular padding, interior-only under zeros.
@Suite("Sequential composition")
struct CompositionTests {
    /// A 5×5 first kernel and a 3×3 kernel dilated by 3 (extent 7), both with a bias; odd extents keep the
    /// map size with symmetric padding, so the circular case is exact.
    static func kernels() throws -> (DepthwiseKernel<Double>, DepthwiseKernel<Double>) {
        let a = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 5, 5, seed: 11), bias: .random(shape: [2], seed: 12))
        let b = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 3, 3, seed: 13), bias: .random(shape: [2], seed: 14),
                                            dilation: Size2D(3))
        return (a, b)
    }

    /// `Σ|B|·(|b_A| + Σ|A|·|x|) + |b_B|` per output: the magnitude both evaluations' errors scale with.
    static func magnitude(_ x: Tensor<Double>, _ a: DepthwiseKernel<Double>, _ b: DepthwiseKernel<Double>,
                          mode: PaddingMode) throws -> [Double] {
        func abs(_ t: Tensor<Double>) -> Tensor<Double> { Tensor(shape: t.shape, scalars: t.scalars.map { Swift.abs($0) }) }
        let ga = try ConvolutionGeometry2D(kernel: a.size, padding: a.centrePadding, paddingMode: mode)
        let gb = try ConvolutionGeometry2D(kernel: b.size, dilation: b.dilation, padding: b.centrePadding, paddingMode: mode)
        let first = Reference.depthwise2D(input: abs(x), weight: abs(a.weight), bias: abs(a.bias), geometry: ga)
        let t = Tensor(shape: first.shape, scalars: first.output)
        return Reference.depthwise2D(input: t, weight: abs(b.weight), bias: abs(b.bias), geometry: gb).output
    }

    @Test("the composed kernel has extent e_A + e_B − 1 and bias b_B + b_A·ΣB")
    func composedShapeAndBias() throws {
        let (a, b) = try Self.kernels()
        let k = try a.composed(with: b)
        #expect(k.size == Size2D(11))
        for c in 0..<2 {
            let sumB = (0..<9).reduce(0.0) { $0 + b.weight.scalars[c * 9 + $1] }
            #expect(abs(k.bias.scalars[c] - (b.bias.scalars[c] + a.bias.scalars[c] * sumB)) <= 1e-15 * 10)
            // The corner taps are single products: K[0,0] = A[0,0]·B[0,0], K[10,10] = A[4,4]·B[2,2].
            #expect(k.weight[c, 0, 0, 0] == a.weight[c, 0, 0, 0] * b.weight[c, 0, 0, 0])
            #expect(k.weight[c, 0, 10, 10] == a.weight[c, 0, 4, 4] * b.weight[c, 0, 2, 2])
        }
        #expect(throws: LargeKernelError.self) {
            try a.composed(with: DepthwiseKernel(weight: Fixture.weight(channels: 3, 3, 3, seed: 1)))
        }
    }

    @Test("under circular padding two convolutions equal one with the composed kernel, also on maps smaller than it",
          arguments: bothPaths, [[1, 2, 9, 11], [2, 2, 4, 3]])
    func circularIsExact(path: ConvolutionPath, shape: [Int]) throws {
        let (a, b) = try Self.kernels()
        let k = try a.composed(with: b)
        let x = Tensor<Double>.random(shape: shape, seed: 15)
        let sequential = try b.forward(a.forward(x, padding: a.centrePadding, paddingMode: .circular, path: path),
                                       padding: b.centrePadding, paddingMode: .circular, path: path)
        let composed = try k.forward(x, padding: Size2D(a.centrePadding.height + b.centrePadding.height),
                                     paddingMode: .circular, path: path)
        #expect(sequential.shape == x.shape && composed.shape == x.shape)
        let mag = try Self.magnitude(x, a, b, mode: .circular)
        // Each side: ≤ 25 + 9 rounding steps along the longest chain (and 121 for the composed conv).
        let bound = errorBound(Double.self, path: path, terms: 121 + 34, magnitude: mag,
                               transformSize: shape[2] * shape[3], convs: 3).map { 2 * $0 }
        let r = worstRatio(composed, sequential.scalars, bound: bound)
        #expect(r.ratio <= 1 && r.relative <= 1e-12, "circular sequential vs composed: \(r)")
    }

    @Test("under zero padding they agree in the interior and differ at the borders", arguments: bothPaths)
    func zerosOnlyInInterior(path: ConvolutionPath) throws {
        let (a, b) = try Self.kernels()
        let k = try a.composed(with: b)
        let (h, w) = (16, 15)
        let x = Tensor<Double>.random(shape: [1, 2, h, w], seed: 16)
        let sequential = try b.forward(a.forward(x, path: path), path: path)
        let composed = try k.forward(x, padding: Size2D(5), paddingMode: .zeros, path: path)
        let mag = try Self.magnitude(x, a, b, mode: .zeros)
        let bound = errorBound(Double.self, path: path, terms: 121 + 34, magnitude: mag,
                               transformSize: (h + 10) * (w + 10), convs: 3).map { 2 * $0 }
        // conv_B (extent 7, padding 3) reads intermediate rows i−3…i+3: inside the map iff 3 ≤ i < h − 3.
        var interiorWorst = 0.0
        var borderMax = (top: 0.0, bottom: 0.0, left: 0.0, right: 0.0)
        for c in 0..<2 {
            for i in 0..<h {
                for j in 0..<w {
                    let d = abs(composed[0, c, i, j] - sequential[0, c, i, j])
                    let interior = (3..<(h - 3)).contains(i) && (3..<(w - 3)).contains(j)
                    if interior {
                        interiorWorst = max(interiorWorst, d / bound[(c * h + i) * w + j])
                    }
                    if i < 3 { borderMax.top = max(borderMax.top, d) }
                    if i >= h - 3 { borderMax.bottom = max(borderMax.bottom, d) }
                    if j < 3 { borderMax.left = max(borderMax.left, d) }
                    if j >= w - 3 { borderMax.right = max(borderMax.right, d) }
                }
            }
        }
        #expect(interiorWorst <= 1, "interior mismatch \(interiorWorst) × bound")
        #expect(borderMax.top > 1e-3 && borderMax.bottom > 1e-3 && borderMax.left > 1e-3 && borderMax.right > 1e-3,
                "border differences \(borderMax) should be large: the intermediate crop drops values and b_A")
    }
}
