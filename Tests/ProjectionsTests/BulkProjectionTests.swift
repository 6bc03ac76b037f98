import EventSourcing
import Foundation
import Migue
import Postgres
import Projections
import Testing

/// Runs of ten records of each kind, so the runner loads them with COPY (plain inserts) or one
/// multi-row INSERT (inserts with literals); the rows must be the ones single-statement batches
/// write, text that COPY must escape and the float edges of an embedding included.
@Suite struct BulkProjectionTests {
    typealias S = MigueScript
    typealias Story = MigueStory
    static let h = MigueScript.hour
    static let run = 10

    /// Text that COPY's text format must escape: a backslash, `\N`, `\.` alone, tab, newline, CR.
    static func awkward(_ index: Int) -> String { "línea \(index)\t\\N \\. \\\\ \"q\"\r\n\\." }

    /// Embedding numbers at the edges of single precision (largest, smallest normal, subnormal, -0).
    static let edges: [Float] = [.greatestFiniteMagnitude, -.leastNormalMagnitude, .leastNonzeroMagnitude, -0.0, 0.1, -1e-8]

    static func embedding(_ index: Int) -> [Float] {
        (0..<StoryEmbedding.dimensions).map { edges[($0 + index) % edges.count] }
    }

    /// `text` as a JSON string.
    static func json(_ text: String) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed), as: UTF8.self)
    }

    /// The story, then runs of ten of each record.
    static func script() throws -> MigueScript {
        var script = Story.script
        let at = 40 * h
        for index in 0..<run {
            script.add("memory.record", at: at + Int64(index),
                       #"{"memory_id":"\#(S.uuid("bulk-memory-\(index)"))","user_id":"\#(Story.ana)","type":"fact","content":\#(try json(awkward(index))),"relevance":0.\#(index),"embedding":\#(StoryEmbedding.json(embedding(index)))}"#)
        }
        for index in 0..<run {
            script.add("location.record", at: at + 100 + Int64(index),
                       #"{"location_id":"\#(S.uuid("bulk-location-\(index)"))","user_id":"\#(Story.bob)","latitude":\#(index * 9 - 40).12345678,"longitude":-179.\#(index)1234567,"name":\#(try json(awkward(index)))}"#)
        }
        for index in 0..<run {
            script.add("interaction.record", at: at + 200 + Int64(index),
                       #"{"interaction_id":"\#(S.uuid("bulk-interaction-\(index)"))","user_id":"\#(Story.ana)","interaction_type":"cta_button_tap","button_title":\#(try json(awkward(index))),"button_url":"","metadata":{"k":\#(try json(awkward(index)))}}"#)
        }
        for index in 0..<run {
            script.add("ai-usage.record", at: at + 300 + Int64(index),
                       #"{"usage_id":"\#(S.uuid("bulk-usage-\(index)"))","provider":"groq","task_type":"audio_transcription","tokens_input":\#(index),"cost_usd":0.0000000\#(index)}"#)
        }
        for index in 0..<run {
            script.add("webhook-failure.record", at: at + 400 + Int64(index),
                       #"{"webhook_failure_id":"\#(S.uuid("bulk-failure-\(index)"))","request_id":"bulk-\#(index)","phone_number":\#(try json(awkward(index))),"raw_payload":{"n":-9223372036854775808,"s":\#(try json(awkward(index))),"a":[1.5e300,0.1]},"error_message":\#(try json(awkward(index))),"error_code":""}"#)
        }
        for index in 0..<run {
            script.add("flow.create", at: at + 500 + Int64(index),
                       #"{"flow_token":"bulk-\#(index)","user_id":"\#(Story.bob)","flow_id":\#(try json(awkward(index))),"flow_type":"navigate","session_data":{"i":\#(index)}}"#)
        }
        for index in 0..<run {
            script.add("call.initiate", at: at + 600 + Int64(index),
                       #"{"call_id":"bulk.\#(index)","user_id":"\#(Story.ana)","direction":"outbound"}"#)
        }
        for index in 0..<run {
            script.add("scheduled-message.schedule", at: at + 700 + Int64(index),
                       #"{"scheduled_message_id":"\#(S.uuid("bulk-scheduled-\(index)"))","phone_number":"+3460000\#(1000 + index)","message":\#(try json(awkward(index))),"scheduled_at":\#(S.json(50 * h))}"#)
        }
        return script
    }

    @Test func runsGoThroughCOPYAndMultiRowInsertsAndWriteTheSameRowsAsSingleStatements() async throws {
        let store = InMemoryEventStore()
        try await MigueService(store: store).submit(try Self.script())
        let events = await store.readAll(from: .start, limit: 10_000)
        let plan = StatementCoalescer.plan(try events.flatMap { try Projector.statements(for: $0) })
        let copied = Set(plan.compactMap { if case .copy(let table, _, let rows) = $0, rows.count == Self.run { table } else { nil } })
        #expect(copied == ["user_memory", "user_locations", "user_interactions", "ai_usage_tracking", "webhook_failures"])
        let merged = plan.compactMap { if case .statement(let statement) = $0, statement.parameters.count > 20 { statement.sql } else { nil } }
        #expect(merged.filter { $0.hasPrefix("INSERT INTO flow_sessions") || $0.hasPrefix("INSERT INTO call_logs") }.count == 2)
        #expect(merged.contains { $0.hasPrefix("INSERT INTO scheduled_messages") })

        let bulk = try ProjectedStory.migratedDatabase()
        defer { bulk.drop() }
        let single = try ProjectedStory.migratedDatabase()
        defer { single.drop() }
        #expect(try await ProjectedStory.project(store, into: bulk, batchSize: 10_000) == events.count)
        #expect(try await ProjectedStory.project(store, into: single, batchSize: 1) == events.count)
        let bulkConnection = try ProjectedStory.utc(bulk.connect())
        let fingerprints = try ReprojectionTests.fingerprints(bulkConnection)
        #expect(try ReprojectionTests.fingerprints(try ProjectedStory.utc(single.connect())) == fingerprints)
        #expect(fingerprints["user_memory"]?.hasPrefix("16 ") == true)

        // And the loaded rows hold exactly what the commands said.
        let memory = S.uuid("bulk-memory-3")
        try bulkConnection.expectRow("user_memory", id: memory, [
            "id": .text(memory), "user_id": .text(Story.ana), "type": .text("fact"), "content": .text(Self.awkward(3)),
            "category": .null, "relevance": .text("0.3"), "embedding": .vector(Self.embedding(3)),
            "created_at": .time(40 * Self.h + 3), "updated_at": .time(40 * Self.h + 3),
        ])
        let failure = S.uuid("bulk-failure-7")
        try bulkConnection.expectRow("webhook_failures", id: failure, [
            "id": .text(failure), "request_id": .text("bulk-7"), "phone_number": .text(Self.awkward(7)), "wa_message_id": .null,
            "raw_payload": .json(#"{"n":-9223372036854775808,"s":\#(try Self.json(Self.awkward(7))),"a":[1.5e300,0.1]}"#),
            "error_message": .text(Self.awkward(7)), "error_code": .text(""), "status": .text("pending"), "retry_count": .text("0"),
            "created_at": .time(40 * Self.h + 407), "updated_at": .time(40 * Self.h + 407),
        ])
        let location = S.uuid("bulk-location-9")
        try bulkConnection.expectRow("user_locations", id: location, [
            "id": .text(location), "user_id": .text(Story.bob), "conversation_id": .null, "latitude": .text("41.12345678"),
            "longitude": .text("-179.91234567"), "name": .text(Self.awkward(9)), "address": .null,
            "timestamp": .time(40 * Self.h + 109), "created_at": .time(40 * Self.h + 109),
        ])
    }
}
