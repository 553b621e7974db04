import Testing
@testable import GlobalConv

/// `TensorScalar`'s per-type kernels (Float+TensorScalar.swift, Double+TensorScalar.swift): the Double C
/// kernels of CVectorMath (`gc_*_f64`, circular.c) replaced Swift loops, and must give exactly what those
/// loops gave — bit for bit, on values chosen to tell a copy from `+ 0` (−0), a fused from an unfused
/// product, and to carry NaN payloads, infinities and subnormals. The loops below are the former Swift
/// Double implementations, verbatim.
@Suite("Per-type scalar kernels")
struct ScalarKernelTests {
    // MARK: The former Swift Double loops (the oracle)

    static func oldAllFinite(_ p: UnsafePointer<Double>, count: Int) -> Bool {
        (0..<count).allSatisfy { p[$0].isFinite }
    }

    static func oldCopyRows(_ src: UnsafePointer<Double>, stride: Int, rows: Int, columns: Int,
                            into dst: UnsafeMutablePointer<Double>, stride dstStride: Int) -> Bool {
        var finite = true
        for i in 0..<rows {
            (dst + i * dstStride).update(from: src + i * stride, count: columns)
            finite = finite && oldAllFinite(src + i * stride, count: columns)
        }
        return finite
    }

    static func oldCrop(_ src: UnsafePointer<Double>, stride: Int, rows: [Int], columns: [Int], bias b: Double,
                        into out: UnsafeMutablePointer<Double>) -> Bool {
        let (ho, wo) = (rows.count, columns.count)
        for i in 0..<ho {
            let row = out + i * wo
            let r = rows[i]
            if r < 0 { row.update(repeating: b, count: wo); continue }
            let s = src + r * stride
            for j in 0..<wo { row[j] = columns[j] < 0 ? b : s[columns[j]] + b }
        }
        return oldAllFinite(UnsafePointer(out), count: ho * wo)
    }

    static func oldTransposeAdding(_ src: UnsafePointer<Double>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Double>,
                                   rowAdd: UnsafePointer<Double>?, add: Double) {
        let block = 16
        for i0 in stride(from: 0, to: rows, by: block) {
            for j0 in stride(from: 0, to: columns, by: block) {
                for i in i0..<min(i0 + block, rows) {
                    let a = rowAdd?[i] ?? add
                    for j in j0..<min(j0 + block, columns) { dst[j * rows + i] = src[i * columns + j] + a }
                }
            }
        }
    }

    static func oldAddingRows(_ src: UnsafePointer<Double>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<Double>,
                              rowAdd: UnsafePointer<Double>?, columnAdd: UnsafePointer<Double>?, add: Double) -> Bool {
        for i in 0..<rows {
            for j in 0..<columns { dst[i * columns + j] = src[i * columns + j] + (rowAdd?[i] ?? columnAdd?[j] ?? add) }
        }
        return oldAllFinite(UnsafePointer(dst), count: rows * columns)
    }

    static func oldInterleavePair(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int,
                                  adding: UnsafePointer<Double>?, into dst: UnsafeMutablePointer<Double>) -> Bool {
        for j in 0..<count {
            dst[2 * j] = adding.map { a[j] + $0[j] } ?? a[j]
            dst[2 * j + 1] = adding.map { b[j] + $0[j] } ?? b[j]
        }
        return oldAllFinite(UnsafePointer(dst), count: 2 * count)
    }

    static func oldDeinterleavePair(_ src: UnsafePointer<Double>, count: Int, adding add: Double,
                                    into a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>) -> Bool {
        for j in 0..<count { a[j] = src[2 * j] + add; b[j] = src[2 * j + 1] + add }
        return oldAllFinite(UnsafePointer(a), count: count) && oldAllFinite(UnsafePointer(b), count: count)
    }

    static func oldScaleComplexRows(_ a: UnsafeMutablePointer<Double>, rows: Int, count: Int, by k: UnsafePointer<Double>) {
        for f in 0..<rows {
            let (br, bi) = (k[2 * f], k[2 * f + 1])
            for m in 0..<count {
                let i = 2 * (f * count + m)
                let (ar, ai) = (a[i], a[i + 1])
                a[i] = ar * br - ai * bi
                a[i + 1] = ar * bi + ai * br
            }
        }
    }

    static func oldMultiplyRows(_ a: UnsafeMutablePointer<Double>, rows: Int, count: Int, by b: UnsafePointer<Double>) {
        for r in 0..<rows {
            let x = a + 2 * count * r
            for k in 0..<count {
                let (ar, ai) = (x[2 * k], x[2 * k + 1])
                let (br, bi) = (b[2 * k], b[2 * k + 1])
                x[2 * k] = ar * br - ai * bi
                x[2 * k + 1] = ar * bi + ai * br
            }
        }
    }

    // MARK: Inputs

