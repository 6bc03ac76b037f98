import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct MigueServiceTests {
    typealias F = Fixture
    typealias S = Scenario
    static let c1 = F.id("c1")
    static let c2 = F.id("c2")
    static let r1 = F.id("r1")

    @Test func aStoryFromRegistrationToASentReminder() async throws {
        let scenario = Scenario()
        let (registered, registerEvents) = try await scenario.when(S.register())
        #expect(registered == .accepted([WrittenBatch(
            stream: MigueStream.user(F.userID), batch: AppendedBatch(first: 0, last: 0, firstVersion: 0, lastVersion: 0),
            eventTypes: ["migue.user.registered"], isDuplicate: false)]))
        #expect(registerEvents.map(\.1) == ["migue.user.registered"])
        let (_, started) = try await scenario.when(S.start(Self.c1))
        #expect(started.map { "\($0.0) \($0.1)" } == [
            "migue.user migue.user.active-conversation-claimed", "migue.conversation migue.conversation.started",
        ])
        let (_, message) = try await scenario.when(S.message("wamid.1", in: Self.c1, name: "m1"))
        #expect(message.map(\.1) == ["migue.window.opened", "migue.message.recorded"])
        let (_, reminder) = try await scenario.when(S.reminder(Self.r1))
        #expect(reminder.map(\.1) == ["migue.reminder.created"])
        let (_, sent) = try await scenario.when(S.send(Self.r1, token: F.id("token"), name: "send"))
        #expect(sent.map { "\($0.0) \($0.1)" } == [
            "migue.sendtoken migue.send-token.claimed", "migue.reminder migue.reminder.status-changed",
        ])
        #expect(try await scenario.store.head() == 8)
    }

    @Test func theSameCommandTwiceAppendsNothingAndReportsTheOriginalPlaces() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register())
        let (first, _) = try await scenario.when(S.start(Self.c1))
        let (second, appended) = try await scenario.when(S.start(Self.c1))
        guard case .accepted(let original) = first else {
            Issue.record("the first start was rejected")
            return
        }
        #expect(appended.isEmpty)
        #expect(second == .accepted(original.map { batch in
            var duplicate = batch
            duplicate.isDuplicate = true
            return duplicate
        }))
        #expect(original.count == 2)
    }

    /// A command id says "this command": the same id with other data is another command, refused,
    /// not taken for a redelivery and dropped; the same data at another time or from another actor
    /// is the same command.
    @Test func theSameIdWithOtherDataIsRefusedNotDropped() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register())
        let (other, appended) = try await scenario.when(S.register("+573001112233"))
        #expect(other == .rejected(CommandRejection(
            field: "id", "command \(S.register().id.lowercasedText) was already submitted with other data")))
        #expect(appended.isEmpty)
        var again = S.register()
        again.at = F.time(30)
        again.actor = "webhook-retry"
        let (redelivered, none) = try await scenario.when(again)
        guard case .accepted(let batches) = redelivered else { Issue.record("\(redelivered)"); return }
        #expect(batches.map(\.isDuplicate) == [true])
        #expect(none.isEmpty)
        // Only the first event of each batch keeps the digest.
        let stored = try await scenario.store.readAll(from: .start, limit: 10)
        #expect(stored.map { CommandEnvelope.digest(inMetadata: $0.metadata.custom) } == [S.register().digest])
    }

    @Test func aRedeliveredWhatsAppMessageAppendsNothing() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.start(Self.c1), S.message("wamid.1", in: Self.c1, name: "m1"))
        let (result, appended) = try await scenario.when(S.message("wamid.1", in: Self.c1, name: "m1-again", content: "hola?"))
        #expect(result == .accepted([]))
        #expect(appended.isEmpty)
    }

    @Test func referencesMustExistBeforeAnythingIsStored() async throws {
        let scenario = Scenario()
        let (start, startEvents) = try await scenario.when(S.start(Self.c1))
        #expect(start == .rejected(CommandRejection(User.Rejection.notRegistered(F.userID))))
        let (message, _) = try await scenario.when(S.message("wamid.1", in: Self.c1, name: "m1"))
        #expect(message == .rejected(CommandRejection(Conversation.Rejection.notStarted(Self.c1))))
        let (reminder, reminderEvents) = try await scenario.when(S.reminder(Self.r1))
        #expect(reminder == .rejected(CommandRejection(User.Rejection.notRegistered(F.userID))))
        #expect(startEvents.isEmpty && reminderEvents.isEmpty)
        #expect(try await scenario.store.head() == 0)
    }

    @Test func aSecondActiveConversationWaitsForTheFirstToEnd() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.start(Self.c1))
        let (refused, nothing) = try await scenario.when(S.start(Self.c2))
        #expect(refused == .rejected(CommandRejection(User.Rejection.anotherConversationActive(user: F.userID, conversation: Self.c1))))
        #expect(nothing.isEmpty)
        let (_, archived) = try await scenario.when(S.move(Self.c1, to: "archived", name: "archive c1"))
        #expect(archived.map(\.1) == ["migue.conversation.status-changed", "migue.user.active-conversation-released"])
        let (accepted, started) = try await scenario.when(S.start(Self.c2, name: "start c2 again"))
        #expect(accepted.appendedAnything)
        #expect(started.map(\.1) == ["migue.user.active-conversation-claimed", "migue.conversation.started"])
        let (refusedAgain, reactivate) = try await scenario.when(S.move(Self.c1, to: "active", name: "reactivate c1"))
        #expect(refusedAgain == .rejected(CommandRejection(User.Rejection.anotherConversationActive(user: F.userID, conversation: Self.c2))))
        #expect(reactivate.isEmpty)
        #expect(try await scenario.state(User.self, MigueStream.user(F.userID)).activeConversation?.conversationID == Self.c2)
    }

    @Test func aClaimLeftByAnEndedActivationIsTakenOver() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.start(Self.c1))
        // A crash between archiving c1 and releasing its claim: only the conversation's event is stored.
        let archive = S.move(Self.c1, to: "archived", name: "archive c1")
        let payload = Conversation.Event.statusChanged(Conversation.StatusChanged(
            conversationID: Self.c1, userID: F.userID, from: .active, to: .archived, changedAt: F.time(2)))
        _ = try await scenario.store.append(
            [ProposedEvent(id: archive.eventID(batch: "conversation", index: 0), type: payload.type, recordedAt: F.time(2),
                           metadata: archive.eventMetadata, payload: payload.payload)],
            to: MigueStream.conversation(Self.c1), expected: .exact(0), durability: .durable)
        let (result, appended) = try await scenario.when(S.start(Self.c2))
        #expect(result.appendedAnything)
        #expect(appended.map(\.1) == ["migue.user.active-conversation-claimed", "migue.conversation.started"])
        let user = try await scenario.state(User.self, MigueStream.user(F.userID))
        #expect(user.activeConversation?.conversationID == Self.c2)
    }

    @Test func aClaimWhoseCommandIsThenRejectedIsGivenBack() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.start(Self.c1, status: "closed"))
        // An earlier attempt of this very command claimed the slot, then c1 turned out to be closed.
        let reactivate = S.move(Self.c1, to: "active", name: "reactivate c1")
        let claim = User.Event.activeConversationClaimed(User.ClaimChanged(
            userID: F.userID, claim: User.ActiveClaim(conversationID: Self.c1, activationID: Migue.activationID(command: reactivate.id)),
            at: F.time(2)))
        _ = try await scenario.store.append(
            [ProposedEvent(id: reactivate.eventID(batch: "claim", index: 0), type: claim.type, recordedAt: F.time(2),
                           metadata: reactivate.eventMetadata, payload: claim.payload)],
            to: MigueStream.user(F.userID), expected: .exact(0), durability: .durable)
        let (result, appended) = try await scenario.when(reactivate)
        #expect(result == .rejected(CommandRejection(Conversation.Rejection.invalidTransition(Self.c1, from: .closed, to: .active))))
        #expect(appended.map(\.1) == ["migue.user.active-conversation-released"])
        #expect(try await scenario.state(User.self, MigueStream.user(F.userID)).activeConversation == nil)
    }

    @Test func aSendTokenSendsOneReminder() async throws {
        let scenario = Scenario()
        let token = F.id("token")
        try await scenario.given(S.register(), S.reminder(Self.r1), S.reminder(F.id("r2")), S.send(Self.r1, token: token, name: "send r1"))
        let (result, appended) = try await scenario.when(S.send(F.id("r2"), token: token, name: "send r2"))
        #expect(result == .rejected(CommandRejection(SendToken.Rejection.taken(token, by: Self.r1))))
        #expect(appended.isEmpty)
    }

    @Test func anInvalidMoveAppendsNothingAndNamesBothStates() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.reminder(Self.r1), S.send(Self.r1, token: F.id("t"), name: "send"))
        let back = F.command("back", "reminder.change-status", at: F.time(70), ["reminder_id": F.uuid(Self.r1), "status": "pending"])
        let (result, appended) = try await scenario.when(back)
        #expect(result == .rejected(CommandRejection(
            "reminder \(Self.r1.uuidString.lowercased().prefix(8))...: cannot go from sent to pending")))
        #expect(appended.isEmpty)
    }

    @Test func badJSONIsARejection() async throws {
        let scenario = Scenario()
        #expect(try await scenario.service.handle(json: Array("{\"id\":".utf8)) == .rejected(CommandRejection("not valid JSON (reading stopped at byte 7)")))
    }

    @Test func theCacheKeepsTheStatesTheNextCommandsNeedButNotARecordedMessage() async throws {
        let store = InMemoryEventStore()
        let cache = StateCache()
        let service = MigueService(store: store, cache: cache)
        for command in [S.register(), S.start(Self.c1), S.message("wamid.1", in: Self.c1, name: "m1")] {
            guard case .accepted = try await service.handle(command) else {
                Issue.record("\(command.type) was rejected")
                return
            }
        }
        let streams = await store.readAll(from: 0, limit: 100).map(\.stream)
        let message = try #require(streams.first { $0.category == "migue.message" })
        #expect(cache.state(of: message, as: Message.State.self) == nil)
        #expect(cache.state(of: MigueStream.window(F.userID), as: MessagingWindow.State.self) != nil)
        #expect(cache.state(of: MigueStream.conversation(Self.c1), as: Conversation.State.self)?.state.started != nil)
    }
}

@Suite struct PreparedPayloadTests {
    typealias F = Fixture
    typealias S = Scenario

    @Test func aPreparedPayloadIsTheOneEncodingWritesAndServesOnlyAnEqualEvent() throws {
        let command = try MigueCommand(S.message("wamid.1", in: F.id("c1"), name: "m1"))
        guard case .recordMessage(let record) = command else {
            Issue.record("not a message command: \(command)")
            return
        }
        let payloads = PreparedPayloads(command)
        let decided = try Message.decide(.record(record), Message.initial)
        #expect(decided.count == 1)
        #expect(payloads.payload(of: decided[0]) == decided[0].payload)
        var other = record
        other.content = "adiós"
        let different = try Message.decide(.record(other), Message.initial)
        #expect(payloads.payload(of: different[0]) == nil)
        #expect(PreparedPayloads(try MigueCommand(S.move(F.id("c1"), to: "closed", name: "close"))).payload(of: decided[0]) == nil)
    }
}
