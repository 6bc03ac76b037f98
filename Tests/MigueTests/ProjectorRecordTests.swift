import EventSourcing
import Foundation
import Testing
@testable import Migue

/// The SQL of interactions, locations, memories, AI usage, scheduled messages and webhook failures.
@Suite struct ProjectorRecordTests {
    typealias F = Fixture

    @Test func anInteractionIsInserted() throws {
        let id = F.id("i")
        let event = Interaction.Event.recorded(Interaction.Recorded(
            interactionID: id, userID: F.userID, conversationID: F.id("c"), kind: .ctaButtonTap, buttonTitle: "Ver",
            buttonURL: "https://migue.app", metadata: nil, timestamp: F.time(-1), createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(event, in: MigueStream.interaction(id))) == [SQLStatement(
            "INSERT INTO user_interactions (id, user_id, conversation_id, interaction_type, button_title, button_url, "
                + "metadata, timestamp, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [.uuid(id), .uuid(F.userID), .uuid(F.id("c")), .text("cta_button_tap"), .text("Ver"), .text("https://migue.app"),
             .null, .timestamp(F.time(-1)), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aLocationIsInsertedWithItsExactDecimals() throws {
        let id = F.id("l")
        let event = Location.Event.recorded(Location.Recorded(
            locationID: id, userID: F.userID, conversationID: nil, latitude: DecimalText(4.6765)!,
            longitude: DecimalText(-74.04830001)!, name: nil, address: "Cra 11", timestamp: F.time(-1), createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(event, in: MigueStream.location(id))) == [SQLStatement(
            "INSERT INTO user_locations (id, user_id, conversation_id, latitude, longitude, name, address, timestamp, "
                + "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [.uuid(id), .uuid(F.userID), .null, .text("4.6765"), .text("-74.04830001"), .null, .text("Cra 11"),
             .timestamp(F.time(-1)), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aMemoryIsInsertedWithItsVectorAsPgvectorText() throws {
        let id = F.id("m")
        let embedding = Array(repeating: Float(0.25), count: Memory.dimensions)
        let event = Memory.Event.recorded(Memory.Recorded(
            memoryID: id, userID: F.userID, kind: .fact, content: "Vive en Bogotá", category: nil, relevance: 0.75,
            embedding: embedding, createdAt: F.t0))
        let statements = try Projector.statements(for: ProjectorTests.recorded(event, in: MigueStream.memory(id)))
        #expect(statements == [SQLStatement(
            "INSERT INTO user_memory (id, user_id, type, content, category, relevance, embedding, created_at, "
                + "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            [.uuid(id), .uuid(F.userID), .text("fact"), .text("Vive en Bogotá"), .null, .double(0.75),
             .text("[" + Array(repeating: "0.25", count: 1536).joined(separator: ",") + "]"), .timestamp(F.t0)], expectedRows: 1)])
        let bare = Memory.Event.recorded(Memory.Recorded(
            memoryID: id, userID: F.userID, kind: .conversation, content: "c", category: "x", relevance: 0.5, embedding: nil,
            createdAt: F.t0))
        #expect(Projector.statements(for: bare).first?.parameters[6] == .null)
    }

    @Test func anAIUsageIsInsertedWithItsCostAsText() throws {
        let id = F.id("u")
        let event = AIUsage.Event.recorded(AIUsage.Recorded(
            usageID: id, provider: .openai, task: .audioTranscription, model: "whisper-1", tokensInput: nil, tokensOutput: 7,
            costUSD: DecimalText(0.006)!, userID: nil, conversationID: nil, metadata: ["seconds": 60], createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(event, in: MigueStream.aiUsage(id))) == [SQLStatement(
            "INSERT INTO ai_usage_tracking (id, provider, task_type, model, tokens_input, tokens_output, cost_usd, "
                + "user_id, conversation_id, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            [.uuid(id), .text("openai"), .text("audio_transcription"), .text("whisper-1"), .null, .integer(7), .text("0.006"),
             .null, .null, .json(#"{"seconds":60}"#), .timestamp(F.t0)], expectedRows: 1)])
    }

    @Test func aScheduledMessageIsInsertedPendingAndMovedFromTheStatusItLeaves() throws {
        let id = F.id("s")
        let scheduled = ScheduledMessage.Event.scheduled(ScheduledMessage.Scheduled(
            scheduledMessageID: id, userID: F.userID, conversationID: nil, phoneNumber: F.phone, message: "Hola",
            scheduledAt: F.time(60), status: .pending, metadata: nil, createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(scheduled, in: MigueStream.scheduledMessage(id))) == [SQLStatement(
            "INSERT INTO scheduled_messages (id, user_id, conversation_id, phone_number, message, scheduled_at, status, "
                + "sent_at, error_message, metadata, created_at, updated_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8, $9, $9)",
            [.uuid(id), .uuid(F.userID), .null, .text(F.phone), .text("Hola"), .timestamp(F.time(60)), .text("pending"), .null,
             .timestamp(F.t0)], expectedRows: 1)])
        let sql = "UPDATE scheduled_messages SET status = $3, sent_at = $4, error_message = $5, updated_at = $6 "
            + "WHERE id = $1 AND status = $2"
        let sent = ScheduledMessage.Event.statusChanged(ScheduledMessage.StatusChanged(
            scheduledMessageID: id, from: .pending, to: .sent, sentAt: F.time(61), changedAt: F.time(61)))
        #expect(Projector.statements(for: sent) == [SQLStatement(
            sql, [.uuid(id), .text("pending"), .text("sent"), .timestamp(F.time(61)), .null, .timestamp(F.time(61))], expectedRows: 1)])
        let failed = ScheduledMessage.Event.statusChanged(ScheduledMessage.StatusChanged(
            scheduledMessageID: id, from: .pending, to: .failed, errorMessage: "131047", changedAt: F.time(61)))
        #expect(Projector.statements(for: failed) == [SQLStatement(
            sql, [.uuid(id), .text("pending"), .text("failed"), .null, .text("131047"), .timestamp(F.time(61))], expectedRows: 1)])
    }

    @Test func aWebhookFailureKeepsItsPayloadAndCountsRetries() throws {
        let id = F.id("w")
        let recorded = WebhookFailure.Event.recorded(WebhookFailure.Recorded(
            webhookFailureID: id, requestID: "req-1", phoneNumber: "57300", waMessageID: nil,
            rawPayload: ["object": "whatsapp_business_account", "entry": []], errorMessage: "boom", errorCode: nil,
            status: .pending, retryCount: 0, createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(recorded, in: MigueStream.webhookFailure(id))) == [SQLStatement(
            "INSERT INTO webhook_failures (id, request_id, phone_number, wa_message_id, raw_payload, error_message, "
                + "error_code, status, retry_count, created_at, updated_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            [.uuid(id), .text("req-1"), .text("57300"), .null, .json(#"{"entry":[],"object":"whatsapp_business_account"}"#),
             .text("boom"), .null, .text("pending"), .integer(0), .timestamp(F.t0)], expectedRows: 1)])
        let back = WebhookFailure.Event.statusChanged(WebhookFailure.StatusChanged(
            webhookFailureID: id, from: .retrying, to: .pending, fromRetryCount: 1, retryCount: 1, errorMessage: "again",
            errorCode: "503", changedAt: F.time(5)))
        #expect(Projector.statements(for: back) == [SQLStatement(
            "UPDATE webhook_failures SET status = $3, retry_count = $5, error_message = COALESCE($6::text, error_message), "
                + "error_code = CASE WHEN $6::text IS NULL AND $7::text IS NULL THEN error_code ELSE $7::text END, updated_at = $8 "
                + "WHERE id = $1 AND status = $2 AND retry_count = $4",
            [.uuid(id), .text("retrying"), .text("pending"), .integer(1), .integer(1), .text("again"), .text("503"),
             .timestamp(F.time(5))], expectedRows: 1)])
    }

    @Test func everyNewStreamProjectsWithoutTheServersClock() async throws {
        let store = InMemoryEventStore()
        let service = MigueService(store: store)
        for command in RecordScript.commands { _ = try await service.handle(command) }
        var tables: Set<String> = []
        for record in await store.readAll(from: .start, limit: 1000) {
            for statement in try Projector.statements(for: record) {
                #expect(!statement.sql.contains("now()") && !statement.sql.contains("gen_random_uuid"))
                let words = statement.sql.split(separator: " ")
                if let verb = words.firstIndex(where: { $0 == "INTO" || $0 == "UPDATE" }), verb + 1 < words.count {
                    tables.insert(String(words[verb + 1]))
                }
            }
        }
        #expect(tables == [
            "users", "conversations", "messages_v2", "messaging_windows", "flow_sessions",
            "call_logs", "user_interactions", "user_locations", "user_memory",
            "ai_usage_tracking", "scheduled_messages", "webhook_failures",
        ])
    }
}