    /// `count` values from `seed`: mostly random of mixed magnitude (products whose fused and unfused
    /// results differ), with −0, +0, subnormals and, when `special`, NaNs with payloads and ±Inf.
    static func values(_ count: Int, seed: UInt64, special: Bool) -> [Double] {
        var g = SeededGenerator(seed: seed)
        let specials: [Double] = [-0.0, 0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude / 3, 1e300, -1e-300]
        let nonFinite: [Double] = [.infinity, -.infinity, .nan, Double(nan: 0x1234, signaling: false), -Double.nan]
        return (0..<count).map { _ in
            let r = Double.random(in: 0..<1, using: &g)
            if special, r < 0.03 { return nonFinite[Int.random(in: 0..<nonFinite.count, using: &g)] }
            if r < 0.15 { return specials[Int.random(in: 0..<specials.count, using: &g)] }
            return Double.random(in: -1...1, using: &g) * Double(sign: .plus, exponent: Int.random(in: -30...30, using: &g), significand: 1)
        }
    }

    /// How many positions of `a` and `b` differ in any bit (0 when identical, also when the counts differ: −1).
    static func differing(_ a: [Double], _ b: [Double]) -> Int {
        a.count == b.count ? zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count : -1
    }

    static let sizes: [(rows: Int, columns: Int)] = [(1, 1), (1, 7), (2, 16), (3, 17), (5, 56), (17, 33), (4, 113)]

    // MARK: Tests

