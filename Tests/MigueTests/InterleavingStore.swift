import EventSourcing
import Foundation

/// An `EventStore` that yields before and after every call, so concurrent commands interleave
/// between their reads and their appends as they would against a slower, shared store.
struct InterleavingStore: EventStore {
    let base: any EventStore

    private func interleaved<T>(_ body: () async throws -> T) async rethrows -> T {
        await Task.yield()
        let result = try await body()
        await Task.yield()
        return result
    }

    func append(_ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability)
        async throws -> AppendResult
    {
        try await interleaved { try await base.append(events, to: stream, expected: expected, durability: durability) }
    }

    func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws
        -> [RecordedEvent]
    {
        try await interleaved { try await base.read(stream: stream, from: version, direction: direction, limit: limit) }
    }

    func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try await interleaved { try await base.readAll(from: position, limit: limit) }
    }

    func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try await interleaved { try await base.readCategory(category, from: position, limit: limit) }
    }

    func head() async throws -> LogPosition { try await interleaved { try await base.head() } }

    func version(of stream: StreamName) async throws -> StreamVersion? {
        try await interleaved { try await base.version(of: stream) }
    }

    func position(of id: UUID) async throws -> LogPosition? { try await interleaved { try await base.position(of: id) } }
    func waitUntilReadable(_ position: LogPosition) async throws { try await base.waitUntilReadable(position) }
}
