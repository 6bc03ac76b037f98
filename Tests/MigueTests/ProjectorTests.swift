import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct ProjectorTests {
    typealias F = Fixture

    static func recorded(_ event: some MigueEvent, in stream: StreamName) -> RecordedEvent {
        RecordedEvent(
            position: 7, stream: stream, version: 0,
            event: ProposedEvent(
                id: F.id("event"), type: event.type, schemaVersion: event.schemaVersion, recordedAt: F.t0,
                metadata: EventMetadata(actor: "test"), payload: event.payload))
    }

    @Test func aRegisteredUserIsInsertedWithTheEventsTimes() throws {
        let event = User.Event.registered(User.Registered(
            userID: F.userID, phoneNumber: F.phone, name: "Ana", preferences: ["lang": "es", "a": 1], registeredAt: F.t0))
        #expect(try Projector.statements(for: Self.recorded(event, in: MigueStream.user(F.userID))) == [SQLStatement(
            "INSERT INTO users (id, phone_number, name, preferences, created_at, updated_at) "
                + "VALUES ($1, $2, $3, $4, $5, $5)",
            [.uuid(F.userID), .text(F.phone), .text("Ana"), .json(#"{"a":1,"lang":"es"}"#), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aProfileChangeSetsTheNewProfile() {
        let event = User.Event.profileChanged(User.ProfileChanged(userID: F.userID, name: nil, preferences: nil, changedAt: F.time(5)))
        #expect(Projector.statements(for: event) == [SQLStatement(
            "UPDATE users SET name = $2, preferences = $3, updated_at = $4 WHERE id = $1",
            [.uuid(F.userID), .null, .null, .timestamp(F.time(5))], expectedRows: 1)])
    }

    @Test func claimsAndSendTokensWriteNoRows() throws {
        let claim = User.ActiveClaim(conversationID: F.id("c"), activationID: F.id("a"))
        #expect(Projector.statements(for: User.Event.activeConversationClaimed(User.ClaimChanged(userID: F.userID, claim: claim, at: F.t0))).isEmpty)
        #expect(Projector.statements(for: User.Event.activeConversationReleased(User.ClaimChanged(userID: F.userID, claim: claim, at: F.t0))).isEmpty)
        let token = SendToken.Event.claimed(SendToken.Claimed(sendToken: F.id("t"), reminderID: F.id("r"), claimedAt: F.t0))
        #expect(try Projector.statements(for: Self.recorded(token, in: MigueStream.sendToken(F.id("t")))).isEmpty)
    }

    @Test func aStartedConversationIsInserted() throws {
        let conversation = F.id("c")
        let event = Conversation.Event.started(Conversation.Started(
            conversationID: conversation, userID: F.userID, waConversationID: "wa-1", status: .active, activationID: F.id("a"),
            startedAt: F.t0))
        #expect(try Projector.statements(for: Self.recorded(event, in: MigueStream.conversation(conversation))) == [SQLStatement(
            "INSERT INTO conversations (id, user_id, wa_conversation_id, status, created_at, updated_at) "
                + "VALUES ($1, $2, $3, $4, $5, $5)",
            [.uuid(conversation), .uuid(F.userID), .text("wa-1"), .text("active"), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aStatusChangeUpdatesOnlyARowStillInTheStateItLeaves() {
        let conversation = F.id("c")
        let event = Conversation.Event.statusChanged(Conversation.StatusChanged(
            conversationID: conversation, userID: F.userID, from: .active, to: .closed, changedAt: F.time(9)))
        #expect(Projector.statements(for: event) == [SQLStatement(
            "UPDATE conversations SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
            [.uuid(conversation), .text("active"), .text("closed"), .timestamp(F.time(9))], expectedRows: 1)])
    }

    @Test(arguments: Message.Kind.allCases)
    func aMessageOfEveryTypeIsInserted(kind: Message.Kind) throws {
        let id = Migue.messageID(waMessageID: "wamid.1")
        let event = Message.Event.recorded(Message.Recorded(
            messageID: id, conversationID: F.id("c"), direction: .outbound, kind: kind, content: nil,
            mediaURL: "https://cdn.example/a.ogg", waMessageID: "wamid.1", timestamp: F.time(-1), recordedAt: F.t0))
        #expect(try Projector.statements(for: Self.recorded(event, in: MigueStream.message(id))) == [SQLStatement(
            "INSERT INTO messages_v2 "
                + "(id, conversation_id, direction, type, content, media_url, wa_message_id, timestamp, created_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [.uuid(id), .uuid(F.id("c")), .text("outbound"), .text(kind.rawValue), .null, .text("https://cdn.example/a.ogg"),
             .text("wamid.1"), .timestamp(F.time(-1)), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aReminderIsInsertedPendingWithoutAToken() {
        let event = Reminder.Event.created(Reminder.Created(
            reminderID: F.id("r"), userID: F.userID, title: "Pagar", description: nil, scheduledTime: F.time(60),
            status: .pending, createdAt: F.t0))
        #expect(Projector.statements(for: event) == [SQLStatement(
            "INSERT INTO reminders (id, user_id, title, description, scheduled_time, status, created_at, send_token) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
            [.uuid(F.id("r")), .uuid(F.userID), .text("Pagar"), .null, .timestamp(F.time(60)), .text("pending"), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aReminderMoveKeepsTokenAndScheduleUnlessItSetsThem() {
        let event = Reminder.Event.statusChanged(Reminder.StatusChanged(
            reminderID: F.id("r"), from: .pending, to: .sent, sendToken: F.id("t"), scheduledTime: nil, changedAt: F.time(61)))
        #expect(Projector.statements(for: event) == [SQLStatement(
            "UPDATE reminders SET status = $3, send_token = COALESCE($4::uuid, send_token), "
                + "scheduled_time = COALESCE($5::timestamptz, scheduled_time) WHERE id = $1 AND status = $2",
            [.uuid(F.id("r")), .text("pending"), .text("sent"), .uuid(F.id("t")), .null], expectedRows: 1)])
    }

    @Test func noStatementUsesTheServersClockOrRandomIds() async throws {
        let store = InMemoryEventStore()
        _ = try await DeterminismTests.run(store)
        for record in await store.readAll(from: .start, limit: 1000) {
            for statement in try Projector.statements(for: record) {
                #expect(!statement.sql.contains("now()") && !statement.sql.contains("gen_random_uuid"))
                // Table names are unqualified: the runner puts the target schema on the search path,
                // so the same statements build the live schema, a replay or a rebuild's shadow.
                #expect(!statement.sql.contains("migue."))
            }
        }
    }

    @Test func foreignStreamsAndUnknownTypesAreErrors() {
        let event = Reminder.Event.created(Reminder.Created(
            reminderID: F.id("r"), userID: F.userID, title: "t", description: nil, scheduledTime: F.t0, status: .pending, createdAt: F.t0))
        #expect(throws: EventDecodingError.self) {
            try Projector.statements(for: Self.recorded(event, in: StreamName(category: "nirva.thing", id: "1")!))
        }
        #expect(throws: EventDecodingError.self) {
            try Projector.statements(for: Self.recorded(event, in: MigueStream.user(F.userID)))
        }
    }
}

@Suite struct ProjectorTableListTests {
    /// `Projector.tables` (what `parley explain` accepts) is every table migue's migrations create,
    /// and each is written by some statement of the projector's source.
    @Test func theTableListIsTheMigrationsTables() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("migrations/migue")
        var created: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".sql") {
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for match in sql.matches(of: /CREATE TABLE (?:IF NOT EXISTS )?(?:migue\.)?([a-z_0-9]+)/) { created.insert(String(match.1)) }
        }
        #expect(created == Set(Projector.tables))
        #expect(Projector.tables.count == 13)
        let sources = root.appendingPathComponent("Sources/Migue")
        let text = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasPrefix("Projector") }
            .map { try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8) }.joined()
        for table in Projector.tables { #expect(text.contains("INSERT INTO \(table) "), "\(table)") }
    }
}
