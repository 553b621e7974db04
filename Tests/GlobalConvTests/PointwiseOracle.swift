import RealModule
import Verification
@testable import GlobalConv

/// Float64 evaluation of a fused 1×1 convolution (``PointwiseEpilogue``'s definition) with a first-order
/// forward-error bound for the computation in precision `u`, carried value by value:
///
/// - input affine `x·s + t`: `γ(2)·(|x·s| + |t|)`;
/// - LayerNorm: `|Δμ| ≤ γ(k+1)·Σ|x|/k`, `|Δd| ≤ |Δμ| + u|d|` for `d = x − μ`, `|Δσ²| ≤ (2Σ|d||Δd| + γ(k+1)Σd²)/k`,
///   relative error of `1/√(σ² + eps)` at most `½|Δσ²|/(σ² + eps) + γ(3)`, then `γ(3)` for `(d·inv)·g + b`;
/// - feature decomposition: `d = GELU(Σ w·x + b)` with `γ(k+1)(|b| + Σ|w||x|)` and the GELU terms below,
///   then `x + s·(x − d)`: `|s|·Δd + γ(3)·(|x| + |s|(|x| + |d|))`;
/// - the sum `b + Σ W·x'`: `γ(k+1)·(|b| + Σ|W||x'|) + Σ|W|·|Δx'|` (Higham Thm 3.1 plus propagated input error);
/// - epilogue affine: `|s|·Δ + γ(2)(|v·s| + |t|)`; activation: Lipschitz `L·Δ` (GELU 1.13, SiLU 1.1, ReLU 1)
///   plus its own evaluation error (GELU: `0.5|v|(1.5e-7 + 8u) + 8u|GELU(v)|`, the erf approximation of
///   PyTorch's kernel; SiLU: `8u|SiLU(v)|`); product `|m|·Δ + u|v·m|`; sum `Δ + u|v + a|` (an added map
///   through an affine first: `γ(2)(|a·s| + |t|)` more); scaled residual
///   `|r_s|·Δ + γ(2)(|r| + |r_s·v|)`.
struct PointwiseOracle {
    var value: [Double]
    var bound: [Double]

    static func gamma(_ n: Int, _ u: Double) -> Double { ErrorBounds.gamma(n, unitRoundoff: u) }

    /// An activation of `v` (carrying `error`) and its bound: Lipschitz constant times the incoming error
    /// plus the evaluation's own error (see the type's comment).
    static func activate(_ activation: Activation?, _ v: Double, error: Double, u: Double) -> (Double, Double) {
        switch activation {
        case .none: return (v, error)
        case .relu: return (max(v, 0), error)
        case .gelu:
            let g = 0.5 * v * (1 + Double.erf(v / 2.0.squareRoot()))
            return (g, 1.13 * error + 0.5 * abs(v) * (1.5e-7 + 8 * u) + 8 * u * abs(g))
        case .silu:
            let s = v / (1 + Double.exp(-v))
            return (s, 1.1 * error + 8 * u * abs(s))
        }
    }

    /// `x` as NCHW Double values with zero error.
    init<S: TensorScalar>(_ x: Tensor<S>) {
        value = x.scalars.map { Double($0) }
        bound = [Double](repeating: 0, count: x.count)
    }

    init(value: [Double], bound: [Double]) { self.value = value; self.bound = bound }

    /// The depthwise 3×3 stencil with its activation (``PointwiseStencil``): the sum `b + Σ w·x` (10
    /// terms) within `γ(10)·(|b| + Σ|w||x|)`, then the activation's terms as in ``layer(_:_:batch:plane:u:)``.
    static func stencil<S: TensorScalar>(_ x: Tensor<S>, _ st: PointwiseStencil<S>, u: Double) -> PointwiseOracle {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let xs = PointwiseOracle(x).value
        var o = PointwiseOracle(value: xs, bound: [Double](repeating: 0, count: xs.count))
        for plane in 0..<(n * c) { for i in 0..<h { for j in 0..<w {
            let ch = plane % c, base = plane * h * w
            let b = st.bias.map { Double($0[ch]) } ?? 0
            var acc = b, mag = abs(b)
            for du in 0..<3 { for dv in 0..<3 {
                let (r, q) = (i + du - 1, j + dv - 1)
                guard r >= 0, r < h, q >= 0, q < w else { continue }
                let t = Double(st.weight[ch * 9 + du * 3 + dv]) * xs[base + r * w + q]
                acc += t; mag += abs(t)
            } }
            let (v, err) = activate(st.activation, acc, error: gamma(10, u) * mag, u: u)
            o.value[base + i * w + j] = v
            o.bound[base + i * w + j] = err
        } } }
        return o
    }

