import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Messages and the user's messaging window, through `MigueService`.
@Suite struct WindowServiceTests {
    typealias F = Fixture
    typealias S = Scenario
    static let c1 = F.id("c1")
    static let hour: Int64 = 60

    static func inbound(_ wa: String, at minute: Int64, freeEntryPoint: Bool = false) -> CommandEnvelope {
        var data: [String: JSONValue] = [
            "conversation_id": F.uuid(c1), "direction": "inbound", "type": "text", "content": "hola",
            "wa_message_id": .string(wa), "timestamp": F.time(F.time(minute)),
        ]
        if freeEntryPoint { data["free_entry_point"] = true }
        return F.command("in/\(wa)", "message.record", at: F.time(minute), data)
    }

    static func outbound(_ name: String, at minute: Int64, proactive: Bool = true) -> CommandEnvelope {
        F.command("out/\(name)", "message.record", at: F.time(minute), [
            "message_id": F.uuid(F.id(name)), "conversation_id": F.uuid(c1), "direction": "outbound", "type": "text",
            "content": "¿Cómo te fue?", "timestamp": F.time(F.time(minute)), "proactive": .bool(proactive),
        ])
    }

    static func ready() async throws -> Scenario {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.start(c1))
        return scenario
    }

    @Test func aUsersMessageOpensTheWindowAndAProactiveMessageInsideItIsCounted() async throws {
        let scenario = try await Self.ready()
        let (_, opened) = try await scenario.when(Self.inbound("wamid.1", at: 0))
        #expect(opened.map { "\($0.0) \($0.1)" } == ["migue.window migue.window.opened", "migue.message migue.message.recorded"])
        let (_, extended) = try await scenario.when(Self.inbound("wamid.2", at: Self.hour))
        #expect(extended.map(\.1) == ["migue.window.extended", "migue.message.recorded"])
        let (_, proactive) = try await scenario.when(Self.outbound("p1", at: 2 * Self.hour))
        #expect(proactive.map(\.1) == ["migue.window.proactive-sent", "migue.message.recorded"])
        let window = try await scenario.state(MessagingWindow.self, MigueStream.window(F.userID))
        #expect(window.expiresAt == F.time(25 * Self.hour))
        #expect(window.sentToday == 1 && window.lastProactiveSentAt == F.time(2 * Self.hour))
        #expect(window.phoneNumber == F.phone)
    }

    @Test func aProactiveMessageOutsideTheWindowIsRefusedAndNothingIsStored() async throws {
        let scenario = try await Self.ready()
        try await scenario.given(Self.inbound("wamid.1", at: 0))
        let (refused, nothing) = try await scenario.when(Self.outbound("late", at: 25 * Self.hour))
        #expect(refused == .rejected(CommandRejection(MessagingWindow.Rejection.closed(
            user: F.userID, at: F.time(25 * Self.hour), closedAt: F.time(24 * Self.hour)))))
        #expect(nothing.isEmpty)
        let (_, reply) = try await scenario.when(Self.outbound("reply", at: 25 * Self.hour, proactive: false))
        #expect(reply.map(\.1) == ["migue.message.recorded"])
    }

    @Test func aFreeEntryPointKeepsProactiveMessagesFreeFor72Hours() async throws {
        let scenario = try await Self.ready()
        try await scenario.given(Self.inbound("wamid.ad", at: 0, freeEntryPoint: true))
        let (_, allowed) = try await scenario.when(Self.outbound("p1", at: 48 * Self.hour))
        #expect(allowed.map(\.1) == ["migue.window.proactive-sent", "migue.message.recorded"])
        let (refused, nothing) = try await scenario.when(Self.outbound("p2", at: 72 * Self.hour))
        #expect(refused == .rejected(CommandRejection(MessagingWindow.Rejection.closed(
            user: F.userID, at: F.time(72 * Self.hour), closedAt: F.time(72 * Self.hour)))))
        #expect(nothing.isEmpty)
    }

    @Test func aUserWhoNeverWroteGetsNoProactiveMessage() async throws {
        let scenario = try await Self.ready()
        let (refused, nothing) = try await scenario.when(Self.outbound("p1", at: 0))
        #expect(refused == .rejected(CommandRejection(MessagingWindow.Rejection.closed(user: F.userID, at: F.t0, closedAt: nil))))
        #expect(nothing.isEmpty)
    }

    @Test func aRedeliveredMessageLeavesTheWindowAlone() async throws {
        let scenario = try await Self.ready()
        try await scenario.given(Self.inbound("wamid.1", at: 0))
        var again = Self.inbound("wamid.1", at: 0)
        again.id = F.id("redelivery")
        let (result, nothing) = try await scenario.when(again)
        #expect(result == .accepted([]))
        #expect(nothing.isEmpty)
    }

    /// Stores the window batch `command` (a user's message `wamid.1` at the start) appends before
    /// its message, as a submission that stopped between the two would have left it.
    static func storeWindowBatch(of command: CommandEnvelope, in scenario: Scenario) async throws -> AppendResult {
        let event = MessagingWindow.Event.opened(MessagingWindow.Refreshed(
            windowID: Migue.windowID(userID: F.userID), userID: F.userID, phoneNumber: F.phone,
            messageID: Migue.messageID(waMessageID: "wamid.1"), lastUserMessageID: "wamid.1", fromExpiresAt: nil,
            windowOpenedAt: F.t0, windowExpiresAt: F.time(24 * hour), fromFreeEntryPointExpiresAt: nil,
            freeEntryPointExpiresAt: nil, at: F.t0))
        var metadata = command.eventMetadata
        metadata.custom = CommandEnvelope.digestMetadata(command.digest)
        return try await scenario.store.append(
            [ProposedEvent(id: command.eventID(batch: "window", index: 0), type: event.type, recordedAt: F.t0,
                           metadata: metadata, payload: event.payload)],
            to: MigueStream.window(F.userID), expected: .noStream, durability: .durable)
    }

    @Test func aCommandStoppedBetweenWindowAndMessageCompletesWhenSubmittedAgain() async throws {
        let scenario = try await Self.ready()
        let command = Self.inbound("wamid.1", at: 0)
        _ = try await Self.storeWindowBatch(of: command, in: scenario)
        let (result, appended) = try await scenario.when(command)
        #expect(result.appendedAnything)
        #expect(appended.map(\.1) == ["migue.message.recorded"])
    }

    /// A command stopped after its window batch; another command recorded the message meanwhile
    /// (a redelivery). Submitted again, the first reports the window batch it wrote, as stored.
    @Test func aCommandWhoseMessageAnotherRecordedReportsItsOwnWindowBatch() async throws {
        let scenario = try await Self.ready()
        let command = Self.inbound("wamid.1", at: 0)
        let stored = try await Self.storeWindowBatch(of: command, in: scenario)
        guard case .appended(let window) = stored else { Issue.record("the window event was not stored: \(stored)"); return }
        var redelivery = Self.inbound("wamid.1", at: 0)
        redelivery.id = F.id("redelivery")
        try await scenario.given(redelivery)

        let (result, appended) = try await scenario.when(command)

        #expect(result == .accepted([WrittenBatch(
            stream: MigueStream.window(F.userID), batch: window, eventTypes: ["migue.window.opened"], isDuplicate: true)]))
        #expect(appended.isEmpty)
    }

    /// A proactive message counted on one day, its command stopped before the message; another
    /// proactive message the next day restarts the day's count. Submitted again, the first
    /// command records its message and counts it no second time.
    @Test func aProactiveCommandStoppedBeforeItsMessageCompletesAfterTheDayChanged() async throws {
        let scenario = try await Self.ready()
        try await scenario.given(Self.inbound("wamid.1", at: 10 * Self.hour))
        let first = Self.outbound("p1", at: 12 * Self.hour)
        let counted = try MessagingWindow.decide(
            .sendProactive(MessagingWindow.SendProactive(
                userID: F.userID, messageID: F.id("p1"), timestamp: F.time(12 * Self.hour), at: F.time(12 * Self.hour))),
            try await scenario.state(MessagingWindow.self, MigueStream.window(F.userID)))
        let stored = try await scenario.store.append(
            counted.map { ProposedEvent(id: first.eventID(batch: "window", index: 0), type: $0.type, recordedAt: F.time(12 * Self.hour),
                                        metadata: first.eventMetadata, payload: $0.payload) },
            to: MigueStream.window(F.userID), expected: .exact(0), durability: .durable)
        guard case .appended = stored else { Issue.record("the window event was not stored: \(stored)"); return }
        try await scenario.given(Self.outbound("p2", at: 33 * Self.hour))
        let (result, appended) = try await scenario.when(first)
        #expect(result.appendedAnything)
        #expect(appended.map(\.1) == ["migue.message.recorded"])
        let window = try await scenario.state(MessagingWindow.self, MigueStream.window(F.userID))
        #expect(window.sentToday == 1 && window.lastProactiveSentAt == F.time(33 * Self.hour))
    }

    @Test func concurrentUserMessagesLeaveTheWindowAtTheLatest() async throws {
        let scenario = try await Self.ready()
        let service = MigueService(store: InterleavingStore(base: scenario.store))
        try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for minute in 0..<12 as Range<Int64> {
                group.addTask { try await service.handle(Self.inbound("wamid.\(minute)", at: minute)) }
            }
            try await group.waitForAll()
        }
        let window = try await scenario.state(MessagingWindow.self, MigueStream.window(F.userID))
        #expect(window.expiresAt == F.time(11 + 24 * Self.hour))
        #expect(window.openedAt.map { (F.t0...F.time(11)).contains($0) } == true)
    }
}
