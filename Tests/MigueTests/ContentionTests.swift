import EventSourcing
import Foundation
import Synchronization
import Testing
@testable import Migue

/// A stream that changes under every attempt: the command gives up with `ContentionError` after
/// the service's attempts, keeps what it appended before the contended stream, and completes when
/// the same command is submitted again (Specs/migue.md, "Known limit").
@Suite struct ContentionTests {
    typealias F = Fixture
    typealias S = Scenario

    /// Answers every append to `contended` with a conflict, counting them; passes the rest on.
    final class ContendedStore: EventStore {
        let base: any EventStore
        let contended: StreamName
        let attempts = Mutex(0)

        init(base: any EventStore, contended: StreamName) {
            self.base = base
            self.contended = contended
        }

        func append(_ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability)
            async throws -> AppendResult
        {
            guard stream == contended else { return try await base.append(events, to: stream, expected: expected, durability: durability) }
            attempts.withLock { $0 += 1 }
            return .conflict(expected: expected, actual: try await base.version(of: stream))
        }

        func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws -> [RecordedEvent] {
            try await base.read(stream: stream, from: version, direction: direction, limit: limit)
        }

        func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] { try await base.readAll(from: position, limit: limit) }

        func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
            try await base.readCategory(category, from: position, limit: limit)
        }

        func head() async throws -> LogPosition { try await base.head() }
        func version(of stream: StreamName) async throws -> StreamVersion? { try await base.version(of: stream) }
        func position(of id: UUID) async throws -> LogPosition? { try await base.position(of: id) }
        func waitUntilReadable(_ position: LogPosition) async throws { try await base.waitUntilReadable(position) }
    }

    /// Submits `command` with `contended` always changing (3 attempts), then again on the plain
    /// store; returns what the first left in the log and what the second appended.
    func contend(_ command: CommandEnvelope, on contended: StreamName, in scenario: Scenario) async throws
        -> (leftBehind: [String], completed: CommandResult, appended: [String])
    {
        let store = ContendedStore(base: scenario.store, contended: contended)
        let service = MigueService(store: store, maxAttempts: 3)
        let head = try await scenario.store.head()
        await #expect(throws: ContentionError(stream: contended, attempts: 3)) { try await service.handle(command) }
        #expect(store.attempts.withLock { $0 } == 3)
        let leftBehind = try await scenario.store.readAll(from: head, limit: 100).map(\.type)
        let middle = try await scenario.store.head()
        let completed = try await scenario.service.handle(command)
        let appended = try await scenario.store.readAll(from: middle, limit: 100).map(\.type)
        return (leftBehind, completed, appended)
    }

    @Test func aContendedRegistrationLeavesNothing() async throws {
        let scenario = Scenario()
        let (left, completed, appended) = try await contend(S.register(), on: MigueStream.user(F.userID), in: scenario)
        #expect(left == [])
        #expect(completed.appendedAnything)
        #expect(appended == ["migue.user.registered"])
    }

    /// The claim on the user's active slot stays, held for this command, which takes it up again.
    @Test func aContendedActivationKeepsItsClaimAndCompletesOnResubmission() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register())
        let conversation = F.id("contended")
        let start = S.start(conversation)
        let (left, completed, appended) = try await contend(start, on: MigueStream.conversation(conversation), in: scenario)
        #expect(left == ["migue.user.active-conversation-claimed"])
        let batches = try #require(completed.batches, "the resubmission was rejected: \(completed)")
        // The claim is found already held for this command, so only the new batch is reported;
        // a third submission finds both.
        #expect(batches.map(\.eventTypes) == [["migue.conversation.started"]])
        #expect(batches.map(\.isDuplicate) == [false])
        #expect(appended == ["migue.conversation.started"])
        let again = try await scenario.service.handle(start)
        let found = try #require(again.batches, "the third submission was rejected: \(again)")
        #expect(found.map(\.eventTypes) == [["migue.user.active-conversation-claimed"], ["migue.conversation.started"]])
        #expect(found.map(\.isDuplicate) == [true, true])
        let user = try await scenario.state(User.self, MigueStream.user(F.userID))
        #expect(user.activeConversation?.conversationID == conversation)
        #expect(try await scenario.state(Conversation.self, MigueStream.conversation(conversation)).status == .active)
    }

    /// A deactivation whose release lost every race keeps its status change; submitted again, it
    /// finds that change and releases the user's slot, which nothing else would free.
    @Test func aContendedReleaseIsAppendedOnResubmission() async throws {
        let scenario = Scenario()
        let conversation = F.id("released")
        try await scenario.given(S.register(), S.start(conversation))
        let archive = S.move(conversation, to: "archived", name: "archive")
        let (left, completed, appended) = try await contend(archive, on: MigueStream.user(F.userID), in: scenario)
        #expect(left == ["migue.conversation.status-changed"])
        let batches = try #require(completed.batches, "the resubmission was rejected: \(completed)")
        #expect(batches.map(\.eventTypes) == [["migue.conversation.status-changed"], ["migue.user.active-conversation-released"]])
        #expect(batches.map(\.isDuplicate) == [true, false])
        #expect(appended == ["migue.user.active-conversation-released"])
        #expect(try await scenario.state(User.self, MigueStream.user(F.userID)).activeConversation == nil)
        let again = try await scenario.when(archive)
        let found = try #require(again.0.batches, "the third submission was rejected: \(again.0)")
        #expect(found.map(\.isDuplicate) == [true, true])
        #expect(again.1.isEmpty)
    }

    /// An earlier deactivation that wrote its release leaves a later one's lost release alone when
    /// submitted again; the later one, submitted again, releases the slot itself.
    @Test func aResubmittedDeactivationDoesNotReleaseForAnother() async throws {
        let scenario = Scenario()
        let conversation = F.id("twice")
        let first = S.move(conversation, to: "archived", name: "archive-1", at: 2)
        let second = S.move(conversation, to: "archived", name: "archive-2", at: 4)
        try await scenario.given(S.register(), S.start(conversation), first, S.move(conversation, to: "active", name: "again", at: 3))
        let user = MigueStream.user(F.userID)
        let contended = MigueService(store: ContendedStore(base: scenario.store, contended: user), maxAttempts: 3)
        await #expect(throws: ContentionError(stream: user, attempts: 3)) { try await contended.handle(second) }
        let again = try await scenario.when(first)
        let found = try #require(again.0.batches, "the first deactivation, again, was rejected: \(again.0)")
        #expect(found.map(\.isDuplicate) == [true, true])
        #expect(again.1.isEmpty)
        #expect(try await scenario.state(User.self, user).activeConversation != nil, "still held, for the second to release")
        let completed = try await scenario.when(second)
        #expect(completed.1.map(\.1) == ["migue.user.active-conversation-released"])
        #expect(try await scenario.state(User.self, user).activeConversation == nil)
    }

    /// The send token is claimed once, on the first attempt, and found again on resubmission.
    @Test func aContendedSendClaimsItsTokenOnce() async throws {
        let scenario = Scenario()
        let reminder = F.id("contended-reminder")
        try await scenario.given(S.register(), S.reminder(reminder))
        let (left, completed, appended) = try await contend(
            S.send(reminder, token: F.id("token"), name: "send"), on: MigueStream.reminder(reminder), in: scenario)
        #expect(left == ["migue.send-token.claimed"])
        let batches = try #require(completed.batches, "the resubmission was rejected: \(completed)")
        #expect(batches.map(\.eventTypes) == [["migue.reminder.status-changed"]])
        #expect(batches.map(\.isDuplicate) == [false])
        #expect(appended == ["migue.reminder.status-changed"])
    }

    /// The window event is stored once, before the contended message stream.
    @Test func aContendedMessageCountsItsWindowOnce() async throws {
        let scenario = Scenario()
        let conversation = F.id("contended-chat")
        try await scenario.given(S.register(), S.start(conversation))
        let message = S.message("wamid.contended", in: conversation, name: "message")
        guard case .recordMessage(let record) = try MigueCommand(message) else {
            Issue.record("not a message command")
            return
        }
        let (left, completed, appended) = try await contend(message, on: MigueStream.message(record.messageID), in: scenario)
        #expect(left.count == 1 && left[0].hasPrefix("migue.window."), "\(left)")
        #expect(completed.appendedAnything)
        #expect(appended == ["migue.message.recorded"])
    }
}

extension CommandResult {
    /// The batches of an accepted command; nil when it was rejected.
    fileprivate var batches: [WrittenBatch]? {
        guard case .accepted(let batches) = self else { return nil }
        return batches
    }
}
