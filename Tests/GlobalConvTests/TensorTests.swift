import Testing
import GlobalConv

@Suite("Tensor")
struct TensorTests {
    @Test("channel slices and channel replacement write every element, also into recycled storage and on two threads; empty parts allowed")
    func channelSlicesAndReplacement() {
        // [2, 5, 128, 128]: the slices are ≥ 2^15 elements, so they come from the pool, which is first filled
        // with NaN arrays of exactly their sizes; each image's run is over 16 384 elements, so two threads split it.
        let (n, c, h, w) = (2, 5, 128, 128)
        let x = Tensor<Float>(shape: [n, c, h, w], scalars: (0..<(n * c * h * w)).map { Float($0 % 9973) })
        for threads in [1, 2] {
            for count in [n * 2 * h * w, n * 3 * h * w] {
                TensorStoragePool.recycle(Tensor<Float>(shape: [count], scalars: [Float](repeating: .nan, count: count)))
            }
            let (a, b) = (x.channels(0..<2, threads: threads), x.channels(2..<5, threads: threads))
            #expect(a.shape == [n, 2, h, w] && b.shape == [n, 3, h, w])
            for img in 0..<n {
                for ch in 0..<5 {
                    for (i, j) in [(0, 0), (17, 33), (127, 127)] {
                        #expect((ch < 2 ? a[img, ch, i, j] : b[img, ch - 2, i, j]) == x[img, ch, i, j])
                    }
                }
            }
            #expect(!a.scalars.contains { $0.isNaN } && !b.scalars.contains { $0.isNaN })
            let empty = x.channels(3..<3, threads: threads)
            #expect(empty.shape == [n, 0, h, w] && empty.scalars.isEmpty)
            // Channels 1..<4 replaced by 10 000 + their value: the channels outside keep theirs, in both images.
            var y = x
            let shifted = x.channels(1..<4)
            let middle = Tensor(shape: shifted.shape, scalars: shifted.scalars.map { $0 + 10_000 })
            y.replaceChannels(startingAt: 1, with: middle, threads: threads)
            y.replaceChannels(startingAt: 2, with: empty, threads: threads)
            for img in 0..<n {
                for ch in 0..<5 {
                    for (i, j) in [(0, 0), (64, 5), (127, 127)] {
                        #expect(y[img, ch, i, j] == x[img, ch, i, j] + ((1..<4).contains(ch) ? 10_000 : 0))
                    }
                }
            }
            #expect(y.channels(0..<1) == x.channels(0..<1) && y.channels(4..<5) == x.channels(4..<5))
            #expect(y.channels(1..<4) == middle)
            // Channels 1..<3 of `middle` (x's 2..<4 + 10 000) at channel 0: only channels 0 and 1 change.
            var z = x
            z.replaceChannels(startingAt: 0, with: middle, channels: 1..<3, threads: threads)
            #expect(z.channels(0..<2) == middle.channels(1..<3) && z.channels(2..<5) == x.channels(2..<5))
        }
    }

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
