import Foundation
import Testing
@testable import GlobalConv

@Suite("Parallel runtime")
struct ParallelForTests {
    /// `n` square roots summed (kept by a check on the sum): work that takes a chunk a while, so that
    /// participants overlap.
    static func busyWork(_ n: Int) {
        var x = 0.0
        for k in 0..<n { x += Double(k).squareRoot() }
        precondition(x >= 0)
    }

    @Test("visits every index exactly once", arguments: [0, 1, 2, 7, 100, 10_000], [1, 2, 3, 8])
    func everyIndexOnce(count: Int, threads: Int) {
        let visits = Locked([Int](repeating: 0, count: count))
        parallelFor(count, threads: threads) { i in visits.withLock { $0[i] += 1 } }
        #expect(visits.withLock { $0 } == [Int](repeating: 1, count: count))
    }

    @Test("hands out disjoint non-empty chunks of at least the grain that cover the count",
          arguments: [1, 5, 64, 1000].flatMap { c in [1, 2, 5].flatMap { t in [1, 3, 100].map { (c, t, $0) } } })
    func chunksCover(count: Int, threads: Int, grain: Int) {
        let ranges = Locked([Range<Int>]())
        parallelChunks(count, threads: threads, grain: grain) { r in ranges.withLock { $0.append(r) } }
        let sorted = ranges.withLock { $0 }.sorted { $0.lowerBound < $1.lowerBound }
        #expect(sorted.allSatisfy { !$0.isEmpty })
        let smallest = sorted.dropLast().map(\.count).min() ?? grain
        #expect(smallest >= grain)
        #expect(sorted.first?.lowerBound == 0)
        #expect(sorted.last?.upperBound == count)
        let contiguous = zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }
        #expect(contiguous)
    }

    @Test("gives each participant a distinct index below the thread count", arguments: [1, 2, 4, 64])
    func participantsDistinct(threads: Int) {
        let seen = Locked([Int: Int]())
        parallelRegion(4096, threads: threads) { claims, participant in
            var items = 0
            while let r = claims.next() { items += r.count }
            seen.withLock { $0[participant, default: 0] += 1 }
            _ = items
        }
        let counts = seen.withLock { $0 }
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(counts.keys.allSatisfy { $0 >= 0 && $0 < min(threads, ParallelRuntime.maximumParticipants) })
        #expect(counts[0] == 1, "the calling thread takes part")
    }

    @Test("runs a region inside a region inline, and both complete")
    func nestedRegions() {
        let sums = Locked([Int](repeating: 0, count: 16))
        parallelFor(16, threads: 4) { i in
            let before = ParallelRuntime.statistics.inlineRegions
            parallelFor(100, threads: 4) { j in sums.withLock { $0[i] += j } }
            #expect(ParallelRuntime.statistics.inlineRegions > before)
        }
        #expect(sums.withLock { $0 } == [Int](repeating: 4950, count: 16))
    }

    @Test("completes regions started from many tasks at once")
    func concurrentRegions() async {
        let total = Locked(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    for _ in 0..<20 { parallelFor(257, threads: 2) { i in total.withLock { $0 += i } } }
                }
            }
        }
        let expected: Int = 32 * 20 * (256 * 257 / 2)
        #expect(total.withLock { $0 } == expected)
    }

    @Test("uses the pool's workers when more than one CPU is available")
    func workersJoin() {
        guard ParallelRuntime.maximumParticipants > 1 else { return }
        // Other suites run regions at the same time (a region that finds the pool busy runs inline), so
        // count the bodies run by participants other than the caller in our own regions, bounded.
        let joined = Locked(0)
        for _ in 0..<2_000 where joined.withLock({ $0 }) == 0 {
            parallelRegion(64, threads: 2) { claims, participant in
                while let r = claims.next() { Self.busyWork(r.count * 2_000) }
                if participant != 0 { joined.withLock { $0 += 1 } }
            }
        }
        #expect(joined.withLock { $0 } > 0)
    }

    @Test("each participant starts at the front of its own block, unless the other had already taken all of it")
    func participantsStartInTheirBlocks() {
        // 4096 items on 2 participants: chunks of 4096 / 16 = 256, the caller's block chunks 0–7 (items
        // 0..<2048), the worker's 8–15. A block's chunks are stolen from its back, so a participant's first
        // range is its block's first item — unless the other participant had already run all of its block
        // (a worker that joins late; a caller slowed down, as under a sanitizer; a region run inline).
        let ranges = Locked([Int: [Range<Int>]]())
        parallelRegion(4096, threads: 2) { claims, participant in
            var mine: [Range<Int>] = []
            while let r = claims.next() {
                mine.append(r)
                Self.busyWork(r.count * 50)
            }
            ranges.withLock { $0[participant] = mine }
        }
        let seen = ranges.withLock { $0 }
        #expect(seen.values.flatMap { $0 }.map(\.count).reduce(0, +) == 4096)
        for (participant, block) in [(0, 0..<2048), (1, 2048..<4096)] {
            guard let first = seen[participant]?.first?.lowerBound, first != block.lowerBound else { continue }
            let byOther = Set((seen[1 - participant] ?? []).flatMap { Array($0) })
            #expect(block.allSatisfy(byOther.contains), "participant \(participant) began at \(first) while its block was not all taken")
        }
    }

    @Test("the others take over the block of a participant that stalls")
    func stalledBlockIsTakenOver() {
        // 64 items in chunks of 4 on 2 participants: the worker's block is items 32–63. The worker stalls
        // after its first chunk; the caller must run the rest of that block (or all of it, when no worker
        // joined or the pool was busy and the region ran inline) — it cannot wait for the stalled worker.
        // Each chunk takes a while (about a millisecond), so that a worker joins before the caller is done.
        let visits = Locked([Int](repeating: 0, count: 64))
        let byCaller = Locked([Int]())
        parallelRegion(64, threads: 2) { claims, participant in
            var stalled = false
            while let r = claims.next() {
                Self.busyWork(r.count * 100_000)
                visits.withLock { for i in r { $0[i] += 1 } }
                if participant == 0 { byCaller.withLock { $0.append(contentsOf: r) } }
                if participant != 0 && !stalled {
                    stalled = true
                    usleep(100_000)
                }
            }
        }
        #expect(visits.withLock { $0 } == [Int](repeating: 1, count: 64))
        #expect(byCaller.withLock { $0 }.contains { $0 >= 32 }, "the caller ran none of the stalled worker's block")
    }
}
