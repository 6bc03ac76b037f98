import EventSourcing
import Foundation
import Migue
import Postgres
import Testing

/// The story's memories, AI usage, scheduled messages and dead letters, as the runner projected
/// them: every column of every row, after each state machine's moves.
@Suite struct MigueRecordTableTests {
    typealias Story = MigueStory
    static let h = MigueScript.hour

    /// Relevance as PostgreSQL prints the `FLOAT` (an absent one is the seed's default 0.5), and the
    /// embedding number by number (pgvector's text of these floats is exact).
    @Test func userMemory() async throws {
        let connection = try await ProjectedStory.connect()
        let relevances = ["0.9", "0.5", "0.25", "1", "0", "0.75"]
        for (index, memory) in Story.memories.enumerated() {
            try connection.expectRow("user_memory", id: memory.id, [
                "id": .text(memory.id), "user_id": .text(memory.user), "type": .text(memory.type), "content": .text(memory.content),
                "category": memory.category.map(Cell.text) ?? .null, "relevance": .text(relevances[index]),
                "embedding": memory.embedding.map(Cell.vector) ?? .null,
                "created_at": .time(7 * Self.h + Int64(index)), "updated_at": .time(7 * Self.h + Int64(index)),
            ])
        }
        let dimensions = try connection.query("SELECT vector_dims(embedding) AS d FROM migue.user_memory WHERE embedding IS NOT NULL")
        #expect(try dimensions.map { try $0.decode("d", as: Int.self) } == Array(repeating: 1536, count: 5))
    }

    /// Costs at the column's scale of 8: a fraction, zero, one given as 2.4e-07, and the largest that fits.
    @Test func aiUsageTracking() async throws {
        let connection = try await ProjectedStory.connect()
        let ids = Story.usages
        func expect(
            _ id: String, provider: String, task: String, model: String?, input: String?, output: String?, cost: String,
            user: String?, conversation: String?, metadata: String?, created: Int64
        ) throws {
            try connection.expectRow("ai_usage_tracking", id: id, [
                "id": .text(id), "provider": .text(provider), "task_type": .text(task), "model": model.map(Cell.text) ?? .null,
                "tokens_input": input.map(Cell.text) ?? .null, "tokens_output": output.map(Cell.text) ?? .null,
                "cost_usd": .text(cost), "user_id": user.map(Cell.text) ?? .null,
                "conversation_id": conversation.map(Cell.text) ?? .null, "metadata": metadata.map(Cell.json) ?? .null,
                "created_at": .time(created),
            ])
        }
        try expect(
            ids.chat, provider: "openai", task: "chat", model: "gpt-4o-mini", input: "1200", output: "350", cost: "0.00042000",
            user: Story.ana, conversation: Story.anaFirst, metadata: #"{"latency_ms":812,"cached":false}"#, created: 62)
        try expect(
            ids.ocr, provider: "tesseract", task: "ocr", model: nil, input: nil, output: nil, cost: "0.00000000", user: nil,
            conversation: nil, metadata: nil, created: 2 * Self.h + 3)
        try expect(
            ids.embeddings, provider: "openai", task: "embeddings", model: "text-embedding-3-small", input: "12", output: "0",
            cost: "0.00000024", user: Story.ana, conversation: nil, metadata: nil, created: 7 * Self.h)
        try expect(
            ids.image, provider: "gemini", task: "image_analysis", model: "gemini-2.5-flash", input: "2147483647", output: nil,
            cost: "9999.99999999", user: Story.bob, conversation: Story.bobConversation, metadata: nil, created: 30 * Self.h + 4)
        let type = try connection.query(
            "SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'migue.ai_usage_tracking'::regclass AND attname = 'cost_usd'")
        #expect(try type[0].decode("type", as: String.self) == "numeric(12,8)")
    }

    /// pending -> sent sets sent_at; pending -> failed sets error_message; one stays pending.
    @Test func scheduledMessages() async throws {
        let connection = try await ProjectedStory.connect()
        let ids = Story.scheduled
        try connection.expectRow("scheduled_messages", id: ids.sent, [
            "id": .text(ids.sent), "user_id": .text(Story.ana), "conversation_id": .text(Story.anaFirst),
            "phone_number": .text(Story.anaPhone), "message": .text("Tu cita es mañana a las 10:30"),
            "scheduled_at": .time(23 * Self.h), "status": .text("sent"), "sent_at": .time(23 * Self.h + 2), "error_message": .null,
            "metadata": .json(#"{"kind":"reminder","reminder_id":"\#(Story.reminders.sent)"}"#), "created_at": .time(2 * Self.h),
            "updated_at": .time(23 * Self.h + 2),
        ])
        try connection.expectRow("scheduled_messages", id: ids.failed, [
            "id": .text(ids.failed), "user_id": .text(Story.bob), "conversation_id": .null, "phone_number": .text(Story.bobPhone),
            "message": .text("Your order shipped"), "scheduled_at": .time(8 * Self.h), "status": .text("failed"), "sent_at": .null,
            "error_message": .text("(#131047) Re-engagement message"), "metadata": .null, "created_at": .time(Self.h),
            "updated_at": .time(8 * Self.h + 1),
        ])
        try connection.expectRow("scheduled_messages", id: ids.pending, [
            "id": .text(ids.pending), "user_id": .null, "conversation_id": .null, "phone_number": .text("+573009876543"),
            "message": .text("Bienvenido a migue"), "scheduled_at": .time(48 * Self.h), "status": .text("pending"), "sent_at": .null,
            "error_message": .null, "metadata": .null, "created_at": .time(3 * Self.h), "updated_at": .time(3 * Self.h),
        ])
    }

    /// pending -> retrying -> pending (with the failed retry's error) -> retrying -> resolved counts two
    /// retries; the raw payload is kept as given, a 64-bit integer beyond a double's exact range included.
    @Test func webhookFailures() async throws {
        let connection = try await ProjectedStory.connect()
        let ids = Story.failures
        try connection.expectRow("webhook_failures", id: ids.resolved, [
            "id": .text(ids.resolved), "request_id": .text("req-7f3a"), "phone_number": .text(Story.anaPhone),
            "wa_message_id": .text("wamid.ana.9"), "raw_payload": .json(Story.rawPayload),
            "error_message": .text("timeout calling Gemini"), "error_code": .text("ETIMEDOUT"), "status": .text("resolved"),
            "retry_count": .text("2"), "created_at": .time(4 * Self.h), "updated_at": .time(4 * Self.h + 660),
        ])
        try connection.expectRow("webhook_failures", id: ids.abandoned, [
            "id": .text(ids.abandoned), "request_id": .text("req-8b1c"), "phone_number": .text("573001234567"), "wa_message_id": .null,
            "raw_payload": .json(#""<html>502 Bad Gateway</html>""#), "error_message": .text("body is not JSON"), "error_code": .null,
            "status": .text("abandoned"), "retry_count": .text("0"), "created_at": .time(5 * Self.h), "updated_at": .time(5 * Self.h + 30),
        ])
        let payload = try connection.query(
            """
            SELECT raw_payload #>> '{entry,0,changes,0,value,metadata,phone_number_id}' AS big,
                   raw_payload #>> '{entry,0,changes,0,value,messages,0,text,body}' AS body
            FROM migue.webhook_failures WHERE id = $1
            """, [ids.resolved])[0]
        #expect(payload["big"] == "9007199254740993")
        #expect(payload["body"] == "¿Qué tal? 👋 \"quoted\"\n\ttab")
    }
}
