/// Detecting NaN and ±Inf, so that every path reproduces the direct definition's non-finite pattern.
///
/// The direct definition `y = b + Σ w·x̃` lets a NaN or ±Inf input sample reach exactly the outputs
/// whose footprint reads it; an FFT spreads it over the whole transform. The FFT paths therefore test
/// each plane while copying it in and compute a non-finite plane on the direct path instead.
enum NonFinite {
    /// Whether all `count` values at `p` are finite (no NaN, no ±Inf): no value's exponent bits are all
    /// ones (C, vectorised: this runs on every plane of the FFT paths, twice).
    static func allFinite<S: TensorScalar>(_ p: UnsafePointer<S>, count: Int) -> Bool {
        S._allFinite(p, count: count)
    }

    /// Whether every element of `values` is finite.
    static func allFinite<S: TensorScalar>(_ values: [S]) -> Bool {
        values.withUnsafeBufferPointer { b in b.isEmpty || allFinite(b.baseAddress!, count: b.count) }
    }
}

extension DepthwiseConvolution2D {
    /// The channels whose weights (`[C, 1, kh, kw]`, `taps = kh·kw`) or bias hold a NaN or ±Inf (usually none;
    /// `O(C·kh·kw)` to find: ``nonFiniteChannels`` holds them from `init`).
    static func nonFiniteChannels(weight: Tensor<Scalar>, bias: Tensor<Scalar>?, taps: Int) -> [Int] {
        guard !NonFinite.allFinite(weight.scalars) || !(bias.map { NonFinite.allFinite($0.scalars) } ?? true) else { return [] }
        return weight.scalars.withUnsafeBufferPointer { w in
            (0..<weight.shape[0]).filter { c in
                !NonFinite.allFinite(w.baseAddress! + c * taps, count: taps) || !(bias?.scalars[c].isFinite ?? true)
            }
        }
    }

    /// Recomputes, by the definition, every output plane of a channel whose weights or bias are not
    /// finite (see ``definitionPlane(_:plane:channel:map:into:outputSize:)`` for why), on any path.
    func repairingNonFiniteWeights(input: Tensor<Scalar>, output: Tensor<Scalar>) -> Tensor<Scalar> {
        let channels = nonFiniteChannels
        guard !channels.isEmpty else { return output }
        var output = output
        let (n, c) = (input.shape[0], input.shape[1])
        let map = Size2D(height: input.shape[2], width: input.shape[3])
        let out = Size2D(height: output.shape[2], width: output.shape[3])
        input.withUnsafeBufferPointer { x in
            output.withUnsafeMutableBufferPointer { y in
                for b in 0..<n {
                    for ch in channels {
                        definitionPlane(x.baseAddress!, plane: b * c + ch, channel: ch, map: map,
                                        into: y.baseAddress! + (b * c + ch) * out.height * out.width, outputSize: out)
                    }
                }
            }
        }
        return output
    }

    /// One output plane (`map` in, `outputSize` out) by the definition, summed tap by tap (`u`-major, bias first), skipping the taps
    /// that read zero padding, in `Scalar`: `y[i,j] = b + Σ_{u,v: read in the map} w[u,v]·x[i+dh·u−ph, j+dw·v−pw]`.
    ///
    /// Used for channels whose weights are not finite. A padding sample is an exact zero the definition
    /// adds nothing for; skipping it means a NaN or ±Inf *weight* reaches exactly the outputs where its
    /// tap reads the map, as PyTorch's Float32 CPU convolution (oneDNN) and ``Reference`` do (PyTorch's
    /// Float64 CPU path multiplies the materialised padding, so there it reaches every output; see
    /// Docs/reliability.md). The vectorised direct kernel multiplies zero padding inside a register tile
    /// and the FFT spreads the weight over the plane, so neither can give this pattern.
    func definitionPlane(_ x: UnsafePointer<Scalar>, plane: Int, channel: Int, map: Size2D,
                         into y: UnsafeMutablePointer<Scalar>, outputSize out: Size2D) {
        let g = geometry
        let (h, w) = (map.height, map.width)
        let (kh, kw) = (g.kernel.height, g.kernel.width)
        let src = x + plane * h * w
        let bias = self.bias?.scalars[channel] ?? 0
        weight.scalars.withUnsafeBufferPointer { wb in
            let taps = wb.baseAddress! + channel * kh * kw
            for i in 0..<out.height {
                for j in 0..<out.width {
                    var acc = bias
                    for u in 0..<kh {
                        var r = i + g.dilation.height * u - g.padding.height
                        if g.paddingMode == .circular { r = ((r % h) + h) % h } else if r < 0 || r >= h { continue }
                        for v in 0..<kw {
                            var s = j + g.dilation.width * v - g.padding.width
                            if g.paddingMode == .circular { s = ((s % w) + w) % w } else if s < 0 || s >= w { continue }
                            acc += taps[u * kw + v] * src[r * w + s]
                        }
                    }
                    y[i * out.width + j] = acc
                }
            }
        }
    }

    /// The direct path on plane `plane` (channel `channel`) of an NCHW input whose planes are `map`,
    /// written to `y` (`outputSize`): the FFT path's fallback for a plane holding a NaN or ±Inf.
    func directPlane(_ x: UnsafePointer<Scalar>, plane: Int, channel: Int, map: Size2D,
                     into y: UnsafeMutablePointer<Scalar>, outputSize out: Size2D) {
        let taps = geometry.kernel.height * geometry.kernel.width
        let one: DepthwiseConvolution2D
        do {
            one = try DepthwiseConvolution2D(
                weight: Tensor(shape: [1, 1, geometry.kernel.height, geometry.kernel.width],
                               scalars: Array(weight.scalars[(channel * taps)..<((channel + 1) * taps)])),
                bias: bias.map { Tensor(shape: [1], scalars: [$0.scalars[channel]]) }, geometry: geometry)
        } catch {
            preconditionFailure("DepthwiseConvolution2D: one channel of a valid convolution is invalid: \(error)")
        }
        let input = Tensor(shape: [1, 1, map.height, map.width],
                           scalars: Array(UnsafeBufferPointer(start: x + plane * map.height * map.width,
                                                              count: map.height * map.width)))
        let result = one.direct(input, outputShape: [1, 1, out.height, out.width], threads: 1)
        result.withUnsafeBufferPointer { r in y.update(from: r.baseAddress!, count: r.count) }
    }
}
