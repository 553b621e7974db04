import GlobalConv

/// Settings of ``LKADecomposition/fit(_:options:)``.
public struct LKAFitOptions: Hashable, Sendable {
    /// Random restarts besides the deterministic centre start (≥ 0); the best result per channel is kept.
    public var restarts: Int
    /// Alternating sweeps per start (each a B-step and an A-step), ≥ 1.
    public var maxIterations: Int
    /// Stop when a sweep lowers the squared error by less than this fraction of it.
    public var tolerance: Double
    /// Ridge of each normal-equation solve, relative to the mean diagonal (keeps Cholesky defined).
    public var ridge: Double
    /// Seed of the random restarts.
    public var seed: UInt64

    public init(restarts: Int = 2, maxIterations: Int = 500, tolerance: Double = 1e-12, ridge: Double = 1e-14,
                seed: UInt64 = 0x1CA) {
        self.restarts = restarts
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.ridge = ridge
        self.seed = seed
    }
}

/// The result of fitting an LKA decomposition to a dense depthwise kernel.
///
/// The fitted block is `conv_spatial ∘ conv0` (no `conv1`: the fit is per channel). `conv0` has bias 0 and
/// `conv_spatial` carries the target's bias, so the composed bias equals the target's exactly.
public struct LKAFit<Scalar: TensorScalar>: Sendable {
    /// K and d.
    public let decomposition: LKADecomposition
    /// The (2d−1)×(2d−1) factor `A` per channel, bias 0.
    public let conv0: DepthwiseKernel<Scalar>
    /// The ⌈K/d⌉×⌈K/d⌉ factor `B` per channel, dilation d, bias = the target's bias.
    public let convSpatial: DepthwiseKernel<Scalar>
    /// `conv_spatial ∘ conv0`, extent `d·⌈K/d⌉ + d − 1` (see ``LKADecomposition/composedExtent``).
    public let composed: DepthwiseKernel<Scalar>
    /// Relative Frobenius error `‖T_c − K_c‖_F / ‖T_c‖_F` per channel on the common canvas (0 for a zero
    /// target channel fitted exactly), computed in Float64 before rounding the factors to `Scalar`.
    public let channelErrors: [Double]
    /// `sqrt(Σ_c ‖T_c − K_c‖² / Σ_c ‖T_c‖²)`.
    public let relativeError: Double
    /// Alternating sweeps used by the kept start, per channel.
    public let iterations: [Int]
    /// The target's size `t × t`.
    public let targetSize: Int

    /// Parameters of the dense depthwise kernel, `C·t²` (no bias).
    public var denseParameters: Int { conv0.channels * targetSize * targetSize }
    /// Parameters of the two depthwise factors, `C·((2d−1)² + ⌈K/d⌉²)` (no biases).
    public var factorParameters: Int { decomposition.depthwiseParameterCount(channels: conv0.channels) }
    /// Multiply-adds per output pixel: dense `C·t²` against the factors' `C·((2d−1)² + ⌈K/d⌉²)` (the same
    /// numbers as the parameter counts: one multiply-add per tap per pixel, direct path).
    public var multiplyAddsPerPixel: (dense: Int, factors: Int) { (denseParameters, factorParameters) }
    /// `factorParameters / denseParameters`.
    public var parameterRatio: Double { Double(factorParameters) / Double(denseParameters) }
}

