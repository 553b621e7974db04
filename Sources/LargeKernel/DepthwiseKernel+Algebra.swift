import GlobalConv

/// The bounding box of a kernel's non-zero taps, in dense (zero-inserted) coordinates.
public struct KernelSupport: Hashable, Sendable {
    /// Rows `[lowerBound, upperBound)` of the dense kernel holding a non-zero tap in some channel.
    public let rows: Range<Int>
    /// Columns, likewise.
    public let columns: Range<Int>
    public init(rows: Range<Int>, columns: Range<Int>) {
        self.rows = rows
        self.columns = columns
    }

    /// `rows.count × columns.count`.
    public var size: Size2D { Size2D(height: rows.count, width: columns.count) }
}

extension DepthwiseKernel {
    /// Folds an eval BatchNorm that follows this conv into it (RepLKNet's and UniRepLKNet's `fuse_bn`):
    /// with `std = sqrt(var + eps)`,
    /// `W'[c] = W[c] · (γ[c]/std[c])` and `b'[c] = β[c] + ((b[c] − mean[c]) · γ[c]) / std[c]`,
    /// evaluated in exactly that order (for `b = 0` this is bit-identical to RepLKNet's
    /// `β − mean·γ/std`). `BN(conv(x)) = conv'(x)` in exact arithmetic at every output position,
    /// borders included, because BN is a per-channel affine map of the conv's output.
    /// - Throws: ``LargeKernelError/shapeMismatch(_:)`` when the channel counts differ.
    public func fusingBatchNorm(_ bn: BatchNormParameters<Scalar>) throws(LargeKernelError) -> DepthwiseKernel {
        guard bn.channels == channels else {
            throw .shapeMismatch("BatchNorm has \(bn.channels) channels, the kernel \(weight.shape) has \(channels)")
        }
        let std = bn.standardDeviation
        let taps = size.height * size.width
        var w = weight, b = bias
        for c in 0..<channels {
            let t = bn.weight.scalars[c] / std[c]
            for k in (c * taps)..<((c + 1) * taps) { w.scalars[k] = weight.scalars[k] * t }
            b.scalars[c] = bn.bias.scalars[c] + (bias.scalars[c] - bn.runningMean.scalars[c]) * bn.weight.scalars[c] / std[c]
        }
        return DepthwiseKernel(validWeight: w, bias: b, dilation: dilation)
    }

    /// The equivalent dense kernel: zeros inserted between taps, `(k − 1)·r + 1` per axis, dilation 1
    /// (UniRepLKNet's `convert_dilated_to_nondilated`, a transposed conv with a 1×1 unit kernel and
    /// stride r). Exact: a dilated conv and its dense form compute the same sums.
    public func densified() -> DepthwiseKernel {
        if isDense { return self }
        let (kh, kw) = (size.height, size.width)
        let e = extent
        var w = Tensor<Scalar>(zeros: [channels, 1, e.height, e.width])
        for c in 0..<channels {
            for u in 0..<kh {
                for v in 0..<kw {
                    w.scalars[(c * e.height + u * dilation.height) * e.width + v * dilation.width] =
                        weight.scalars[(c * kh + u) * kw + v]
                }
            }
        }
        return DepthwiseKernel(validWeight: w, bias: bias, dilation: Size2D(1))
    }

    /// The same taps spread further apart: dilation multiplied by `rate` (dense extent
    /// `(extent − 1)·rate + 1`). Zero insertion by `rate` on a dilation-`d` kernel gives dilation `d·rate`.
    /// - Precondition: `rate ≥ 1` along each axis.
    public func dilated(by rate: Size2D) -> DepthwiseKernel {
        precondition(rate.height >= 1 && rate.width >= 1, "DepthwiseKernel.dilated(by:): rate must be ≥ 1, got \(rate)")
        return DepthwiseKernel(validWeight: weight, bias: bias,
                               dilation: Size2D(height: dilation.height * rate.height, width: dilation.width * rate.width))
    }