/// A script touching every new table once, accepted command by command.
enum RecordScript {
    typealias F = Fixture
    typealias S = Scenario

    static let commands: [CommandEnvelope] = [
        S.register(), S.start(F.id("c1")), S.message("wamid.1", in: F.id("c1"), name: "m1"),
        S.flow("tok-1", name: "flow"), S.call("wacid.1", name: "call"),
        F.command("accept", "call.change-status", at: F.time(6), ["call_id": "wacid.1", "status": "accepted"]),
        F.command("i", "interaction.record", ["interaction_id": F.uuid(F.id("i")), "user_id": F.uuid(F.userID), "interaction_type": "call_accepted"]),
        F.command("l", "location.record", ["location_id": F.uuid(F.id("l")), "user_id": F.uuid(F.userID), "latitude": .double(4.6), "longitude": -74]),
        F.command("m", "memory.record", ["memory_id": F.uuid(F.id("m")), "user_id": F.uuid(F.userID), "type": "fact", "content": "c"]),
        F.command("u", "ai-usage.record", ["usage_id": F.uuid(F.id("u")), "provider": "groq", "task_type": "chat", "cost_usd": 0]),
        F.command("s", "scheduled-message.schedule", ["scheduled_message_id": F.uuid(F.id("s")), "phone_number": .string(F.phone),
                                                      "message": "Hola", "scheduled_at": F.time(F.time(60))]),
        F.command("w", "webhook-failure.record", ["webhook_failure_id": F.uuid(F.id("w")), "request_id": "r", "phone_number": "p",
                                                  "raw_payload": [:], "error_message": "e"]),
    ]
}
