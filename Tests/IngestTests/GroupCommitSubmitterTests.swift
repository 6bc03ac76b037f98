import EventSourcing
import Foundation
import Ingest
import Synchronization
import Testing

@Suite struct GroupCommitSubmitterTests {
    /// Seven conversations' commands: users, conversations, messages.
    let commands: [CommandEnvelope] = {
        let file = CorpusFile(
            language: ChatterbotLanguage.named("en")!, name: "groups", position: 3, categories: [],
            conversations: (0..<7).map { ["Hello \($0)", "Hi"] })
        let generator = try! ChatterbotImport()
        return file.conversationIndices.flatMap { index in
            let conversation = try! generator.conversation(index, of: file)
            return conversation.setup + conversation.messages
        }
    }()

    final class SyncCounter: Sendable {
        let syncs = Mutex(0)
        let failing = Mutex(false)
        /// How long a sync takes, in microseconds, before it counts as done.
        let duration: UInt32

        init(duration: UInt32 = 0) { self.duration = duration }

        struct Failure: Error {}

        func sync() throws {
            if failing.withLock({ $0 }) { throw Failure() }
            if duration > 0 { usleep(duration) }
            syncs.withLock { $0 += 1 }
        }
    }

    /// An in-memory store that keeps the durability each append asked for.
    final class DurabilityRecorder: EventStore {
        let store = InMemoryEventStore()
        let asked = Mutex<[Durability]>([])

