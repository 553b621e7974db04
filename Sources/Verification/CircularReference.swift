import GlobalConv

/// An independent Float64 oracle for ParC's global circular correlation along one axis:
/// `y[n,c,i] = b[c] + Σ_{k<L} w[c,k]·x[n,c,(i+k) mod L]` (no flip; `L` = the map's extent along the
/// axis = the kernel length), for every column (axis H) or row (axis W). Returns the outputs and
/// their magnitudes `|b| + Σ|w||x|`, row-major `[N, C, H, W]`. Pure function, thread-safe.
public enum CircularReference {
    /// - Precondition: `input` `[N, C, H, W]`, `weight` `[C, 1, H, 1]` (axis H) or `[C, 1, 1, W]` (axis W).
    public static func compute(input: Tensor<Double>, weight: Tensor<Double>, bias: Tensor<Double>?,
                               axis: ConvolutionAxis) -> DepthwiseReference.Output {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let length = axis == .height ? h : w
        precondition(weight.count == c * length, "CircularReference: weight must hold C·L = \(c * length) taps")
        let x = input.scalars, k = weight.scalars
        var values = [Double](repeating: 0, count: x.count), magnitudes = values
        for batch in 0..<n {
            for ch in 0..<c {
                let plane = (batch * c + ch) * h * w
                for i in 0..<h {
                    for j in 0..<w {
                        var sum = bias?.scalars[ch] ?? 0
                        var mag = abs(sum)
                        for t in 0..<length {
                            let xi = axis == .height ? ((i + t) % h) * w + j : i * w + (j + t) % w
                            let p = k[ch * length + t] * x[plane + xi]
                            sum += p
                            mag += abs(p)
                        }
                        values[plane + i * w + j] = sum
                        magnitudes[plane + i * w + j] = mag
                    }
                }
            }
        }
        return DepthwiseReference.Output(shape: input.shape, values: values, magnitudes: magnitudes)
    }
}
