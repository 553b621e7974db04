import GlobalConv

/// The eval-mode state of a `BatchNorm2d(C)`: `weight` (γ), `bias` (β), `running_mean`, `running_var`
/// (each `[C]`) and `eps`, as the `state_dict` keys `bn.weight`, `bn.bias`, `bn.running_mean`,
/// `bn.running_var` hold them (`num_batches_tracked` is never needed).
///
/// Eval BatchNorm is the per-channel affine map `y = (x − mean)/sqrt(var + eps)·γ + β`, which is why a
/// conv followed by BN folds into one conv (``DepthwiseKernel/fusingBatchNorm(_:)``). The one eval
/// BatchNorm of the package, with two evaluation orders, each kept where the fixtures expect it:
/// - ``apply(_:)``, the definition's order `(x − mean)/std·γ + β` (``ConvBN`` and the large-kernel blocks);
/// - ``callAsFunction(_:threads:)`` and ``affine``, the folded form PyTorch's CPU inference kernel uses:
///   per channel `scale = γ / sqrt(var + eps)` and `shift = β − mean·scale` in `Scalar`, then
///   `y = x·scale + shift` (the backbones' layers, and the 1×1 convolutions' prologues and epilogues).
///
/// The two differ by a few ulps of `|x·scale| + |shift|`. A value type; `Sendable`.
public struct BatchNormParameters<Scalar: TensorScalar>: Sendable, Equatable {
    /// γ, `[C]`.
    public let weight: Tensor<Scalar>
    /// β, `[C]`.
    public let bias: Tensor<Scalar>
    /// `[C]`.
    public let runningMean: Tensor<Scalar>
    /// `[C]`, each ≥ 0 (with `eps`, `var + eps > 0`).
    public let runningVar: Tensor<Scalar>
    /// Added to the variance under the square root; PyTorch's default is `1e-5`.
    public let eps: Scalar
    /// The folded scale `γ / sqrt(var + eps)` per channel, in `Scalar`.
    public let scale: [Scalar]
    /// The folded shift `β − mean·scale` per channel, in `Scalar`.
    public let shift: [Scalar]

