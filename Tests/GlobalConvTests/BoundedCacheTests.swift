import Testing
@testable import GlobalConv

@Suite("Bounded cache")
struct BoundedCacheTests {
    final class Box: Sendable {
        let id: Int, bytes: Int
        init(_ id: Int, bytes: Int = 0) { (self.id, self.bytes) = (id, bytes) }
    }

    @Test("keeps at most `capacity` entries and drops the least recently used first")
    func leastRecentlyUsed() {
        let cache = BoundedCache<Int, Box>(capacity: 3)
        for k in 0..<3 { _ = cache.value(for: k) { Box(k) } }
        _ = cache[0]                          // 0 is now the most recent; 1 the least
        _ = cache.value(for: 3) { Box(3) }
        #expect(cache.count == 3)
        #expect(cache[1] == nil)
        #expect(cache[0]?.id == 0 && cache[2]?.id == 2 && cache[3]?.id == 3)
    }

    @Test("keeps the total cost under its bound but always the newest entry")
    func costBound() {
        let cache = BoundedCache<Int, Box>(capacity: 10, costCapacity: 100) { $0.bytes }
        _ = cache.value(for: 1) { Box(1, bytes: 60) }
        _ = cache.value(for: 2) { Box(2, bytes: 30) }
        #expect(cache.totalCost == 90)
        _ = cache.value(for: 3) { Box(3, bytes: 50) }  // 140 > 100: 1 (least recent) goes
        #expect(cache[1] == nil && cache.totalCost == 80)
        _ = cache.value(for: 4) { Box(4, bytes: 500) }  // over the bound alone: kept, everything else goes
        #expect(cache.count == 1 && cache[4]?.bytes == 500 && cache.totalCost == 500)
    }

    @Test("update merges with the current value atomically and keeps the cost in step")
    func update() {
        let cache = BoundedCache<String, Box>(capacity: 4, costCapacity: 1_000) { $0.bytes }
        cache.update("a") { old in Box((old?.id ?? 0) + 1, bytes: 10) }
        cache.update("a") { old in Box((old?.id ?? 0) + 1, bytes: 25) }
        #expect(cache["a"]?.id == 2 && cache.totalCost == 25 && cache.count == 1)
    }

    @Test("tasks racing for one missing key all get the same value")
    func racingMakers() async {
        let cache = BoundedCache<Int, Box>(capacity: 8)
        let ids = await withTaskGroup(of: ObjectIdentifier.self) { group in
            for i in 0..<32 { group.addTask { ObjectIdentifier(cache.value(for: 7) { Box(i) }) } }
            return await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
    }

    @Test("an error from the maker inserts nothing")
    func failingMaker() {
        struct Failure: Error {}
        let cache = BoundedCache<Int, Box>(capacity: 2)
        #expect(throws: Failure.self) { try cache.value(for: 1) { () throws(Failure) -> Box in throw Failure() } }
        #expect(cache.count == 0)
    }
}
