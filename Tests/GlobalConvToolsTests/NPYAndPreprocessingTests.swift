import Foundation
import GlobalConv
@testable import GlobalConvTools
import Testing

/// A .npy file built by hand: `version` 1/2/3, header text (padded like np.save), data bytes.
private func npyBytes(version: UInt8 = 1, header: String, data: [UInt8]) -> [UInt8] {
    let lengthBytes = version == 1 ? 2 : 4
    var h = header
    let unpadded = 8 + lengthBytes + h.utf8.count + 1
    h += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let n = h.utf8.count
    for i in 0..<lengthBytes { out.append(UInt8((n >> (8 * i)) & 0xFF)) }
    return out + Array(h.utf8) + data
}

private func floats(_ v: [Float]) -> [UInt8] { v.flatMap { f in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } } }
private func doubles(_ v: [Double]) -> [UInt8] { v.flatMap { d in withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) } } }

@Suite("npy reader and image preprocessing")
struct NPYAndPreprocessingTests {
    @Test("npy: versions 1, 2, 3; float32 and float64; keys in any order; round trip of the writer")
    func npyGood() throws {
        for version: UInt8 in [1, 2, 3] {
            let a = try NPY.decode(npyBytes(version: version, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 2, 1), }",
                                            data: floats([1, 2, 3, 4, 5, -6.5])))
            #expect(a.shape == [1, 3, 2, 1] && a.values == [1, 2, 3, 4, 5, -6.5] && a.descr == "<f4")
        }
        let b = try NPY.decode(npyBytes(header: #"{"shape": (3,), "fortran_order": False, "descr": "<f8"}"#, data: doubles([0.1, 1e300, -0])))
        #expect(b.shape == [3] && b.values == [0.1, 1e300, -0])
        let scalar = try NPY.decode(npyBytes(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", data: doubles([2])))
        #expect(scalar.shape == [] && scalar.values == [2])
        let t = Tensor<Double>(shape: [2, 3, 1, 2], scalars: (0..<12).map { Double($0) / 7 })
        let bytes = NPY.encode(t)
        #expect((bytes.count - 12 * 8) % 64 == 0)
        #expect(try NPY.decode(bytes).values == t.scalars && (try NPY.decode(bytes)).shape == t.shape)
        #expect(try NPY.decode(NPY.encode(Tensor<Float>(shape: [5], scalars: [1, 2, 3, 4, 5]))).descr == "<f4")
    }

    @Test("npy: malformed files are errors saying what is wrong")
    func npyMalformed() {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        let cases: [([UInt8], String)] = [
            (Array("PK\u{3}\u{4}junk".utf8), "not a .npy file"),
            ([0x93] + Array("NUMPY".utf8) + [4, 0, 0, 0], "version 4.0 is not supported"),
            (Array(npyBytes(header: good, data: floats([1, 2])).prefix(30)), "truncated .npy header"),
            (npyBytes(header: good, data: floats([1])), "truncated: shape [2] of '<f4' needs 8 bytes of data, the file has 4"),
            (npyBytes(header: good, data: floats([1, 2, 3])), "4 unexpected bytes after the data"),
            (npyBytes(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data: floats([1, 2])), "big-endian"),
            (npyBytes(header: "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", data: floats([1, 2])), "dtype '<i4' is not supported"),
            (npyBytes(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data: floats([1, 2])), "Fortran-order"),
            (npyBytes(header: "{'descr': '<f4', 'shape': (2,), }", data: floats([1, 2])), "exactly the keys"),
            (npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", data: floats([1, 2])), "malformed .npy header"),
            (npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", data: floats([1, 2])), "malformed .npy header"),
            (npyBytes(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", data: floats([1, 2])), "malformed"),
            (npyBytes(header: "{'descr': '<f4', 'fortran_order': Falsy, 'shape': (2,), }", data: floats([1, 2])), "True or False"),
        ]
        for (bytes, part) in cases {
            do {
                _ = try NPY.decode(bytes)
                Issue.record("accepted a file that should fail with '\(part)'")
            } catch {
                #expect(error.description.contains(part), "\(error.description)")
            }
        }
    }

    /// The Float64 definition: out(y, x) = Σ_j Σ_i wy_j(y) wx_i(x) in(j, i) with Pillow's antialiased
    /// bicubic weights (a = −0.5, support 2·max(scale, 1), centre (o + ½)·scale, tap at i + ½), each
    /// output's weights normalised to sum 1 — written out directly, not separably.
    private func definition(_ src: [Double], w: Int, h: Int, ow: Int, oh: Int) -> [Double] {
        func cubic(_ t: Double) -> Double {
            let x = abs(t)
            return x < 1 ? 1.5 * x * x * x - 2.5 * x * x + 1 : x < 2 ? -0.5 * x * x * x + 2.5 * x * x - 4 * x + 2 : 0
        }
        func taps(_ o: Int, _ n: Int, _ m: Int) -> [Double] {
            if n == m { return (0..<n).map { $0 == o ? 1 : 0 } }
            let scale = Double(n) / Double(m), fs = max(scale, 1), center = (Double(o) + 0.5) * scale
            let lo = max(Int(center - 2 * fs + 0.5), 0), hi = min(Int(center + 2 * fs + 0.5), n)
            var t = (0..<n).map { i in i >= lo && i < hi ? cubic((Double(i) + 0.5 - center) / fs) : 0 }
            let s = t.reduce(0, +)
            t = t.map { $0 / s }
            return t
        }
        var out = [Double](repeating: 0, count: ow * oh)
        for y in 0..<oh {
            let ty = taps(y, h, oh)
            for x in 0..<ow {
                let tx = taps(x, w, ow)
                var s = 0.0
                for j in 0..<h where ty[j] != 0 { for i in 0..<w where tx[i] != 0 { s += ty[j] * tx[i] * src[j * w + i] } }
                out[y * ow + x] = s
            }
        }
        return out
    }

    @Test("bicubic resize: Float64 path equals the definition; 8-bit (Pillow) path within 1.5 levels of it (two roundings)", arguments: [
        (17, 11, 9, 7), (9, 7, 20, 15), (12, 12, 12, 5), (31, 8, 10, 8), (5, 9, 11, 4),
    ])
    func resizeMatchesDefinition(_ sizes: (Int, Int, Int, Int)) {
        let (w, h, ow, oh) = sizes
        // Values in 64...191, so no overshoot is clamped between the passes (which the definition does not do).
        let src = (0..<(w * h)).map { UInt8(64 + ($0 * 37 + ($0 / w) * 11) % 128) }
        let exact = definition(src.map(Double.init), w: w, h: h, ow: ow, oh: oh)
        let ours = BicubicResize.resample(src.map(Double.init), width: w, height: h, channels: 1, outWidth: ow, outHeight: oh)
        for (a, b) in zip(ours, exact) { #expect(abs(a - b) <= 1e-10 * 255) }
        let eight = BicubicResize.resample8(src, width: w, height: h, channels: 1, outWidth: ow, outHeight: oh)
        for (a, b) in zip(eight, exact) { #expect(abs(Double(a) - b) <= 1.5) }
    }

    @Test("resize is the identity at the same size and keeps a constant image; sizes and crop offsets as torchvision")
    func resizeProperties() throws {
        let src = (0..<(6 * 4 * 3)).map { UInt8($0 * 3) }
        #expect(BicubicResize.resample8(src, width: 6, height: 4, channels: 3, outWidth: 6, outHeight: 4) == src)
        let flat = [UInt8](repeating: 77, count: 13 * 9 * 3)
        #expect(BicubicResize.resample8(flat, width: 13, height: 9, channels: 3, outWidth: 5, outHeight: 20).allSatisfy { $0 == 77 })
        #expect(Preprocessing.resizedSize(width: 500, height: 375, shorter: 256) == (341, 256))
        #expect(Preprocessing.resizedSize(width: 375, height: 500, shorter: 248) == (248, 330))
        #expect(Preprocessing.cropOffset(length: 341, crop: 224) == 58)   // round(58.5) = 58, half to even
        #expect(Preprocessing.cropOffset(length: 343, crop: 224) == 60)   // round(59.5) = 60
        #expect(Preprocessing.forModel(family: "convnext", preset: nil, imgSize: nil) == Preprocessing(resize: 256, crop: 224))
        #expect(Preprocessing.forModel(family: "van", preset: "van_b0", imgSize: nil) == Preprocessing(resize: 248, crop: 224))
        #expect(Preprocessing.forModel(family: "moganet", preset: "moganet_tiny_sz256", imgSize: nil) == Preprocessing(resize: 284, crop: 256))
        #expect(Preprocessing.forModel(family: "gfnet", preset: nil, imgSize: 224) == Preprocessing(resize: 256, crop: 224))
        // Normalisation: a mid-grey pixel.
        let grey = RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 128, count: 8 * 8 * 3))
        let x: Tensor<Double> = try Preprocessing(resize: 8, crop: 4).apply(grey)
        #expect(x.shape == [1, 3, 4, 4])
        for c in 0..<3 { #expect(abs(x.scalars[c * 16] - (128.0 / 255 - Preprocessing.imagenetMean[c]) / Preprocessing.imagenetStd[c]) < 1e-15) }
    }
}
