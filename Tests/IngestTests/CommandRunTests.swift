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
