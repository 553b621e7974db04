import Testing
@testable import GlobalConv

/// The row-pruned transform pair of the depthwise FFT path against FFTW's full 2-D transforms, and the
/// measured size choice's candidates.
@Suite("Depthwise FFT pipeline")
struct DepthwiseFFTPipelineTests {
    struct Case: Sendable, CustomStringConvertible {
        var size: (Int, Int), dataRows: Int, needed: [Int]
        var description: String { "\(size) data \(dataRows) needed \(needed)" }
    }

    static let cases: [Case] = [
        Case(size: (12, 10), dataRows: 7, needed: Array(0..<4) + Array(9..<12)),   // two runs, wrap-around rows
        Case(size: (9, 16), dataRows: 9, needed: Array(0..<9)),                      // circular: every row
        Case(size: (15, 7), dataRows: 1, needed: [3]),                               // one data row, one needed row
        Case(size: (20, 21), dataRows: 13, needed: [0, 2, 4, 19]),                   // scattered rows
    ]

    @Test("forward equals the 2-D r2c of the zero-padded map; inverse equals the 2-D c2r on the needed rows, in both modes",
          arguments: cases, [DepthwiseFFTPipeline.Mode.pruned, .full])
    func matchesFullTransforms(c: Case, mode: DepthwiseFFTPipeline.Mode) throws {
        for precision in Precision.allCases { try matches(c, mode: mode, precision: precision) }
    }

    private func matches(_ c: Case, mode: DepthwiseFFTPipeline.Mode, precision: Precision) throws {
        if precision == .float32 { try check(Float.self) } else { try check(Double.self) }
        func check<S: TensorScalar>(_: S.Type) throws {
            let l = Size2D(height: c.size.0, width: c.size.1)
            let pipe = try DepthwiseFFTPipeline(size: l, dataRows: c.dataRows, neededRows: c.needed, mode: mode,
                                                precision: S.precision, effort: .estimate)
            let data = Tensor<S>.random(shape: [c.dataRows, l.width], seed: 77)
            let padded = AlignedBuffer<S>(count: pipe.paddedRows * l.width)
            for i in 0..<data.count { padded.pointer[i] = data.scalars[i] }
            let spectrum = AlignedBuffer<S>(count: 2 * pipe.spectrumCount)
            pipe.forward(padded.pointer, into: spectrum.pointer)
            // Reference: FFTW's plain 2-D transforms of the whole padded plane.
            let full = AlignedBuffer<S>(count: l.height * l.width)
            for i in 0..<data.count { full.pointer[i] = data.scalars[i] }
            let reference = AlignedBuffer<S>(count: 2 * pipe.spectrumCount)
            try FFTPlanCache.shared.plan(for: .contiguous(S.precision, .forward, dims: [l.height, l.width]))
                .forward(real: full.pointer, complex: reference.pointer)
            let u = Double(S.unitRoundoff), logL = Double((l.height * l.width).bitWidth - (l.height * l.width).leadingZeroBitCount)
            let norm = data.scalars.reduce(0) { $0 + abs(Double($1)) }
            for i in 0..<(2 * pipe.spectrumCount) {
                #expect(abs(Double(spectrum.pointer[i]) - Double(reference.pointer[i])) <= 8 * u * logL * norm, "bin \(i)")
            }
            let result = AlignedBuffer<S>(count: l.height * l.width)
            let inverseReference = AlignedBuffer<S>(count: l.height * l.width)
            try FFTPlanCache.shared.plan(for: .contiguous(S.precision, .inverse, dims: [l.height, l.width]))
                .inverse(complex: reference.pointer, real: inverseReference.pointer)
            pipe.inverse(spectrum.pointer, into: result.pointer)
            let scale = Double(l.height * l.width) * norm
            for r in c.needed {
                for j in 0..<l.width {
                    let (got, want) = (Double(result.pointer[r * l.width + j]), Double(inverseReference.pointer[r * l.width + j]))
                    #expect(abs(got - want) <= 16 * u * logL * scale, "row \(r) column \(j)")
                    // And the round trip gives the padded map back, scaled by Lh·Lw.
                    let original = r < c.dataRows ? Double(data.scalars[r * l.width + j]) : 0
                    #expect(abs(got / Double(l.height * l.width) - original) <= 16 * u * logL * norm, "round trip row \(r)")
                }
            }
        }
    }

    @Test("candidate sizes are fast, at least the minimum, at most a quarter above it, smallest first; square stays square",
          arguments: [Size2D(86), Size2D(76), Size2D(height: 30, width: 118), Size2D(3)])
    func candidates(need: Size2D) {
        let sizes = FFTSizeChoice.candidates(need: need)
        #expect(!sizes.isEmpty)
        #expect(sizes[0] == Size2D(height: FFTSize.nextFast(need.height), width: FFTSize.nextFast(need.width)))
        for s in sizes {
            #expect(FFTSize.isFast(s.height) && FFTSize.isFast(s.width))
            #expect(s.height >= need.height && s.width >= need.width)
            #expect(s.height <= need.height + max(4, need.height / 4) && s.width <= need.width + max(4, need.width / 4))
            if need.height == need.width { #expect(s.height == s.width) }
        }
        #expect(FFTSizeChoice.candidates(need: Size2D(86)).contains(Size2D(96)))
    }
}
