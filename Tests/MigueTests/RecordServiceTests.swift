import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Flows, calls and the record-keeping tables through `MigueService`: uniqueness and references.
@Suite struct RecordServiceTests {
    typealias F = Fixture
    typealias S = Scenario
    static let c1 = F.id("c1")
    static let other = "+14155550100"

    static func flow(_ token: String, name: String, user: UUID = F.userID, conversation: UUID? = nil) -> CommandEnvelope {
        var data: [String: JSONValue] = [
            "flow_token": .string(token), "user_id": F.uuid(user), "flow_id": "booking", "flow_type": "data_exchange",
        ]
        data["conversation_id"] = conversation.map(F.uuid)
        return F.command(name, "flow.create", at: F.time(5), data)
    }

    static func call(_ callID: String, name: String) -> CommandEnvelope {
        F.command(name, "call.initiate", at: F.time(5), ["call_id": .string(callID), "user_id": F.uuid(F.userID), "direction": "inbound"])
    }

    @Test func aFlowTokenBelongsToOneSession() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.flow("tok-1", name: "first"))
        let (refused, nothing) = try await scenario.when(S.flow("tok-1", name: "second"))
        #expect(refused == .rejected(CommandRejection(
            FlowSession.Rejection.alreadyCreated(Migue.flowSessionID(flowToken: "tok-1"), flowToken: "tok-1"))))
        #expect(nothing.isEmpty)
    }

    @Test func concurrentFlowsWithOneTokenCreateOneSession() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register())
        let service = MigueService(store: InterleavingStore(base: scenario.store))
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for index in 0..<8 { group.addTask { try await service.handle(S.flow("tok-race", name: "race \(index)")) } }
            return try await group.reduce(into: [CommandResult]()) { $0.append($1) }
        }
        #expect(results.filter(\.appendedAnything).count == 1)
        let flow = try await scenario.state(FlowSession.self, MigueStream.flow(Migue.flowSessionID(flowToken: "tok-race")))
        #expect(flow.status == .pending)
    }

    @Test func aCallIdBelongsToOneLog() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.call("wacid.1", name: "first"))
        let (refused, nothing) = try await scenario.when(S.call("wacid.1", name: "second"))
        #expect(refused == .rejected(CommandRejection(CallLog.Rejection.alreadyLogged(Migue.callLogID(callID: "wacid.1"), callID: "wacid.1"))))
        #expect(nothing.isEmpty)
        let service = MigueService(store: InterleavingStore(base: scenario.store))
        let results = try await withThrowingTaskGroup(of: CommandResult.self) { group in
            for index in 0..<8 { group.addTask { try await service.handle(S.call("wacid.race", name: "race \(index)")) } }
            return try await group.reduce(into: [CommandResult]()) { $0.append($1) }
        }
        #expect(results.filter(\.appendedAnything).count == 1)
    }

    @Test func flowsAndCallsMoveByTheirWhatsAppIds() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.flow("tok-1", name: "flow"), S.call("wacid.1", name: "call"))
        let (_, completed) = try await scenario.when(F.command("complete", "flow.change-status", at: F.time(9), [
            "flow_token": "tok-1", "status": "completed", "response_data": ["date": "2026-12-01"],
        ]))
        #expect(completed.map(\.1) == ["migue.flow.status-changed"])
        let (_, accepted) = try await scenario.when(F.command("accept", "call.change-status", at: F.time(9), [
            "call_id": "wacid.1", "status": "accepted",
        ]))
        #expect(accepted.map(\.1) == ["migue.call.status-changed"])
    }

    @Test func referencesMustExistAndAgree() async throws {
        let scenario = Scenario()
        let (noUser, _) = try await scenario.when(S.flow("tok-1", name: "no user"))
        #expect(noUser == .rejected(CommandRejection(User.Rejection.notRegistered(F.userID))))
        try await scenario.given(S.register(), S.register(Self.other, name: "register bob"), S.start(Self.c1))
        let (noConversation, _) = try await scenario.when(S.flow("tok-1", name: "no conversation", conversation: F.id("c9")))
        #expect(noConversation == .rejected(CommandRejection(Conversation.Rejection.notStarted(F.id("c9")))))
        let bob = Migue.userID(phoneNumber: Self.other)
        let (notBobs, _) = try await scenario.when(S.flow("tok-1", name: "not bob's", user: bob, conversation: Self.c1))
        #expect(notBobs == .rejected(CommandRejection(Conversation.Rejection.ofAnotherUser(Self.c1, user: bob))))
        #expect(try await scenario.store.head() == 4)
    }

    @Test func aScheduledMessageGoesToItsUsersPhone() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register())
        let scheduled = F.id("s1")
        let (refused, _) = try await scenario.when(F.command("schedule", "scheduled-message.schedule", [
            "scheduled_message_id": F.uuid(scheduled), "user_id": F.uuid(F.userID), "phone_number": .string(Self.other),
            "message": "Hola", "scheduled_at": F.time(F.time(60)),
        ]))
        #expect(refused == .rejected(CommandRejection(
            ScheduledMessage.Rejection.notTheUsersPhone(scheduled, user: F.userID, phoneNumber: Self.other))))
        let (_, accepted) = try await scenario.when(F.command("schedule anyone", "scheduled-message.schedule", [
            "scheduled_message_id": F.uuid(scheduled), "phone_number": .string(Self.other), "message": "Hola",
            "scheduled_at": F.time(F.time(60)),
        ]))
        #expect(accepted.map(\.1) == ["migue.scheduled-message.scheduled"])
    }

    /// Every command naming a user or a conversation, with its own minimal fields.
    static let referencing: [(type: String, data: [String: JSONValue])] = [
        ("call.initiate", ["call_id": "wacid.9", "direction": "inbound"]),
        ("interaction.record", ["interaction_id": F.uuid(F.id("i9")), "interaction_type": "call_accepted"]),
        ("location.record", ["location_id": F.uuid(F.id("l9")), "latitude": .double(4.6), "longitude": -74]),
        ("ai-usage.record", ["usage_id": F.uuid(F.id("u9")), "provider": "groq", "task_type": "chat", "cost_usd": 0]),
        ("scheduled-message.schedule", [
            "scheduled_message_id": F.uuid(F.id("s9")), "phone_number": .string(F.phone), "message": "Hola",
            "scheduled_at": F.time(F.time(60)),
        ]),
    ]

    @Test(arguments: referencing)
    func everyCommandChecksItsReferences(type: String, data: [String: JSONValue]) async throws {
        let scenario = Scenario()
        func attempt(_ name: String, user: UUID?, conversation: UUID?) async throws -> CommandResult {
            var fields = data
            fields["user_id"] = user.map(F.uuid)
            fields["conversation_id"] = conversation.map(F.uuid)
            let (result, appended) = try await scenario.when(F.command("\(type) \(name)", type, fields))
            #expect(result.appendedAnything || appended.isEmpty, "a refused \(type) stored \(appended)")
            return result
        }
        #expect(try await attempt("no user", user: F.userID, conversation: nil)
            == .rejected(CommandRejection(User.Rejection.notRegistered(F.userID))))
        try await scenario.given(S.register(), S.register(Self.other, name: "register bob"), S.start(Self.c1))
        #expect(try await attempt("no conversation", user: F.userID, conversation: F.id("c9"))
            == .rejected(CommandRejection(Conversation.Rejection.notStarted(F.id("c9")))))
        let bob = Migue.userID(phoneNumber: Self.other)
        #expect(try await attempt("not bob's", user: bob, conversation: Self.c1)
            == .rejected(CommandRejection(Conversation.Rejection.ofAnotherUser(Self.c1, user: bob))))
        #expect(try await scenario.store.head() == 4, "nothing but the given commands' events")
        #expect(try await attempt("ana's", user: F.userID, conversation: Self.c1).appendedAnything)
    }

    @Test func aScheduledMessageOfAConversationIsItsUsers() async throws {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.register(Self.other, name: "Bob"), S.start(Self.c1))
        let scheduled = F.id("s2")
        let (refused, _) = try await scenario.when(F.command("to bob", "scheduled-message.schedule", [
            "scheduled_message_id": F.uuid(scheduled), "conversation_id": F.uuid(Self.c1), "phone_number": .string(Self.other),
            "message": "Hola", "scheduled_at": F.time(F.time(60)),
        ]))
        #expect(refused == .rejected(CommandRejection(
            ScheduledMessage.Rejection.notTheUsersPhone(scheduled, user: F.userID, phoneNumber: Self.other))))
        let (_, accepted) = try await scenario.when(F.command("to ana", "scheduled-message.schedule", [
            "scheduled_message_id": F.uuid(scheduled), "conversation_id": F.uuid(Self.c1), "phone_number": .string(F.phone),
            "message": "Hola", "scheduled_at": F.time(F.time(60)),
        ]))
        #expect(accepted.map(\.1) == ["migue.scheduled-message.scheduled"])
        let event = try #require(try await scenario.store.read(
            stream: MigueStream.scheduledMessage(scheduled), from: 0, direction: .forwards, limit: 1).first)
        #expect(try ScheduledMessage.Event(event) == .scheduled(ScheduledMessage.Scheduled(
            scheduledMessageID: scheduled, userID: F.userID, conversationID: Self.c1, phoneNumber: F.phone, message: "Hola",
            scheduledAt: F.time(60), status: .pending, metadata: nil, createdAt: F.time(0))))
    }

    @Test func theLedgerAndTheDeadLetterQueueNeedNoUser() async throws {
        let scenario = Scenario()
        let (_, usage) = try await scenario.when(F.command("usage", "ai-usage.record", [
            "usage_id": F.uuid(F.id("u1")), "provider": "openai", "task_type": "embeddings", "cost_usd": .double(0.00002),
        ]))
        #expect(usage.map(\.1) == ["migue.ai-usage.recorded"])
        let (_, failure) = try await scenario.when(F.command("failure", "webhook-failure.record", [
            "webhook_failure_id": F.uuid(F.id("w1")), "request_id": "req-1", "phone_number": "not a phone",
            "raw_payload": ["object": "whatsapp_business_account"], "error_message": "boom",
        ]))
        #expect(failure.map(\.1) == ["migue.webhook-failure.recorded"])
        let (_, retry) = try await scenario.when(F.command("retry", "webhook-failure.change-status", at: F.time(1), [
            "webhook_failure_id": F.uuid(F.id("w1")), "status": "retrying",
        ]))
        #expect(retry.map(\.1) == ["migue.webhook-failure.status-changed"])
    }

    @Test func everyRecordNeedsARegisteredUser() async throws {
        let scenario = Scenario()
        let commands = [
            F.command("i", "interaction.record", ["interaction_id": F.uuid(F.id("i")), "user_id": F.uuid(F.userID), "interaction_type": "call_accepted"]),
            F.command("l", "location.record", ["location_id": F.uuid(F.id("l")), "user_id": F.uuid(F.userID), "latitude": 4, "longitude": -74]),
            F.command("m", "memory.record", ["memory_id": F.uuid(F.id("m")), "user_id": F.uuid(F.userID), "type": "fact", "content": "c"]),
            F.command("u", "ai-usage.record", ["usage_id": F.uuid(F.id("u")), "provider": "groq", "task_type": "chat", "cost_usd": 0, "user_id": F.uuid(F.userID)]),
            S.call("wacid.1", name: "call"),
        ]
        for command in commands {
            let (result, nothing) = try await scenario.when(command)
            #expect(result == .rejected(CommandRejection(User.Rejection.notRegistered(F.userID))), "\(command.type)")
            #expect(nothing.isEmpty)
        }
        try await scenario.given(S.register())
        for command in commands {
            let (result, _) = try await scenario.when(command)
            #expect(result.appendedAnything, "\(command.type)")
        }
    }
}

extension Scenario {
    static func flow(_ token: String, name: String, user: UUID = F.userID, conversation: UUID? = nil) -> CommandEnvelope {
        RecordServiceTests.flow(token, name: name, user: user, conversation: conversation)
    }

    static func call(_ callID: String, name: String) -> CommandEnvelope { RecordServiceTests.call(callID, name: name) }
}
