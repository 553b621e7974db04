import GlobalConv
import LargeKernel

extension UniRepLKNetBlock {
    /// The block in its deploy form, as the official `reparameterize()`: the dilated branches (with
    /// their BNs) merged into one `K×K` kernel, the BN `norm` after it folded in
    /// (`W' = W·s`, `b' = b·s + t` with the BN's `s = γ/√(var+ε)`, `t = β − mean·s`), GRN's β moved into
    /// `pwconv2`'s bias, and `pwconv2.2` (BN) and the layer scale `gamma` folded into `pwconv2`:
    /// `W2'[o,:] = g[o]·s[o]·W2[o,:]`, `b2'[o] = g[o]·(s[o]·(W2·β)[o] + t[o])`. The same function to rounding.
    /// A block already in deploy form is returned as it is; a kernel-size-0 block (no mixer, no `norm`) keeps
    /// its identity mixer.
    func merged() throws(BackboneError) -> UniRepLKNetBlock {
        guard let outNorm else { return self }
        let mixer: Mixer
        if let k = mixerKernel() {
            guard let norm else { return self }
            // The mixer's single kernel, then the BN.
            let taps = k.weight.shape[2] * k.weight.shape[3]
            var fused = k.weight.scalars
            for c in 0..<dim { for t in 0..<taps { fused[c * taps + t] *= norm.scale[c] } }
            let fusedBias = (0..<dim).map { k.bias[$0] * norm.scale[$0] + norm.shift[$0] }
            mixer = .plain(try DepthwiseLayer(weight: Tensor(shape: k.weight.shape, scalars: fused),
                                              bias: Tensor(shape: [dim], scalars: fusedBias), padding: k.padding))
        } else {
            mixer = .identity
        }
        // pwconv2 with GRN's β, the output BN and the layer scale folded in.
        let (cout, cin) = (pwconv2.outputChannels, pwconv2.inputChannels)
        let w2 = pwconv2.weight.scalars, beta = grn.beta ?? [Scalar](repeating: 0, count: cin)
        var w2f = w2, b2 = [Scalar](repeating: 0, count: cout)
        for o in 0..<cout {
            let g = gamma?.scalars[o] ?? 1
            var dot: Scalar = 0
            for i in 0..<cin { dot += w2[o * cin + i] * beta[i] }
            for i in 0..<cin { w2f[o * cin + i] = g * outNorm.scale[o] * w2[o * cin + i] }
            b2[o] = g * (outNorm.scale[o] * dot + outNorm.shift[o])
        }
        return UniRepLKNetBlock(dim: dim, dwconv: mixer, norm: nil, seDown: seDown, seUp: seUp, pwconv1: pwconv1,
                                grn: GlobalResponseNorm(gamma: grn.gamma, beta: nil),
                                pwconv2: PointwiseConvolution(weight: Tensor(shape: [cout, cin], scalars: w2f),
                                                              bias: Tensor(shape: [cout], scalars: b2)),
                                outNorm: nil, gamma: nil)
    }

    /// The depthwise mixer as one kernel with its bias (zeros when it has none) and padding: a dilated
    /// re-param block's equivalent kernel; nil for the identity mixer (kernel size 0).
    private func mixerKernel() -> (weight: Tensor<Scalar>, bias: [Scalar], padding: Size2D)? {
        switch dwconv {
        case .dilated(let block):
            let k = block.conv.equivalentKernel()
            return (k.weight, k.bias.scalars, k.centrePadding)
        case .plain(let layer):
            return (layer.conv.weight, layer.conv.bias?.scalars ?? [Scalar](repeating: 0, count: dim), layer.conv.geometry.padding)
        case .identity:
            return nil
        }
    }

    /// Every part given (``merged()``).
    private init(dim: Int, dwconv: Mixer, norm: BatchNormParameters<Scalar>?, seDown: PointwiseConvolution<Scalar>,
                 seUp: PointwiseConvolution<Scalar>, pwconv1: PointwiseConvolution<Scalar>, grn: GlobalResponseNorm<Scalar>,
                 pwconv2: PointwiseConvolution<Scalar>, outNorm: BatchNormParameters<Scalar>?, gamma: Tensor<Scalar>?) {
        (self.dim, self.dwconv, self.norm, self.seDown, self.seUp, self.pwconv1) = (dim, dwconv, norm, seDown, seUp, pwconv1)
        (self.grn, self.pwconv2, self.outNorm, self.gamma) = (grn, pwconv2, outNorm, gamma)
    }
}
