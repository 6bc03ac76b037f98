import EventSourcing
import Testing

@Suite struct StateCacheTests {
    let stream = StreamName(category: "counter", id: "a")!

    @Test func aStoredStateComesBackWithItsVersion() {
        let cache = StateCache()
        cache.store(41, version: StreamVersion(3), for: stream)
        let cached = cache.state(of: stream, as: Int.self)
        #expect(cached?.state == 41)
        #expect(cached?.version == StreamVersion(3))
    }

    @Test func anOlderVersionNeverReplacesANewerOne() {
        let cache = StateCache()
        cache.store(5, version: StreamVersion(5), for: stream)
        cache.store(4, version: StreamVersion(4), for: stream)
        #expect(cache.state(of: stream, as: Int.self)?.state == 5)
        cache.store(6, version: StreamVersion(6), for: stream)
        #expect(cache.state(of: stream, as: Int.self)?.state == 6)
    }

    @Test func anotherTypeIsAMiss() {
        let cache = StateCache()
        cache.store("text", version: StreamVersion(0), for: stream)
        #expect(cache.state(of: stream, as: Int.self) == nil)
        #expect(cache.state(of: StreamName(category: "counter", id: "b")!, as: String.self) == nil)
    }

    @Test func itHoldsAtMostTwoGenerationsAndKeepsWhatIsUsed() {
        let cache = StateCache(capacity: 4)
        let streams = (0..<20).map { StreamName(category: "counter", id: "\($0)")! }
        for (index, stream) in streams.enumerated() {
            cache.store(index, version: StreamVersion(0), for: stream)
            // The first stream is used all along, so it survives every ageing.
            #expect(cache.state(of: streams[0], as: Int.self)?.state == 0)
        }
        #expect(cache.count <= 8)
        #expect(cache.state(of: streams[1], as: Int.self) == nil)
        #expect(cache.state(of: streams[19], as: Int.self)?.state == 19)
    }
}
