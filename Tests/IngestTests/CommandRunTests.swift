import EventSourcing
import Foundation
import Ingest
import Synchronization
import Testing

/// A run the store stops part-way says where, and what it had done.
@Suite struct CommandRunTests {
    /// An in-memory store whose appends fail from the `failingFrom`-th on (counting from 1).
    final class FailingStore: EventStore {
        let base = InMemoryEventStore()
        let failingFrom: Int
        private let appends = Mutex(0)

        struct Broken: Error, CustomStringConvertible {
            var description: String { "the disk is full" }
        }

        init(failingFrom: Int) { self.failingFrom = failingFrom }

        func append(_ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability)
            async throws -> AppendResult
        {
            let count = appends.withLock { count in
                count += 1
                return count
            }
            if count >= failingFrom { throw Broken() }
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
    }

    @Test func aStoreFailureStopsTheRunNamingTheCommandAndCountingWhatWasDone() async throws {
        let file = CorpusFile(
            language: ChatterbotLanguage.named("en")!, name: "stops", position: 0, categories: [], conversations: [["Hi", "Hello", "Bye"]])
        let commands = try ChatterbotImport().conversation(0, of: file).all
        // user.register (one append), conversation.start (the claim, the conversation), then the
        // first message (the window, the message): the fifth append is the third command's second.
        let store = FailingStore(failingFrom: 5)
        let stopped = try await #require(throws: CommandRun.Stopped.self) {
            try await CommandRun.run(commands, through: CommandRouter(store: store))
        }
        #expect(stopped.line == 3)
        #expect(stopped.report.tally.commands == 2)
        #expect(stopped.report.tally.eventsAppended == 3)
        #expect(await store.base.head() == 4, "the stopped command's window event is stored")
        #expect(stopped.description == "command 3: the disk is full")
    }
}
