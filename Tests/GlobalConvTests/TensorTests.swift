import Testing
import GlobalConv

@Suite("Tensor")
struct TensorTests {
    @Test("NCHW subscript addresses row-major storage")
    func nchwSubscript() {
        let t = Tensor<Float>(shape: [2, 3, 4, 5], scalars: (0..<120).map(Float.init))
        #expect(t[1, 2, 3, 4] == 119)
        #expect(t[0, 1, 0, 0] == 20)
        #expect(t[1, 0, 2, 1] == Float(60 + 10 + 1))
        #expect(t.batch == 2 && t.channels == 3 && t.height == 4 && t.width == 5)
    }

    @Test("random is reproducible from the seed and covers the range")
    func randomIsSeeded() {
        let a = Tensor<Double>.random(shape: [1000], in: -2...3, seed: 7)
        let b = Tensor<Double>.random(shape: [1000], in: -2...3, seed: 7)
        let c = Tensor<Double>.random(shape: [1000], in: -2...3, seed: 8)
        #expect(a == b)
        #expect(a != c)
        #expect(a.scalars.allSatisfy { (-2.0...3.0).contains($0) })
        #expect(a.scalars.min()! < -1.5 && a.scalars.max()! > 2.5)
    }

    @Test("precision conversion round-trips exactly representable values")
    func conversion() {
        let d = Tensor<Double>(shape: [3], scalars: [0.5, -1.25, 3])
        let f: Tensor<Float> = d.converted()
        #expect(f.scalars == [0.5, -1.25, 3])
        #expect(f.converted(to: Double.self) == d)
    }
}

@Suite("Tensor storage")
struct TensorStorageTests {
    @Test("element writes through scalars are in place: a million of them take no quadratic time")
    func inPlaceWrites() {
        // With a copying accessor this loop would copy 4 MB a million times (hours); in place it is instant.
        var t = Tensor<Float>(zeros: [1_000_000])
        for i in 0..<t.count { t.scalars[i] = Float(i) }
        #expect(t.scalars[999_999] == 999_999)
    }

    @Test("copies stay independent (value semantics)")
    func valueSemantics() {
        var a = Tensor<Double>(zeros: [3])
        let b = a
        a.scalars[1] = 5
        #expect(b.scalars == [0, 0, 0] && a.scalars == [0, 5, 0])
    }
}