    /// Number of channels `C`.
    public var channels: Int { weight.count }

    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` unless all four tensors are `[C]` with the same
    ///   `C ≥ 1`; ``LargeKernelError/invalidArgument(_:)`` when some `var + eps` is not positive and finite.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, runningMean: Tensor<Scalar>,
                runningVar: Tensor<Scalar>, eps: Scalar = 1e-5) throws(LargeKernelError) {
        let c = weight.count
        for (name, t) in [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)] {
            guard t.rank == 1, t.count == c, c >= 1 else {
                throw .shapeMismatch("BatchNorm \(name) must be [C] like weight \(weight.shape) with C ≥ 1, got \(t.shape)")
            }
        }
        // The four arrays read once, in one specialised loop (a hostile 8-million-channel config spent
        // seconds in the generic, per-element `Tensor.scalars` form of this loop).
        let (w, b, mean, variance) = (weight.scalars, bias.scalars, runningMean.scalars, runningVar.scalars)
        var scale = [Scalar](repeating: 0, count: c), shift = scale
        for i in 0..<c {
            let s = variance[i] + eps
            guard s > 0, s.isFinite else {
                throw .invalidArgument("BatchNorm running_var[\(i)] + eps = \(s) must be positive and finite")
            }
            scale[i] = w[i] / s.squareRoot()
            shift[i] = b[i] - mean[i] * scale[i]
        }
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.eps = eps
        self.scale = scale
        self.shift = shift
    }

    /// The identity BatchNorm on `C` channels: γ = 1, β = 0, mean = 0, var = 1 and eps = 0, so
    /// `y = x` bit for bit.
    public static func identity(channels: Int) -> BatchNormParameters {
        precondition(channels >= 1, "BatchNormParameters.identity: channels must be ≥ 1, got \(channels)")
        // Shapes are consistent by construction, var + eps = 1 > 0.
        return try! BatchNormParameters(
            weight: Tensor(repeating: 1, shape: [channels]), bias: Tensor(zeros: [channels]),
            runningMean: Tensor(zeros: [channels]), runningVar: Tensor(repeating: 1, shape: [channels]), eps: 0)
    }

    /// `std[c] = sqrt(running_var[c] + eps)`.
    public var standardDeviation: [Scalar] { runningVar.scalars.map { ($0 + eps).squareRoot() } }

    /// Eval BatchNorm on an NCHW tensor, in the order of the definition:
    /// `y[n,c,i,j] = (x[n,c,i,j] − mean[c]) / sqrt(var[c] + eps) · γ[c] + β[c]`, its planes split over
    /// `threads` participants of the parallel runtime (each element's result is the same whatever the split).
    /// `x` is consumed: a tensor nobody else holds (a convolution's fresh output) is normalised in place,
    /// without a copy.
    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` unless `x` is `[N, C, H, W]` with this `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func apply(_ x: consuming Tensor<Scalar>, threads: Int = 1) throws(LargeKernelError) -> Tensor<Scalar> {
        guard x.rank == 4, x.shape[1] == channels else {
            throw .shapeMismatch("BatchNorm over \(channels) channels needs [N, \(channels), H, W], got \(x.shape)")
        }
        var y = consume x
        let (planes, plane) = (y.shape[0] * channels, y.shape[2] * y.shape[3])
        guard planes > 0, plane > 0 else { return y }  // an empty tensor has no storage to point at
        let (std, mean, gamma, beta) = (standardDeviation, runningMean.scalars, weight.scalars, bias.scalars)
        let c = channels
        y.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            parallelChunks(planes, threads: threads) { range in
                for i in range {
                    let (m, s, g, b) = (mean[i % c], std[i % c], gamma[i % c], beta[i % c])
                    let row = out + i * plane
                    // Sixteen lanes at a time, each the scalar expression's four operations in its order.
                    let (vm, vs, vg, vb) = (SIMD16<Scalar>(repeating: m), SIMD16<Scalar>(repeating: s),
                                            SIMD16<Scalar>(repeating: g), SIMD16<Scalar>(repeating: b))
                    var k = 0
                    while k + 16 <= plane {
                        let v = UnsafeRawPointer(row + k).loadUnaligned(as: SIMD16<Scalar>.self)
                        UnsafeMutableRawPointer(row + k).storeBytes(of: (v - vm) / vs * vg + vb, as: SIMD16<Scalar>.self)
                        k += 16
                    }
                    while k < plane { row[k] = (row[k] - m) / s * g + b; k += 1 }
                }
            }
        }
        return y
    }

    /// `x·scale + shift` per channel, for fusing into a 1×1 convolution's input or epilogue.
    package var affine: ChannelAffine<Scalar> { ChannelAffine(scale: scale, shift: shift) }

    /// Eval BatchNorm on an NCHW tensor in the folded form, `y[n,c,i,j] = x[n,c,i,j]·scale[c] + shift[c]`
    /// (one multiply and one add per element, as PyTorch's CPU inference kernel), its planes split over
    /// `threads` participants of the parallel runtime (each element's result is the same whatever the split).
    /// - Precondition: `x` is `[N, C, H, W]` with this `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        folded(x, thenReLU: false, threads: threads)
    }

    /// `ReLU(x·scale[c] + shift[c])` in one pass: ``callAsFunction(_:threads:)`` followed by
    /// ``Activation/relu``, the same bits without the second pass over the map (RepLKNet's conv-BN-ReLU
    /// units). - Precondition: `x` is `[N, C, H, W]` with this `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    package func normalizingThenReLU(_ x: Tensor<Scalar>, threads: Int = 1) -> Tensor<Scalar> {
        folded(x, thenReLU: true, threads: threads)
    }

    /// The folded form, optionally followed by ReLU, in one pass over the planes.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    private func folded(_ x: Tensor<Scalar>, thenReLU: Bool, threads: Int) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "BatchNorm: input must be [N, \(channels), H, W], got \(x.shape)")
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var y: [Scalar] = TensorStoragePool.take(x.count)
        y.withUnsafeMutableBufferPointer { out in
            x.withUnsafeBufferPointer { xs in
                let (out, xs) = (out.baseAddress!, xs.baseAddress!)
                parallelChunks(n * c, threads: threads) { planes in
                    for i in planes {
                        let (a, b) = (scale[i % c], shift[i % c])
                        let (src, dst) = (xs + i * plane, out + i * plane)
                        // Sixteen at a time, multiply then add as the scalar tail (the compiler does not
                        // vectorise the scalar loop: it cannot rule out that dst overlaps src); then ReLU over
                        // the plane while it is in cache (the C kernel: a lane mask in Swift's SIMD types
                        // compiles to a loop over lanes).
                        let (va, vb) = (SIMD16<Scalar>(repeating: a), SIMD16<Scalar>(repeating: b))
                        var p = 0
                        while p + 16 <= plane {
                            let v = UnsafeRawPointer(src + p).loadUnaligned(as: SIMD16<Scalar>.self) * va + vb
                            UnsafeMutableRawPointer(dst + p).storeBytes(of: v, as: SIMD16<Scalar>.self)
                            p += 16
                        }
                        while p < plane { dst[p] = src[p] * a + b; p += 1 }
                        if thenReLU { Activation.relu.apply(to: dst, count: plane) }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: y)
    }
}