    /// The dense kernel zero-padded to `target` so that its centre tap (``centrePadding``) moves to the
    /// target's centre `target/2`: `target/2 − extent/2` zeros before and the rest after, per axis
    /// (RepLKNet's `F.pad(k, [(K − k)//2]*4)` for odd sizes). Run with ``centrePadding`` it computes the
    /// same output as `self`, exactly.
    /// - Throws: ``LargeKernelError/invalidArgument(_:)`` when `target` is smaller than ``extent``;
    ///   ``LargeKernelError/notExactlyMergeable(_:)`` when their parities differ along an axis (the
    ///   centre convention would then change the output size by one, so no padding is equivalent).
    public func centrePadded(to target: Size2D) throws(LargeKernelError) -> DepthwiseKernel {
        let e = extent
        guard target.height >= e.height, target.width >= e.width else {
            throw .invalidArgument("cannot centre-pad a kernel of extent \(e) to the smaller \(target)")
        }
        try Self.checkParity(e, target)
        let dense = densified()
        if e == target { return dense }
        let (top, left) = (target.height / 2 - e.height / 2, target.width / 2 - e.width / 2)
        var w = Tensor<Scalar>(zeros: [channels, 1, target.height, target.width])
        for c in 0..<channels {
            for u in 0..<e.height {
                for v in 0..<e.width {
                    w.scalars[(c * target.height + u + top) * target.width + v + left] =
                        dense.weight.scalars[(c * e.height + u) * e.width + v]
                }
            }
        }
        return DepthwiseKernel(validWeight: w, bias: bias, dilation: Size2D(1))
    }

    /// The taps reversed along both axes, `w'[c,0,u,v] = w[c,0,kh−1−u,kw−1−v]`, bias and dilation kept.
    /// Correlating with the flipped kernel is *convolving* with the original (and vice versa); for an odd
    /// extent the centre tap stays in place, so with ``centrePadding`` `y'[i] = b + Σ_t w[t]·x̃[i − (t − e/2)]`.
    public func flipped() -> DepthwiseKernel {
        let (kh, kw) = (size.height, size.width)
        var w = weight
        for c in 0..<channels {
            for u in 0..<kh {
                for v in 0..<kw {
                    w.scalars[(c * kh + u) * kw + v] = weight.scalars[(c * kh + kh - 1 - u) * kw + kw - 1 - v]
                }
            }
        }
        return DepthwiseKernel(validWeight: w, bias: bias, dilation: dilation)
    }

    /// The bounding box of the non-zero taps over all channels in dense coordinates (a zero tap of a
    /// dilated kernel and the inserted zeros count as outside), or `nil` when every tap is zero.
    public var support: KernelSupport? {
        let (kh, kw) = (size.height, size.width)
        var rows = (lo: Int.max, hi: Int.min), cols = (lo: Int.max, hi: Int.min)
        for c in 0..<channels {
            for u in 0..<kh {
                for v in 0..<kw where weight.scalars[(c * kh + u) * kw + v] != 0 {
                    let (y, x) = (u * dilation.height, v * dilation.width)
                    rows = (min(rows.lo, y), max(rows.hi, y))
                    cols = (min(cols.lo, x), max(cols.hi, x))
                }
            }
        }
        guard rows.lo <= rows.hi else { return nil }
        return KernelSupport(rows: rows.lo..<(rows.hi + 1), columns: cols.lo..<(cols.hi + 1))
    }

    /// Throws unless two extents have the same parity along each axis: only then do kernels run with
    /// their ``centrePadding`` give outputs of the same size with coinciding centres.
    static func checkParity(_ a: Size2D, _ b: Size2D) throws(LargeKernelError) {
        for (axis, x, y) in [("height", a.height, b.height), ("width", a.width, b.width)] where (x - y) % 2 != 0 {
            throw .notExactlyMergeable(
                "extents \(a) and \(b) differ in parity along the \(axis): padded by extent/2 (\(x / 2) and \(y / 2)) "
                + "one gives an output one sample larger than the other, so their centres are half a tap apart "
                + "and no zero padding makes one kernel equal to the other")
        }
    }
}
