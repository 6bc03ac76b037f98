import Foundation
import Testing

@testable import EventLog
@testable import EventSourcing

/// The file log and the in-memory store answer the same appends the same way: new batches,
/// retries, retries split or merged differently, reordered, in another stream, or mixed with new
/// events. Code tested against the in-memory store behaves the same in production.
@Suite struct StoreAgreementTests {
    @Test(arguments: [11, 12, 13] as [UInt64])
    func bothStoresGiveTheSameResultsAndTheSameLog(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let temp = TemporaryLog()
        defer { temp.remove() }
        let file = try temp.open()
        let memory = InMemoryEventStore()
        let streams = ["a", "b", "c"].map { StreamName.test("chat", $0) }
        var stored: [(ProposedEvent, StreamName)] = []
        for step in 0..<300 {
            var batch: [ProposedEvent]
            var stream = streams.randomElement(using: &random)!
            switch Int.random(in: 0..<4, using: &random) {
            case 0, 1:
                batch = Events.make(Int.random(in: 1...3, using: &random), seed: UInt64(step))
            case 2 where !stored.isEmpty:
                // Stored events at consecutive positions, or at consecutive versions of one stream
                // (from batches with others' events between), retried as one batch, in their
                // stream or another.
                let pool = Bool.random(using: &random) ? stored : stored.filter { $0.1 == stream }
                guard !pool.isEmpty else { continue }
                let start = Int.random(in: 0..<pool.count, using: &random)
                let slice = pool[start..<min(pool.count, start + Int.random(in: 1...3, using: &random))]
                batch = slice.map(\.0)
                if Bool.random(using: &random) { stream = slice.first!.1 }
                if Int.random(in: 0..<4, using: &random) == 0 { batch.reverse() }
            default:
                batch = Events.make(1, seed: UInt64(step)) + (stored.randomElement(using: &random).map { [$0.0] } ?? [])
                batch.shuffle(using: &random)
            }
            let fromFile = try await file.append(batch, to: stream, expected: .any, durability: .deferred)
            let fromMemory = try await memory.append(batch, to: stream, expected: .any, durability: .deferred)
            #expect(fromFile == fromMemory, "step \(step)")
            if case .appended = fromFile { stored += batch.map { ($0, stream) } }
        }
        let fileLog = try await file.readAll(from: .start, limit: .max)
        let memoryLog = await memory.readAll(from: .start, limit: .max)
        #expect(fileLog.map(\.id) == stored.map(\.0.id))
        #expect(fileLog.map { [$0.id.uuidString, $0.stream.description, "\($0.version.rawValue)", "\($0.position.rawValue)"] }
            == memoryLog.map { [$0.id.uuidString, $0.stream.description, "\($0.version.rawValue)", "\($0.position.rawValue)"] })
        try file.close()
    }

    /// Both stores' subscriptions catch up on what is stored, then wait for their next position
    /// and deliver live appends, for `$all` and for a category, from the start and from beyond
    /// the head: the same events in the same order.
    @Test func bothStoresSubscriptionsCatchUpThenFollow() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let file = try temp.open()
        let memory = InMemoryEventStore()
        let stored = [(Events.make(3), StreamName.test("reminder", "1")), (Events.make(2), .test("user", "1"))]
        let live = [(Events.make(1), StreamName.test("user", "2")), (Events.make(3), .test("reminder", "2"))]
        /// Waits until all four readers wait for their next position, so that what follows arrives live.
        func readersWait(_ store: some EventStore) async throws {
            while true {
                let waiting = switch store {
                case let log as FileEventLog: log.state.withLock { $0.watchers.count }
                case let memory as InMemoryEventStore: await memory.waitingCount
                default: 0
                }
                if waiting == 4 { return }
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        func follow(_ store: some EventStore) async throws -> [[String]] {
            for (batch, stream) in stored { _ = try await store.append(batch, to: stream, expected: .any, durability: .durable) }
            let readers = [(nil, 0, 9), ("reminder", 1, 5), ("reminder", 7, 2), ("user", 0, 3)].map { category, from, count in
                Task {
                    var seen: [String] = []
                    for try await event in store.subscribe(category: category, from: LogPosition(UInt64(from)), pageSize: 2) {
                        seen.append("\(event.position) \(event.stream) \(event.id)")
                        if seen.count == count { break }
                    }
                    return seen
                }
            }
            try await readersWait(store)
            for (batch, stream) in live { _ = try await store.append(batch, to: stream, expected: .any, durability: .durable) }
            var seen: [[String]] = []
            for reader in readers { seen.append(try await reader.value) }
            return seen
        }
        let fromFile = try await follow(file)
        let fromMemory = try await follow(memory)
        #expect(fromFile == fromMemory)
        #expect(fromFile.map(\.count) == [9, 5, 2, 3])
        #expect(fromFile[2].map { $0.prefix(2) } == ["7 ", "8 "])
        try file.close()
    }

    /// Both stores take an event at the limits and refuse one a byte over, storing nothing of its
    /// batch; the in-memory store does not accept what the file log would refuse.
    @Test func bothStoresRefuseAnEventOverTheLimits() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let file = try temp.open()
        let memory = InMemoryEventStore()
        let stream = StreamName.test("chat", "limits")
        func event(type: Int, payload: Int) -> ProposedEvent {
            var event = Events.make(1, seed: UInt64(type + payload))[0]
            event.type = String(repeating: "t", count: type)
            event.payload = [UInt8](repeating: 0x61, count: payload)
            return event
        }
        let nameBytes = stream.description.utf8.count
        // The payload that brings a one-byte-type event to exactly the largest size.
        let largest = EventLimits.maximumEventBytes - EventLimits.size(of: event(type: 1, payload: 0), streamNameBytes: nameBytes)!
        for (event, fits) in [
            (event(type: EventLimits.maximumNameBytes, payload: 10), true), (event(type: EventLimits.maximumNameBytes + 1, payload: 10), false),
            (event(type: 1, payload: largest), true), (event(type: 1, payload: largest + 1), false),
        ] {
            #expect((EventLimits.size(of: event, streamNameBytes: nameBytes) != nil) == fits)
            let batch = [Events.make(1, seed: 99 + UInt64(event.payload.count))[0], event]
            if fits {
                let fromFile = try await file.append(batch, to: stream, expected: .any)
                #expect(try await memory.append(batch, to: stream, expected: .any, durability: .durable) == fromFile)
                guard case .appended = fromFile else { Issue.record("\(fromFile)"); continue }
            } else {
                await #expect(throws: LogError.invalidBatch(reason: EventLimits.refusal(of: event.id))) {
                    try await file.append(batch, to: stream, expected: .any)
                }
                await #expect(throws: InMemoryEventStore.AppendError.overLimits(event.id)) {
                    try await memory.append(batch, to: stream, expected: .any, durability: .durable)
                }
            }
        }
        #expect(try await file.head() == LogPosition(4))
        #expect(await memory.head() == LogPosition(4))
        try file.close()
    }
}
