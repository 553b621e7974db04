import Testing
import GlobalConv
import LargeKernel
import Verification

@Suite("LKA fit")
struct LKAFitTests {
    /// `‖T − pad(K)‖_F / ‖T‖_F` with both laid out centre on centre (odd sizes), computed here from the
    /// fitted composed kernel, independently of the fit's own bookkeeping.
    static func relativeError(target: DepthwiseKernel<Double>, composed: DepthwiseKernel<Double>) throws -> Double {
        let n = max(target.size.height, composed.size.height)
        let (t, k) = (try target.centrePadded(to: Size2D(n)), try composed.centrePadded(to: Size2D(n)))
        var e = 0.0, s = 0.0
        for i in 0..<t.weight.count {
            e += (t.weight.scalars[i] - k.weight.scalars[i]) * (t.weight.scalars[i] - k.weight.scalars[i])
            s += t.weight.scalars[i] * t.weight.scalars[i]
        }
        return (e / s).squareRoot()
    }

    @Test("a kernel holding NaN or ±Inf is refused with the channel and tap, not fitted to an error of NaN",
          arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteTarget(bad: Double) throws {
        var weight = Fixture.weight(Double.self, channels: 3, 7, 7, seed: 4)
        weight.scalars[2 * 49 + 3 * 7 + 5] = bad
        let dec = try LKADecomposition(kernelSize: 7, dilation: 2)
        let target = try DepthwiseKernel<Double>(weight: weight)
        let error = try #require(throws: LargeKernelError.self) { try dec.fit(target) }
        guard case .invalidArgument(let message) = error else { Issue.record("\(error)"); return }
        #expect(message.contains("finite") && message.contains("channel 2") && message.contains("(3, 5)"), "\(message)")
    }

    @Test("a kernel that is itself an LKA composition of random factors is recovered to 1e-10 relative in Float64",
          arguments: [(21, 3), (7, 2), (14, 3), (28, 4), (12, 3), (5, 1)])
    func recoversCompositions(kernelSize: Int, dilation: Int) throws {
        let dec = try LKADecomposition(kernelSize: kernelSize, dilation: dilation)
        let a = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, dec.localSize, dec.localSize, seed: 1))
        let b = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, dec.spatialSize, dec.spatialSize, seed: 2),
                                            bias: .random(shape: [2], seed: 3), dilation: Size2D(dilation))
        let target = try a.composed(with: b)
        #expect(target.size == Size2D(dec.composedExtent))
        let fit = try dec.fit(target)
        #expect(fit.relativeError <= 1e-10 && fit.channelErrors.allSatisfy { $0 <= 1e-10 }, "\(dec): \(fit.channelErrors)")
        #expect(fit.composed.size == target.size && fit.composed.bias == target.bias)
        var e = 0.0, s = 0.0
        for i in 0..<target.weight.count {
            let r = target.weight.scalars[i] - fit.composed.weight.scalars[i]
            e += r * r
            s += target.weight.scalars[i] * target.weight.scalars[i]
        }
        #expect((e / s).squareRoot() <= 1e-10, "\(dec): recomputed error \((e / s).squareRoot())")
    }

    @Test("on a random dense 21×21 kernel the error is reported, lies in (0, 1] and matches a recomputation")
    func randomKernel() throws {
        let target = try DepthwiseKernel<Double>(weight: Fixture.weight(channels: 2, 21, 21, seed: 4))
        let fit = try LKADecomposition.van.fit(target)
        print("LKA(21,3) fit of a random uniform 21×21 kernel: relative error \(fit.relativeError), per channel \(fit.channelErrors), sweeps \(fit.iterations)")
        #expect(fit.relativeError > 0 && fit.relativeError <= 1)
        #expect(fit.channelErrors.allSatisfy { $0 > 0 && $0 <= 1 })
        let recomputed = try Self.relativeError(target: target, composed: fit.composed)
        #expect(abs(recomputed - fit.relativeError) <= 1e-9 * fit.relativeError)
        #expect(fit.denseParameters == 2 * 441 && fit.factorParameters == 2 * 74)
        #expect(fit.multiplyAddsPerPixel == (dense: 882, factors: 148))
    }

    @Test("records the LKA(21,3) fit error on a RepLKNet-style 31×31 kernel and on a smooth Gaussian 21×21 kernel")
    func recordedErrors() throws {
        // RepLKNet-style: the merged lkb_reparam of a random 31×31 + 5×5 ReparamLargeKernelConv with BatchNorms.
        let replk = try ReparamLargeKernelConv<Double>(
            lkbOriginWeight: Fixture.weight(channels: 4, 31, 31, seed: 5), lkbOriginBN: Fixture.bn(channels: 4, seed: 6),
            smallConvWeight: Fixture.weight(channels: 4, 5, 5, seed: 7), smallConvBN: Fixture.bn(channels: 4, seed: 8))
            .equivalentKernel()
        let replkFit = try LKADecomposition.van.fit(replk)
        // Gaussian, σ = 21/6 = 3.5, unnormalised, every channel the same.
        let sigma = 3.5
        let g = (0..<(21 * 21)).map { k -> Double in
            let (u, v) = (Double(k / 21 - 10), Double(k % 21 - 10))
            return Double.exp(-(u * u + v * v) / (2 * sigma * sigma))
        }
        let gauss = try DepthwiseKernel(weight: Tensor<Double>(shape: [2, 1, 21, 21], scalars: g + g))
        let gaussFit = try LKADecomposition.van.fit(gauss)
        print("LKA(21,3) fit of a RepLKNet-style random 31×31 kernel (C=4): relative error \(replkFit.relativeError), "
              + "per channel \(replkFit.channelErrors); parameters \(replkFit.factorParameters) vs \(replkFit.denseParameters) dense")
        print("LKA(21,3) fit of a Gaussian 21×21 kernel (σ=3.5): relative error \(gaussFit.relativeError), "
              + "per channel \(gaussFit.channelErrors); parameters \(gaussFit.factorParameters) vs \(gaussFit.denseParameters) dense")
        for fit in [replkFit, gaussFit] {
            #expect(fit.relativeError > 0 && fit.relativeError <= 1)
        }
        #expect(abs(try Self.relativeError(target: replk, composed: replkFit.composed) - replkFit.relativeError) <= 1e-9)
        #expect(abs(try Self.relativeError(target: gauss, composed: gaussFit.composed) - gaussFit.relativeError) <= 1e-9)
        #expect(replkFit.parameterRatio == 74.0 / 961.0)
    }

    @Test("a non-square or dilated target is refused with an error")
    func invalid() throws {
        #expect(throws: LargeKernelError.self) {
            try LKADecomposition.van.fit(DepthwiseKernel(weight: Tensor<Double>(zeros: [1, 1, 21, 19])))
        }
        #expect(throws: LargeKernelError.self) {
            try LKADecomposition.van.fit(DepthwiseKernel(weight: Tensor<Double>(zeros: [1, 1, 5, 5]), dilation: Size2D(2)))
        }
    }
}
