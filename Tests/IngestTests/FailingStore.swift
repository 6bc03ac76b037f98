import EventSourcing
import Foundation
import Synchronization

/// An in-memory store whose appends fail from the `failingFrom`-th on (counting from 1), or from
/// when `failFromNow()` is called (as a log refuses appends after a failed sync).
final class FailingStore: EventStore {
    let base = InMemoryEventStore()
    private let failingFrom: Mutex<Int>
    private let appends = Mutex(0)

    struct Broken: Error, CustomStringConvertible {
        var description: String { "the disk is full" }
    }

    init(failingFrom: Int) { self.failingFrom = Mutex(failingFrom) }

    func failFromNow() { failingFrom.withLock { $0 = 0 } }

    func append(_ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability)
        async throws -> AppendResult
    {
        let count = appends.withLock { count in
            count += 1
            return count
        }
        if count >= failingFrom.withLock({ $0 }) { throw Broken() }
        return try await base.append(events, to: stream, expected: expected, durability: durability)
    }

    func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
        await base.read(stream: stream, from: version, direction: direction, limit: limit)
    }

    func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        await base.readAll(from: position, limit: limit)
    }

    func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        await base.readCategory(category, from: position, limit: limit)
    }

    func head() async throws -> LogPosition { await base.head() }
    func version(of stream: StreamName) async throws -> StreamVersion? { await base.version(of: stream) }
    func position(of id: UUID) async throws -> LogPosition? { await base.position(of: id) }
    func waitUntilReadable(_ position: LogPosition) async throws { try await base.waitUntilReadable(position) }
}