    @Test("Precision.scalarType is the precision's own scalar type")
    func scalarTypes() {
        #expect(ObjectIdentifier(Precision.float32.scalarType) == ObjectIdentifier(Float.self))
        #expect(ObjectIdentifier(Precision.float64.scalarType) == ObjectIdentifier(Double.self))
        for p in Precision.allCases { #expect(p.scalarType.precision == p) }
        #expect(!Double._hasLineKernels && Float._hasLineKernels)
        #expect(!Double._pointwiseFusesStencil && Float._pointwiseFusesStencil)
        #expect(Double._pointwisePack([1, 2, 3, 4], rows: 2, columns: 2).isEmpty)
    }

    @Test("Double copy and crop are the former Swift loops bit for bit", arguments: [false, true])
    func copyAndCrop(special: Bool) {
        for (index, (rows, columns)) in Self.sizes.enumerated() {
            let stride = columns + 3, dstStride = columns + 5
            let src = Self.values(rows * stride, seed: UInt64(100 + index), special: special)
            var new = [Double](repeating: 7, count: rows * dstStride), old = new
            let finiteNew = src.withUnsafeBufferPointer { s in new.withUnsafeMutableBufferPointer { d in
                copyRowsChecked(s.baseAddress!, stride: stride, rows: rows, columns: columns, into: d.baseAddress!, stride: dstStride) } }
            let finiteOld = src.withUnsafeBufferPointer { s in old.withUnsafeMutableBufferPointer { d in
                Self.oldCopyRows(s.baseAddress!, stride: stride, rows: rows, columns: columns, into: d.baseAddress!, stride: dstStride) } }
            #expect(Self.differing(new, old) == 0 && finiteNew == finiteOld, "copy \(rows)×\(columns)")

            // Crop: some rows and columns are bias only (−1), the others read runs of the source.
            let rowSource = (0..<(rows + 2)).map { $0 == 0 || $0 > rows ? -1 : ($0 - 1) }
            let colSource = (0..<(columns + 3)).map { $0 % 5 == 4 || $0 >= columns ? -1 : $0 }
            for bias in [0.0, -0.0, 0.37, Double.nan] {
                var cropNew = [Double](repeating: 9, count: rowSource.count * colSource.count), cropOld = cropNew
                let okNew = src.withUnsafeBufferPointer { s in cropNew.withUnsafeMutableBufferPointer { o in
                    crop(s.baseAddress!, stride: stride, rows: rowSource, columns: colSource, bias: bias, into: o.baseAddress!) } }
                let okOld = src.withUnsafeBufferPointer { s in cropOld.withUnsafeMutableBufferPointer { o in
                    Self.oldCrop(s.baseAddress!, stride: stride, rows: rowSource, columns: colSource, bias: bias, into: o.baseAddress!) } }
                #expect(Self.differing(cropNew, cropOld) == 0 && okNew == okOld, "crop \(rows)×\(columns) bias \(bias)")
            }
        }
    }

    @Test("Double transposes, row additions and pair (de)interleaving are the former Swift loops bit for bit",
          arguments: [false, true])
    func copiesWithAddends(special: Bool) {
        for (index, (rows, columns)) in Self.sizes.enumerated() {
            let seed = UInt64(200 + 10 * index)
            let src = Self.values(rows * columns, seed: seed, special: special)
            let rowAdd = Self.values(rows, seed: seed + 1, special: special)
            let colAdd = Self.values(columns, seed: seed + 2, special: special)
            src.withUnsafeBufferPointer { s in rowAdd.withUnsafeBufferPointer { ra in colAdd.withUnsafeBufferPointer { ca in
                let (s, ra, ca) = (s.baseAddress!, ra.baseAddress!, ca.baseAddress!)
                for (r, add) in [(Optional(ra), 0.0), (nil, -0.0), (nil, 1.5)] {
                    var new = [Double](repeating: 3, count: rows * columns), old = new
                    new.withUnsafeMutableBufferPointer { transposeAdding(s, rows: rows, columns: columns, into: $0.baseAddress!, rowAdd: r, add: add) }
                    old.withUnsafeMutableBufferPointer { Self.oldTransposeAdding(s, rows: rows, columns: columns, into: $0.baseAddress!, rowAdd: r, add: add) }
                    #expect(Self.differing(new, old) == 0, "transpose \(rows)×\(columns)")
                }
                for (r, c, add) in [(Optional(ra), nil, 0.0), (nil, Optional(ca), 0.0), (nil, nil, -0.0), (nil, nil, 0.0), (nil, nil, 2.25)] {
                    var new = [Double](repeating: 3, count: rows * columns), old = new
                    let okNew = new.withUnsafeMutableBufferPointer {
                        addingRows(s, rows: rows, columns: columns, into: $0.baseAddress!, rowAdd: r, columnAdd: c, add: add) }
                    let okOld = old.withUnsafeMutableBufferPointer {
                        Self.oldAddingRows(s, rows: rows, columns: columns, into: $0.baseAddress!, rowAdd: r, columnAdd: c, add: add) }
                    #expect(Self.differing(new, old) == 0 && okNew == okOld, "add rows \(rows)×\(columns)")
                }
                // Pairs: rows 0 and 1 (or row 0 twice) of `columns` values, with and without the embedding.
                let b = rows > 1 ? s + columns : s
                for e in [Optional(ca), nil] {
                    var new = [Double](repeating: 5, count: 2 * columns), old = new
                    let okNew = new.withUnsafeMutableBufferPointer { interleavePair(s, b, count: columns, adding: e, into: $0.baseAddress!) }
                    let okOld = old.withUnsafeMutableBufferPointer { Self.oldInterleavePair(s, b, count: columns, adding: e, into: $0.baseAddress!) }
                    #expect(Self.differing(new, old) == 0 && okNew == okOld, "interleave \(columns)")
                }
                let pairs = columns / 2
                for add in [0.0, -0.0, 0.75] {
                    var (an, bn) = ([Double](repeating: 1, count: pairs), [Double](repeating: 1, count: pairs))
                    var (ao, bo) = (an, bn)
                    let okNew = an.withUnsafeMutableBufferPointer { a in bn.withUnsafeMutableBufferPointer { bb in
                        deinterleavePair(s, count: pairs, adding: add, into: a.baseAddress!, bb.baseAddress!) } }
                    let okOld = ao.withUnsafeMutableBufferPointer { a in bo.withUnsafeMutableBufferPointer { bb in
                        Self.oldDeinterleavePair(s, count: pairs, adding: add, into: a.baseAddress!, bb.baseAddress!) } }
                    #expect(Self.differing(an, ao) == 0 && Self.differing(bn, bo) == 0 && okNew == okOld, "deinterleave \(pairs)")
                }
            } } }
        }
    }

    @Test("Double complex products are unfused, the former Swift loops bit for bit", arguments: [false, true])
    func complexProducts(special: Bool) {
        for (index, (rows, count)) in Self.sizes.enumerated() {
            let seed = UInt64(300 + 10 * index)
            let a = Self.values(2 * rows * count, seed: seed, special: special)
            let k = Self.values(2 * max(rows, count), seed: seed + 1, special: special)
            k.withUnsafeBufferPointer { kb in
                var new = a, old = a
                new.withUnsafeMutableBufferPointer { scaleComplexRows($0.baseAddress!, rows: rows, count: count, by: kb.baseAddress!) }
                old.withUnsafeMutableBufferPointer { Self.oldScaleComplexRows($0.baseAddress!, rows: rows, count: count, by: kb.baseAddress!) }
                #expect(Self.differing(new, old) == 0, "cscale \(rows)×\(count)")
                (new, old) = (a, a)
                new.withUnsafeMutableBufferPointer { multiplyRows($0.baseAddress!, rows: rows, count: count, by: kb.baseAddress!) }
                old.withUnsafeMutableBufferPointer { Self.oldMultiplyRows($0.baseAddress!, rows: rows, count: count, by: kb.baseAddress!) }
                #expect(Self.differing(new, old) == 0, "cmul \(rows)×\(count)")
            }
        }
    }

    @Test("the Double copies are listed as double-precision kernels of every level's table")
    func doubleKernelsListed() {
        let names = Set(CompiledKernel.vectorMath.filter { $0.elementSize == 8 }.map(\.name))
        #expect(names == ["gc_f64_add_rows_portable", "gc_f64_interleave_pair_portable", "gc_f64_deinterleave_pair_portable",
                          "gc_f64_copy_rows_portable", "gc_f64_crop_portable"])
    }
}
