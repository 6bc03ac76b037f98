import EventSourcing
import Foundation
import Ingest
import Synchronization
import Testing

/// A run the store stops part-way says where, and what it had done; a run asked to stop ends
/// between two commands.
@Suite struct CommandRunTests {
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

    /// A stored event this build cannot read stops the run as `UnreadableEvent`, unwrapped, so
    /// that `parley import` can say running again meets it again.
    @Test func anUnreadableStoredEventStopsTheRunNamingIt() async throws {
        let file = CorpusFile(
            language: ChatterbotLanguage.named("en")!, name: "unreadable", position: 0, categories: [], conversations: [["Hi", "Hello"]])
        let commands = try ChatterbotImport().conversation(0, of: file).all
        let store = InMemoryEventStore()
        var handled = 0
        _ = try await CommandRun.run(commands, through: CommandRouter(store: store), until: { handled == 2 }) { handled = $0 }
        // The user's registration again, as a newer build would store a later event of the stream.
        let registered = try #require(await store.readAll(from: .start, limit: 1).first)
        var future = registered.event
        future.id = UUID()
        future.schemaVersion = 9
        guard case .appended(let stored) = try await store.append([future], to: registered.stream, expected: .any, durability: .durable) else {
            Issue.record("the future event was not appended")
            return
        }

        let stopped = try await #require(throws: CommandRun.Stopped.self) {
            try await CommandRun.run(commands, through: CommandRouter(store: store))
        }
        #expect(stopped.line == 3)
        let unreadable = try #require(stopped.underlying as? UnreadableEvent)
        #expect(unreadable.position == stored.first && unreadable.stream == registered.stream)
        #expect(unreadable.reason.hasPrefix("event \(registered.type) v9: unknown schema version"), "\(unreadable.reason)")
    }

    @Test func aRunAskedToStopEndsBeforeTheNextCommand() async throws {
        let file = CorpusFile(
            language: ChatterbotLanguage.named("en")!, name: "stops", position: 0, categories: [], conversations: [["Hi", "Hello", "Bye"]])
        let commands = try ChatterbotImport().conversation(0, of: file).all
        let store = InMemoryEventStore()
        var handled = 0
        let report = try await CommandRun.run(commands, through: CommandRouter(store: store), until: { handled == 2 }) { handled = $0 }
        #expect(report.stoppedEarly)
        #expect(report.tally.commands == 2)
        #expect(report.tally.eventsAppended == 3)
        #expect(await store.head() == 3, "nothing of the third command is stored")

        let rest = try await CommandRun.run(commands, through: CommandRouter(store: store))
        #expect(!rest.stoppedEarly)
        #expect(rest.tally.commands == commands.count)
        #expect(rest.tally.duplicate == 2)
    }
}
