import RealModule

/// The one Float64 reference for GFNet's global filter (``GlobalFilter2D``), written from torch's
/// definition with naive DFTs: no FFT, no engine code. Pure function, thread-safe.
public enum GlobalFilterReference {
    /// PyTorch's `irfft2(rfft2(x) ⊙ W)` by naive DFTs in Float64, following torch's definition of
    /// `irfft2`: a complex inverse DFT along H, then a real inverse along W that reads only the real part of
    /// the bins `0` and `W/2` (even W) — no Hermitian projection is applied here, so this checks it.
    public static func compute(x: [Double], weight: [Double], c: Int, h: Int, w: Int) -> [Double] {
        let half = w / 2 + 1
        var y = [Double](repeating: 0, count: x.count)
        for plane in 0..<(x.count / (h * w)) {
            let ch = plane % c
            var z = [(Double, Double)](repeating: (0, 0), count: h * half)
            for u in 0..<h {
                for v in 0..<half {
                    var (re, im) = (0.0, 0.0)
                    for i in 0..<h {
                        for j in 0..<w {
                            let a = -2 * Double.pi * (Double(u * i) / Double(h) + Double(v * j) / Double(w))
                            re += x[plane * h * w + i * w + j] * .cos(a)
                            im += x[plane * h * w + i * w + j] * .sin(a)
                        }
                    }
                    let base = ((u * half + v) * c + ch) * 2
                    let (wr, wi) = (weight[base], weight[base + 1])
                    z[u * half + v] = (re * wr - im * wi, re * wi + im * wr)
                }
            }
            for i in 0..<h {
                var row = [(Double, Double)](repeating: (0, 0), count: half)
                for v in 0..<half {
                    for u in 0..<h {
                        let a = 2 * Double.pi * Double(u * i) / Double(h)
                        let (zr, zi) = z[u * half + v]
                        row[v].0 += (zr * .cos(a) - zi * .sin(a)) / Double(h)
                        row[v].1 += (zr * .sin(a) + zi * .cos(a)) / Double(h)
                    }
                }
                for j in 0..<w {
                    var s = row[0].0
                    for v in 1..<half {
                        let a = 2 * Double.pi * Double(v * j) / Double(w)
                        let term = row[v].0 * .cos(a) - row[v].1 * .sin(a)
                        s += (w % 2 == 0 && v == w / 2) ? term : 2 * term
                    }
                    y[plane * h * w + i * w + j] = s / Double(w)
                }
            }
        }
        return y
    }
}