        func append(_ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability) async throws -> AppendResult {
            asked.withLock { $0.append(durability) }
            return try await store.append(events, to: stream, expected: expected, durability: durability)
        }
        func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
            await store.read(stream: stream, from: version, direction: direction, limit: limit)
        }
        func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] { await store.readAll(from: position, limit: limit) }
        func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
            await store.readCategory(category, from: position, limit: limit)
        }
        func head() async throws -> LogPosition { await store.head() }
        func version(of stream: StreamName) async throws -> StreamVersion? { await store.version(of: stream) }
        func position(of id: UUID) async throws -> LogPosition? { await store.position(of: id) }
        func waitUntilReadable(_ position: LogPosition) async throws { try await store.waitUntilReadable(position) }
    }

    @Test func outcomesComeOutOnlyAfterTheSyncThatCoversThem() async throws {
        // A slow sync: a group released before its sync finished would see fewer syncs than groups.
        let counter = SyncCounter(duration: 20_000)
        let store = DurabilityRecorder()
        var submitter = GroupCommitSubmitter(store: store, groupSize: 5) { try counter.sync() }
        var released: [[Int]] = []
        for (offset, command) in commands.enumerated() {
            let outcomes = try await submitter.submit(command, line: offset + 1)
            if !outcomes.isEmpty {
                released.append(outcomes.map(\.line))
                // A group comes out once its own sync is done: one sync per group released so far.
                #expect(counter.syncs.withLock { $0 } >= released.count)
            }
            #expect(released.joined().count + submitter.unconfirmed.count == offset + 1)
        }
        #expect(commands.count % 5 != 0, "the last group should be a partial one")
        let rest = try await submitter.confirm().map(\.line)
        // The group synced in the background and the partial one come out together, synced.
        #expect(rest.count == 5 + commands.count % 5)
        let lines = Array(1...commands.count)
        #expect(Array(released.joined()) + rest == lines)
        #expect(released.allSatisfy { $0.count == 5 })
        #expect(submitter.unconfirmed.isEmpty)
        #expect(try await submitter.confirm() == [])
        let asked = store.asked.withLock { $0 }
        #expect(asked.count >= commands.count && asked.allSatisfy { $0 == .deferred }, "\(asked)")
    }

    @Test func aFailedSyncKeepsTheGroupUnconfirmed() async throws {
        let counter = SyncCounter()
        counter.failing.withLock { $0 = true }
        var submitter = GroupCommitSubmitter(store: InMemoryEventStore(), groupSize: 100) { try counter.sync() }
        for (offset, command) in commands.prefix(3).enumerated() {
            #expect(try await submitter.submit(command, line: offset + 1) == [])
        }
        let failed = await #expect(throws: GroupCommitSubmitter.SyncFailed.self) { try await submitter.confirm() }
        #expect(failed?.underlying is SyncCounter.Failure)
        #expect(submitter.unconfirmed.map(\.line) == [1, 2, 3])
        counter.failing.withLock { $0 = false }
        #expect(try await submitter.confirm().map(\.status) == [.appended, .appended, .appended])
    }

    @Test func aFailedBackgroundSyncComesOutOfTheNextGroupAndKeepsBothUnconfirmed() async throws {
        let counter = SyncCounter()
        counter.failing.withLock { $0 = true }
        var submitter = GroupCommitSubmitter(store: InMemoryEventStore(), groupSize: 3) { try counter.sync() }
        for (offset, command) in commands.prefix(5).enumerated() {
            #expect(try await submitter.submit(command, line: offset + 1) == [])
        }
        // Line 6 closes the second group, which waits for the first group's sync: it failed.
        let failed = await #expect(throws: GroupCommitSubmitter.SyncFailed.self) { try await submitter.submit(commands[5], line: 6) }
        #expect(failed?.underlying is SyncCounter.Failure)
        #expect(failed?.commandHandled == true)
        #expect(submitter.unconfirmed.map(\.line) == [1, 2, 3, 4, 5, 6])
    }

    /// The append refused after a failed background sync is the sync's failure, not the command's.
    @Test func anAppendRefusedAfterAFailedSyncReportsTheSync() async throws {
        let store = FailingStore(failingFrom: .max)
        let synced = Mutex(false)
        var submitter = GroupCommitSubmitter(store: store, groupSize: 3, sync: {
            defer { synced.withLock { $0 = true } }
            store.failFromNow()
            throw SyncCounter.Failure()
        })
        for (offset, command) in commands.prefix(3).enumerated() {
            #expect(try await submitter.submit(command, line: offset + 1) == [])
        }
        while !synced.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }

        let failed = await #expect(throws: GroupCommitSubmitter.SyncFailed.self) { try await submitter.submit(commands[3], line: 4) }

        #expect(failed?.underlying is SyncCounter.Failure)
        #expect(failed?.commandHandled == false, "line 4's append was refused: it is not among the unconfirmed")
        #expect(submitter.unconfirmed.map(\.line) == [1, 2, 3])
    }

    @Test func confirmWaitsForTheBackgroundSyncEvenWhenItsOwnFails() async throws {
        final class Calls: Sendable {
            let count = Mutex(0)
            let backgroundDone = Mutex(false)
        }
        let calls = Calls()
        var submitter = GroupCommitSubmitter(store: InMemoryEventStore(), groupSize: 2, sync: {
            let call = calls.count.withLock { count in
                count += 1
                return count
            }
            guard call == 1 else { throw SyncCounter.Failure() }
            usleep(100_000)
            calls.backgroundDone.withLock { $0 = true }
        })
        for (offset, command) in commands.prefix(3).enumerated() {
            #expect(try await submitter.submit(command, line: offset + 1) == [])
        }
        let failed = await #expect(throws: GroupCommitSubmitter.SyncFailed.self) { try await submitter.confirm() }
        #expect(failed?.underlying is SyncCounter.Failure)
        #expect(calls.backgroundDone.withLock { $0 })
        #expect(submitter.unconfirmed.map(\.line) == [1, 2, 3])
    }

    @Test func aGroupOfOneNeverCallsSyncAndAppendsDurably() async throws {
        let counter = SyncCounter()
        let store = DurabilityRecorder()
        var submitter = GroupCommitSubmitter(store: store, groupSize: 1) { try counter.sync() }
        let outcomes = try await submitter.submit(commands[0], line: 1)
        #expect(outcomes.map(\.status) == [.appended])
        #expect(counter.syncs.withLock { $0 } == 0)
        let asked = store.asked.withLock { $0 }
        #expect(!asked.isEmpty && asked.allSatisfy { $0 == .durable }, "\(asked)")
    }
}
