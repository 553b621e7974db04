import Testing
@testable import GlobalConv
import Verification

@Suite("Circular and global-filter plans")
struct CircularAndFilterPlanTests {
    @Test("a circular plan's output is bit for bit the correlation's on the resolved path, and the definition's",
          arguments: [ConvolutionPath.direct, .fft, .auto], [ConvolutionAxis.height, .width])
    func circular(path: ConvolutionPath, axis: ConvolutionAxis) throws {
        let (l, other) = (14, 9)  // an odd count of signals along H (real layout), an even one along W (pairs)
        let shape = axis == .height ? [2, 3, l, other] : [2, 3, other + 1, l]
        let w = Tensor<Double>.random(shape: axis == .height ? [3, 1, l, 1] : [3, 1, 1, l], seed: 3)
        let b = Tensor<Double>.random(shape: [3], seed: 4)
        let conv = try CircularConvolution1D(weight: w, bias: b, axis: axis)
        let x = Tensor<Double>.random(shape: shape, seed: 5)
        let options = ExecutionOptions(threads: 2)
        let plan = try conv.plan(for: shape, path: path, options: options)
        #expect(plan.path != .auto)
        let y = try plan(x)
        #expect(y == (try conv(x, path: plan.path, options: options)))
        let reference = Reference.circular1D(input: x, weight: w.scalars, bias: b.scalars, alongHeight: axis == .height)
        // Docs/numerics.md: the larger of the direct and FFT bounds holds for either path.
        let scale = reference.magnitude.max() ?? 0
        let bound = max(Tolerance.direct(Double.self, terms: l, magnitude: scale), Tolerance.fft(Double.self, transformSize: l, scale: scale))
        #expect(zip(y.scalars, reference.output).allSatisfy { abs($0 - $1) <= bound })
        #expect(throws: ConvolutionError.self) { try plan(Tensor<Double>(zeros: [1] + shape.dropFirst())) }
    }

    @Test("a global-filter plan's output is bit for bit the filter's on the resolved path",
          arguments: [ConvolutionPath.direct, .fft, .auto])
    func globalFilter(path: ConvolutionPath) throws {
        let (h, w, c) = (6, 7, 3)
        let filter = try GlobalFilter2D(complexWeight: Tensor<Double>.random(shape: [h, w / 2 + 1, c, 2], seed: 21), height: h, width: w)
        let x = Tensor<Double>.random(shape: [2, c, h, w], seed: 22)
        let options = ExecutionOptions(threads: 2)
        let plan = try filter.plan(for: x.shape, path: path, options: options)
        #expect(plan.path != .auto)
        let y = try plan(x)
        #expect(y == (try filter(x, path: plan.path, options: options)))
        // The two forms agree to rounding (the spatial form is tested against torch's definition elsewhere).
        let other = try filter(x, path: plan.path == .fft ? .direct : .fft, options: options)
        #expect(zip(y.scalars, other.scalars).allSatisfy { abs($0 - $1) <= 1e-12 })
        #expect(throws: ConvolutionError.self) { try filter.plan(for: [1, c, h, w + 1]) }
    }
}
