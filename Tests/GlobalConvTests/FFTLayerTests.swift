import Testing
@testable import GlobalConv
import Verification

@Suite("FFT layer")
struct FFTLayerTests {
    /// Naive DFT of a real row-major array over `dims` (1-D or 2-D), half spectrum, Float64.
    static func naiveHalfSpectrum(_ x: [Double], dims: [Int]) -> [(Double, Double)] {
        let (h, w) = dims.count == 2 ? (dims[0], dims[1]) : (1, dims[0])
        var out = [(Double, Double)]()
        for u in 0..<h {
            for v in 0...(w / 2) {
                var re = 0.0, im = 0.0
                for i in 0..<h {
                    for j in 0..<w {
                        let phase = -2 * Double.pi * (Double(u * i) / Double(h) + Double(v * j) / Double(w))
                        re += x[i * w + j] * .cos(phase)
                        im += x[i * w + j] * .sin(phase)
                    }
                }
                out.append((re, im))
            }
        }
        return out
    }

    @Test("r2c matches a naive DFT, 1-D and 2-D, both precisions",
          arguments: [[1], [2], [7], [16], [15], [3, 5], [8, 6], [7, 9]], Precision.allCases)
    func matchesNaiveDFT(dims: [Int], precision: Precision) throws {
        if precision == .float32 { try check(Float.self, dims) } else { try check(Double.self, dims) }
        func check<S: TensorScalar>(_: S.Type, _ dims: [Int]) throws {
            let n = dims.reduce(1, *)
            let x = Tensor<S>.random(shape: [n], seed: UInt64(n * 31 + dims.count))
            let plan = try FFTPlanCache.shared.plan(for: .contiguous(S.precision, .forward, dims: dims))
            let real = AlignedBuffer<S>(count: n), freq = AlignedBuffer<S>(count: 2 * plan.descriptor.complexCount)
            _ = real.buffer.update(fromContentsOf: x.scalars)
            plan.forward(real: real.pointer, complex: freq.pointer)
            let expected = Self.naiveHalfSpectrum(x.scalars.map(Double.init), dims: dims)
            let norm1 = x.scalars.reduce(0.0) { $0 + abs(Double($1)) }
            let tol = Tolerance.fft(S.self, transformSize: n, scale: norm1)
            for (k, e) in expected.enumerated() {
                #expect(abs(Double(freq.pointer[2 * k]) - e.0) <= tol)
                #expect(abs(Double(freq.pointer[2 * k + 1]) - e.1) <= tol)
            }
        }
    }

    @Test("c2r(r2c(x)) / N = x for 2-D and strided 1-D batches", arguments: Precision.allCases)
    func roundTrip(precision: Precision) throws {
        if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        func check<S: TensorScalar>(_: S.Type) throws {
            // 2-D over 3 contiguous 6×10 planes.
            try roundTrip(S.self, .contiguous(S.precision, .forward, dims: [6, 10], howMany: 3))
            // 1-D along H of a 9×5 plane: 5 transforms of length 9, stride 5, distance 1;
            // the half spectra are laid out [5 (k) × 5 (column)], stride 5, distance 1.
            try roundTrip(S.self, RealFFTDescriptor(precision: S.precision, direction: .forward, dims: [9], howMany: 5,
                                                    realStride: 5, realDistance: 1, complexStride: 5, complexDistance: 1))
            // 1-D along W of 4 rows of length 11.
            try roundTrip(S.self, .contiguous(S.precision, .forward, dims: [11], howMany: 4))
        }
        func roundTrip<S: TensorScalar>(_: S.Type, _ d: RealFFTDescriptor) throws {
            var inv = d
            inv.direction = .inverse
            let fwd = try FFTPlanCache.shared.plan(for: d), back = try FFTPlanCache.shared.plan(for: inv)
            let x = Tensor<S>.random(shape: [d.realSpan], seed: 5)
            let real = AlignedBuffer<S>(count: d.realSpan), freq = AlignedBuffer<S>(count: 2 * d.complexSpan)
            let again = AlignedBuffer<S>(count: d.realSpan)
            _ = real.buffer.update(fromContentsOf: x.scalars)
            fwd.forward(real: real.pointer, complex: freq.pointer)
            back.inverse(complex: freq.pointer, real: again.pointer)
            let n = S(d.realCount)
            let tol = Tolerance.fft(S.self, transformSize: d.realCount, scale: 1)
            for i in 0..<d.realSpan {
                #expect(abs(Double(again.pointer[i] / n - x.scalars[i])) <= tol, "index \(i) of \(d.dims)")
            }
        }
    }

    @Test("an impulse at (a, b) has spectrum e^{−2πi(ua/H + vb/W)}", arguments: [(0, 0), (1, 2), (4, 7)])
    func impulse(a: Int, b: Int) throws {
        let (h, w) = (5, 8)
        let plan = try FFTPlanCache.shared.plan(for: .contiguous(.float64, .forward, dims: [h, w]))
        let real = AlignedBuffer<Double>(count: h * w), freq = AlignedBuffer<Double>(count: 2 * plan.descriptor.complexCount)
        real.pointer[a * w + b] = 1
        plan.forward(real: real.pointer, complex: freq.pointer)
        for u in 0..<h {
            for v in 0...(w / 2) {
                let phase = -2 * Double.pi * (Double(u * a) / Double(h) + Double(v * b) / Double(w))
                let k = u * (w / 2 + 1) + v
                #expect(abs(freq.pointer[2 * k] - .cos(phase)) < 1e-14)
                #expect(abs(freq.pointer[2 * k + 1] - .sin(phase)) < 1e-14)
            }
        }
    }

    @Test("fast sizes have no prime factor above 7")
    func fastSizes() {
        #expect(FFTSize.nextFast(86) == 90)
        #expect(FFTSize.nextFast(97) == 98)
        #expect(FFTSize.nextFast(1) == 1)
        #expect(FFTSize.nextFast(11) == 12)
        #expect(FFTSize.isFast(2 * 3 * 5 * 7 * 8) && !FFTSize.isFast(11) && !FFTSize.isFast(0))
    }

    @Test("wisdom exports, re-imports and rejects garbage")
    func wisdom() throws {
        _ = try FFTPlanCache.shared.plan(for: .contiguous(.float32, .forward, dims: [12, 12], effort: .measure))
        let text = FFTWisdom.exportText()
        #expect(text.hasPrefix("globalconv-wisdom 2\n"))
        #expect(text.contains("fftwf_wisdom"))
        try FFTWisdom.importText(text)
        #expect(throws: FFTWisdomError.self) { try FFTWisdom.importText("hello") }
        #expect(throws: FFTWisdomError.self) { try FFTWisdom.importText("globalconv-wisdom 1\n99999\n(") }
        #expect(throws: FFTWisdomError.self) { try FFTWisdom.import(atPath: "/nonexistent/dir/wisdom") }
        let path = "/tmp/globalconv-wisdom-test-\(UInt64.random(in: 0...UInt64.max))"
        try FFTWisdom.export(atPath: path)
        try FFTWisdom.import(atPath: path)
    }
}