    /// The input transform on `x`, or on the values and bounds of `start` (a stencil's output; not with
    /// LayerNorm) whose errors it propagates.
    static func input<S: TensorScalar>(_ x: Tensor<S>, _ transform: PointwiseInput<S>, u: Double,
                                       from start: PointwiseOracle? = nil) -> PointwiseOracle {
        let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        var o = start ?? PointwiseOracle(x)
        let incoming = o.bound
        switch transform {
        case .identity: break
        case .affine(let a):
            for img in 0..<n { for ch in 0..<c { for p in 0..<plane {
                let i = (img * c + ch) * plane + p
                let (v, s, t) = (o.value[i], Double(a.scale[ch]), Double(a.shift[ch]))
                o.value[i] = v * s + t
                o.bound[i] = abs(s) * incoming[i] + gamma(2, u) * (abs(v * s) + abs(t))
            } } }
        case .decompose(let w, let b, let s):
            for img in 0..<n { for p in 0..<plane {
                var acc = Double(b), mag = abs(Double(b)), propagated = 0.0
                for ch in 0..<c {
                    let i = (img * c + ch) * plane + p
                    let t = Double(w[ch]) * o.value[i]; acc += t; mag += abs(t); propagated += abs(Double(w[ch])) * incoming[i]
                }
                let d = 0.5 * acc * (1 + Double.erf(acc / 2.0.squareRoot()))
                let dd = 1.13 * (gamma(c + 1, u) * mag + propagated) + 0.5 * abs(acc) * (1.5e-7 + 8 * u) + 8 * u * abs(d)
                for ch in 0..<c {
                    let i = (img * c + ch) * plane + p
                    let (xv, sv) = (o.value[i], Double(s[ch]))
                    o.value[i] = xv + sv * (xv - d)
                    o.bound[i] = (1 + abs(sv)) * incoming[i] + abs(sv) * dd + gamma(3, u) * (abs(xv) + abs(sv) * (abs(xv) + abs(d)))
                }
            } }
        case .layerNorm(let ln):
            precondition(start == nil, "PointwiseOracle: LayerNorm after a stencil is not modelled")
            for img in 0..<n { for p in 0..<plane {
                let xs = (0..<c).map { o.value[(img * c + $0) * plane + p] }
                let mean = xs.reduce(0, +) / Double(c)
                let d = xs.map { $0 - mean }
                let variance = d.map { $0 * $0 }.reduce(0, +) / Double(c)
                let denominator = variance + Double(ln.eps)
                let inv = 1 / denominator.squareRoot()
                let dMean = gamma(c + 1, u) * xs.map(abs).reduce(0, +) / Double(c)
                let dd = d.map { dMean + u * abs($0) }
                let dVar = (2 * zip(d, dd).map { abs($0) * $1 }.reduce(0, +) + gamma(c + 1, u) * d.map { $0 * $0 }.reduce(0, +)) / Double(c)
                let rho = 0.5 * dVar / denominator + gamma(3, u)
                for ch in 0..<c {
                    let i = (img * c + ch) * plane + p
                    let (g, b) = (Double(ln.weight[ch]), Double(ln.bias[ch]))
                    let y = d[ch] * inv * g + b
                    o.value[i] = y
                    o.bound[i] = abs(g) * inv * (dd[ch] + abs(d[ch]) * rho) + gamma(3, u) * (abs(d[ch] * inv * g) + abs(b))
                }
            } }
        }
        return o
    }

    /// One layer: `epilogue(W·x' + b)` on `[n, cin, plane]` values with their bounds.
    func layer<S: TensorScalar>(_ conv: PointwiseConvolution<S>, _ e: PointwiseEpilogue<S>, batch n: Int, plane: Int, u: Double) -> PointwiseOracle {
        let (cin, cout) = (conv.inputChannels, conv.outputChannels)
        let weights = conv.weight.scalars  // once: Float unpacks them from the kernel's layout on each access
        var out = PointwiseOracle(value: [Double](repeating: 0, count: n * cout * plane), bound: [Double](repeating: 0, count: n * cout * plane))
        for img in 0..<n { for o in 0..<cout { for p in 0..<plane {
            let b = conv.bias.map { Double($0.scalars[o]) } ?? 0
            var acc = b, mag = abs(b), propagated = 0.0
            for i in 0..<cin {
                let w = Double(weights[o * cin + i])
                let idx = (img * cin + i) * plane + p
                acc += w * value[idx]; mag += abs(w * value[idx]); propagated += abs(w) * bound[idx]
            }
            var v = acc, err = Self.gamma(cin + 1, u) * mag + propagated
            if let a = e.affine {
                let (s, t) = (Double(a.scale[o]), Double(a.shift[o]))
                err = abs(s) * err + Self.gamma(2, u) * (abs(v * s) + abs(t))
                v = v * s + t
            }
            (v, err) = Self.activate(e.activation, v, error: err, u: u)
            let idx = (img * cout + o) * plane + p
            if let m = e.multiply { let mv = Double(m.scalars[idx]); err = abs(mv) * err + u * abs(v * mv); v *= mv }
            if let a = e.add {
                var av = Double(a.scalars[idx]), aErr = 0.0
                if let aa = e.addAffine {
                    let (s, t) = (Double(aa.scale[o]), Double(aa.shift[o]))
                    aErr = Self.gamma(2, u) * (abs(av * s) + abs(t))
                    av = av * s + t
                }
                v += av; err += aErr + u * abs(v)
            }
            if let r = e.residual {
                let rv = Double(r.scalars[idx]), s = e.residualScale.map { Double($0[o]) } ?? 1
                err = abs(s) * err + Self.gamma(2, u) * (abs(rv) + abs(s * v))
                v = rv + s * v
            }
            out.value[idx] = v
            out.bound[idx] = err
        } } }
        return out
    }
}