extension LKADecomposition {
    /// Fits this decomposition to a dense depthwise kernel `target` (`[C,1,t,t]`, any t ≥ 1), channel by
    /// channel, in Float64: the `A` (`(2d−1)²`) and `B` (`⌈K/d⌉²`, dilation d) minimising
    /// `‖T − A ⊛ B_d‖_F` (⊛ the full 2-D convolution that composes two correlations).
    ///
    /// **Placement.** The composition has extent `E = d·⌈K/d⌉ + d − 1 ≥ K`, generally not `t`. Target and
    /// composition are laid on a common canvas with their centre taps on the same cell: the target's
    /// centre is `(t−1)/2` (for even t, PyTorch's `padding='same'` convention, like LKA's), the
    /// composition's is ``composedPaddingBefore``. Outside its own support each is zero, so a `t < E`
    /// target is embedded centred in zeros (23×23 for K=21, d=3: one ring of zeros) and the taps of a
    /// `t > E` target outside the composition (a 31×31 kernel for LKA(21,3)) are error the fit cannot remove.
    ///
    /// **Method.** Alternating least squares (each half-step is exact linear least squares, solved by
    /// Cholesky with a tiny ridge), started from `A = δ` at the centre — for which the first B-step returns
    /// the target's `(d−1, d−1)` polyphase component, exact for a target that is itself a composition with
    /// `A[d−1,d−1] ≠ 0` — and from ``LKAFitOptions/restarts`` random `A`; the lowest error per channel wins.
    /// The error never exceeds 1 (`B = 0` already achieves it; each half-step can only lower it).
    /// - Throws: ``LargeKernelError`` for a non-square or dilated target, a target holding NaN or ±Inf
    ///   (`invalidArgument` naming the channel and tap; the fit would otherwise report an error of NaN),
    ///   or invalid options.
    public func fit<Scalar: TensorScalar>(_ target: DepthwiseKernel<Scalar>,
                                          options: LKAFitOptions = LKAFitOptions()) throws(LargeKernelError) -> LKAFit<Scalar> {
        guard target.size.height == target.size.width else {
            throw .shapeMismatch("the LKA fit needs a square kernel, got \(target.weight.shape)")
        }
        guard target.isDense else { throw .invalidArgument("the LKA fit needs a dense kernel; densify it first") }
        if let bad = target.weight.scalars.firstIndex(where: { !$0.isFinite }) {
            let plane = target.size.height * target.size.width
            let (channel, tap) = (bad / max(plane, 1), bad % max(plane, 1))
            throw .invalidArgument("the LKA fit needs a finite kernel, but channel \(channel) holds "
                                   + "\(target.weight.scalars[bad]) at tap (\(tap / target.size.width), \(tap % target.size.width))")
        }
        guard options.restarts >= 0, options.maxIterations >= 1, options.tolerance >= 0, options.ridge >= 0 else {
            throw .invalidArgument("LKA fit options out of range: \(options)")
        }
        let (t, c) = (target.size.height, target.channels)
        let (a, m, d, e) = (localSize, spatialSize, dilation, composedExtent)
        let (centreT, centreE) = ((t - 1) / 2, composedPaddingBefore)
        let centre = max(centreT, centreE)
        let canvas = centre + max(t - centreT, e - centreE)
        let (offT, offE) = (centre - centreT, centre - centreE)

        var aAll = [Scalar](), bAll = [Scalar]()
        var errors = [Double](), iterations = [Int]()
        var totalErr2 = 0.0, totalNorm2 = 0.0
        var generator = SeededGenerator(seed: options.seed)
        for ch in 0..<c {
            var canvasT = [Double](repeating: 0, count: canvas * canvas)
            for u in 0..<t {
                for v in 0..<t {
                    canvasT[(offT + u) * canvas + offT + v] = Double(target.weight.scalars[(ch * t + u) * t + v])
                }
            }
            let problem = LKAFactorProblem(a: a, m: m, d: d, s: canvas, offset: offE, target: canvasT)
            let norm2 = canvasT.reduce(0) { $0 + $1 * $1 }
            var starts = [[Double](repeating: 0, count: a * a)]
            starts[0][(d - 1) * a + d - 1] = 1
            for _ in 0..<options.restarts {
                starts.append((0..<(a * a)).map { _ in Double(generator.next() >> 11) * 0x1p-52 - 1 })
            }
            var best = (a: starts[0], b: [Double](repeating: 0, count: m * m), error2: norm2, iterations: 0)
            for start in starts {
                let r = problem.alternate(from: start, maxIterations: options.maxIterations,
                                          tolerance: options.tolerance, ridge: options.ridge)
                if r.error2 < best.error2 { best = (r.a, r.b, r.error2, r.iterations) }
            }
            aAll += best.a.map { Scalar($0) }
            bAll += best.b.map { Scalar($0) }
            errors.append(norm2 > 0 ? (best.error2 / norm2).squareRoot() : best.error2.squareRoot())
            iterations.append(best.iterations)
            totalErr2 += best.error2
            totalNorm2 += norm2
        }
        let conv0 = DepthwiseKernel(validWeight: Tensor(shape: [c, 1, a, a], scalars: aAll),
                                    bias: Tensor(zeros: [c]), dilation: Size2D(1))
        let spatial = DepthwiseKernel(validWeight: Tensor(shape: [c, 1, m, m], scalars: bAll),
                                      bias: target.bias, dilation: Size2D(d))
        return LKAFit(decomposition: self, conv0: conv0, convSpatial: spatial,
                      composed: try conv0.composed(with: spatial), channelErrors: errors,
                      relativeError: totalNorm2 > 0 ? (totalErr2 / totalNorm2).squareRoot() : totalErr2.squareRoot(),
                      iterations: iterations, targetSize: t)
    }
}
