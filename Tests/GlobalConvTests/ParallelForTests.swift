import Testing
@testable import GlobalConv

@Suite("Parallel for")
struct ParallelForTests {
    @Test("visits every index exactly once", arguments: [0, 1, 2, 7, 100], [1, 2, 3, 8])
    func everyIndexOnce(count: Int, threads: Int) {
        let visits = Locked([Int](repeating: 0, count: count))
        parallelFor(count, threads: threads) { i in visits.withLock { $0[i] += 1 } }
        #expect(visits.withLock { $0 } == [Int](repeating: 1, count: count))
    }

    @Test("hands out one contiguous range per worker, disjoint and covering the count",
          arguments: [1, 5, 64, 1000], [1, 2, 5])
    func chunksCover(count: Int, threads: Int) {
        let ranges = Locked([Range<Int>]())
        parallelChunks(count, threads: threads) { r in ranges.withLock { $0.append(r) } }
        let sorted = ranges.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.count == min(count, threads))
        #expect(sorted.allSatisfy { !$0.isEmpty })
        #expect(sorted.first?.lowerBound == 0 && sorted.last?.upperBound == count)
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
    }
}
