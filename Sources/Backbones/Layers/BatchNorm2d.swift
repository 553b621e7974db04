import GlobalConv

/// `nn.BatchNorm2d` in eval mode: `y[n,c,·,·] = (x[n,c,·,·] − mean[c]) / sqrt(var[c] + eps) · γ[c] + β[c]`.
///
/// Computed as PyTorch's CPU inference kernel does: per channel `α = γ / sqrt(var + eps)` and
/// `β' = β − mean·α` in `Scalar`, then `y = x·α + β'` (one multiply-add per element; the two forms
/// differ by a few ulps of `|x·α| + |β'|`). Keys `weight`, `bias`, `running_mean`, `running_var`
/// (`num_batches_tracked` is never needed). Immutable value; thread-safe.
public struct BatchNorm2d<Scalar: TensorScalar>: Sendable {
    public let weight: Tensor<Scalar>
    public let bias: Tensor<Scalar>
    public let runningMean: Tensor<Scalar>
    public let runningVar: Tensor<Scalar>
    public let eps: Scalar
    /// `γ / sqrt(var + eps)` per channel.
    let scale: [Scalar]
    /// `β − mean·scale` per channel.
    let shift: [Scalar]

    public var channels: Int { weight.count }

    /// - Precondition: all four tensors are `[C]` with `C ≥ 1`, `eps ≥ 0`.
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>, runningMean: Tensor<Scalar>,
                runningVar: Tensor<Scalar>, eps: Scalar = 1e-5) {
        let c = weight.count
        precondition(c >= 1 && [weight, bias, runningMean, runningVar].allSatisfy { $0.shape == [c] },
                     "BatchNorm2d: weight, bias, running_mean, running_var must all be [C], got \([weight, bias, runningMean, runningVar].map(\.shape))")
        precondition(eps >= 0, "BatchNorm2d: eps must be ≥ 0, got \(eps)")
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.eps = eps
        var scale = [Scalar](repeating: 0, count: c), shift = scale
        for i in 0..<c {
            scale[i] = weight.scalars[i] / (runningVar.scalars[i] + eps).squareRoot()
            shift[i] = bias.scalars[i] - runningMean.scalars[i] * scale[i]
        }
        self.scale = scale
        self.shift = shift
    }

    /// Reads `weight`, `bias`, `running_mean`, `running_var` (each `[channels]`) under `scope`.
    init(_ scope: StateDictScope<Scalar>, channels: Int, eps: Scalar = 1e-5) throws(BackboneError) {
        try self.init(weight: scope.take("weight", [channels]), bias: scope.take("bias", [channels]),
                  runningMean: scope.take("running_mean", [channels]),
                  runningVar: scope.take("running_var", [channels]), eps: eps)
    }

    /// `x·scale + shift` per channel, for fusing into a 1×1 convolution's input or epilogue.
    var affine: ChannelAffine<Scalar> { ChannelAffine(scale: scale, shift: shift) }

    /// Normalises `x` (`[N, C, H, W]`). - Precondition: `x` has this layer's `C`.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func callAsFunction(_ x: Tensor<Scalar>) -> Tensor<Scalar> { self(x, threads: 1) }

    /// Normalises `x` with its planes split over `threads` workers.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    func callAsFunction(_ x: Tensor<Scalar>, threads: Int) -> Tensor<Scalar> {
        precondition(x.rank == 4 && x.shape[1] == channels,
                     "BatchNorm2d: input must be [N, \(channels), H, W], got \(x.shape)")
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var y: [Scalar] = TensorStoragePool.take(x.count)
        y.withUnsafeMutableBufferPointer { out in
            x.withUnsafeBufferPointer { xs in
                let (out, xs) = (out.baseAddress!, xs.baseAddress!)
                parallelChunks(n * c, threads: threads) { planes in
                    for i in planes {
                        let (a, b) = (scale[i % c], shift[i % c])
                        let base = i * plane
                        for p in 0..<plane { out[base + p] = xs[base + p] * a + b }
                    }
                }
            }
        }
        return Tensor(shape: x.shape, scalars: y)
    }
}
