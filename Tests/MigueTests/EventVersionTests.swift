import EventSourcing
import Foundation
import Testing
@testable import Migue

/// `migue.message.recorded` v1 and v2: the upcaster, and logs that hold both versions.
@Suite struct EventVersionTests {
    typealias F = Fixture
    typealias S = Scenario
    static let c1 = F.id("c1")

    /// The payload of a v1 `migue.message.recorded` exactly as the code before v2 wrote it.
    static func v1Payload(
        wa: String, direction: String = "inbound", content: String? = "hola", mediaURL: String? = nil,
        flag: String? = nil
    ) -> String {
        var fields = [
            #""conversation_id":"\#(c1.uuidString)""#, #""direction":"\#(direction)""#,
            #""message_id":"\#(Migue.messageID(waMessageID: wa).uuidString)""#,
            #""recorded_at":"2026-11-22T10:03:00.000000Z""#, #""timestamp":"2026-11-22T10:02:30.000000Z""#,
            #""type":"\#(mediaURL == nil ? "text" : "image")""#, #""wa_message_id":"\#(wa)""#,
        ]
        if let content { fields.append(#""content":"\#(content)""#) }
        if let mediaURL { fields.append(#""media_url":"\#(mediaURL)""#) }
        if let flag { fields.append(#""\#(flag)":true"#) }
        return "{" + fields.sorted().joined(separator: ",") + "}"
    }

    static let upcasts: [(v1: JSONValue, v2: JSONValue)] = [
        (["content": "hola", "direction": "inbound"],
         ["content": "hola", "direction": "inbound", "proactive": false, "free_entry_point": false]),
        (["direction": "outbound", "proactive": true],
         ["direction": "outbound", "proactive": true, "free_entry_point": false]),
        (["direction": "inbound", "free_entry_point": true],
         ["direction": "inbound", "proactive": false, "free_entry_point": true]),
        (["media_url": "https://cdn.example/a.jpg", "type": "image", "proactive": .null],
         ["media_url": "https://cdn.example/a.jpg", "type": "image", "proactive": false, "free_entry_point": false]),
    ]

    @Test(arguments: upcasts)
    func theUpcasterWritesTheFlagsV1LeftOut(v1: JSONValue, v2: JSONValue) throws {
        guard case .object(let object) = v1 else { throw Unexpected(value: v1) }
        #expect(JSONValue.object(Message.upcastRecordedV1(object)) == v2)
    }

    @Test func aV1PayloadDecodesToTheCurrentShape() throws {
        let payload = Array(Self.v1Payload(wa: "wamid.old", direction: "outbound", mediaURL: "https://cdn.example/a.jpg", flag: "proactive").utf8)
        let event = try Message.Event(type: "migue.message.recorded", version: 1, payload: payload)
        #expect(event == .recorded(Message.Recorded(
            messageID: Migue.messageID(waMessageID: "wamid.old"), conversationID: Self.c1, direction: .outbound, kind: .image,
            content: "hola", mediaURL: "https://cdn.example/a.jpg", mediaMimeType: nil, waMessageID: "wamid.old",
            timestamp: F.time(3).adding(seconds: -30), proactive: true, freeEntryPoint: false, recordedAt: F.time(3))))
    }

    @Test func theDeciderWritesV2WithEveryFlag() throws {
        var record = MessageTests.record(.image, content: nil, media: "https://cdn.example/a.jpg")
        record.mediaMimeType = "image/jpeg"
        let events = try Message.decide(.record(record), Message.initial)
        #expect(events.map(\.schemaVersion) == [2])
        let text = String(decoding: events[0].payload, as: UTF8.self)
        #expect(text.contains(#""free_entry_point":false"#) && text.contains(#""proactive":false"#))
        #expect(text.contains(#""media_mime_type":"image/jpeg""#))
        #expect(try Message.Event(type: events[0].type, version: 2, payload: events[0].payload) == events[0])
    }

    @Test(arguments: [0, 3, 9] as [UInt16])
    func aVersionThisCodeDoesNotKnowIsAnError(version: UInt16) {
        let payload = Array(Self.v1Payload(wa: "wamid.x").utf8)
        #expect(throws: EventDecodingError(
            type: "migue.message.recorded", version: version, reason: "unknown schema version (the newest this code reads is 2)"
        )) { try Message.Event(type: "migue.message.recorded", version: version, payload: payload) }
    }

    @Test func aV2PayloadWithoutItsFlagsIsAnError() {
        let v1Bytes = Array(Self.v1Payload(wa: "wamid.x").utf8)
        #expect(throws: EventDecodingError.self) { try Message.Event(type: "migue.message.recorded", version: 2, payload: v1Bytes) }
        #expect(throws: EventDecodingError.self) { try Message.Event(type: "migue.message.recorded", version: 1, payload: Array("[1]".utf8)) }
    }

    /// v1 bytes appended as the old code stored them, next to v2 events the service writes now.
    static func mixedLog() async throws -> Scenario {
        let scenario = Scenario()
        try await scenario.given(S.register(), S.start(c1))
        for (wa, payload) in [
            ("wamid.old1", v1Payload(wa: "wamid.old1")),
            ("wamid.old2", v1Payload(wa: "wamid.old2", direction: "outbound", mediaURL: "https://cdn.example/b.jpg", flag: "proactive")),
        ] {
            let old = ProposedEvent(
                id: F.id("old/\(wa)"), type: "migue.message.recorded", schemaVersion: 1, recordedAt: F.time(3),
                metadata: EventMetadata(actor: "old-code"), payload: Array(payload.utf8))
            _ = try await scenario.store.append(
                [old], to: MigueStream.message(Migue.messageID(waMessageID: wa)), expected: .noStream, durability: .durable)
        }
        try await scenario.given(F.command("new", "message.record", at: F.time(5), [
            "conversation_id": F.uuid(c1), "direction": "inbound", "type": "audio", "media_url": "https://cdn.example/c.ogg",
            "media_mime_type": "audio/ogg; codecs=opus", "wa_message_id": "wamid.new", "timestamp": F.time(F.time(5)),
        ]))
        return scenario
    }

    @Test func aLogHoldingBothVersionsProjectsEveryMessage() async throws {
        let log = try await Self.mixedLog().store.readCategory("migue.message", from: .start, limit: 100)
        #expect(log.map(\.schemaVersion) == [1, 1, 2])
        let inserts = try log.flatMap { try Projector.statements(for: $0) }
        let insert = "INSERT INTO messages_v2 (id, conversation_id, direction, type, content, media_url, wa_message_id, timestamp, "
            + "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        #expect(inserts == [
            SQLStatement(insert, [
                .uuid(Migue.messageID(waMessageID: "wamid.old1")), .uuid(Self.c1), .text("inbound"), .text("text"), .text("hola"),
                .null, .text("wamid.old1"), .timestamp(F.time(3).adding(seconds: -30)), .timestamp(F.time(3))], expectedRows: 1),
            SQLStatement(insert, [
                .uuid(Migue.messageID(waMessageID: "wamid.old2")), .uuid(Self.c1), .text("outbound"), .text("image"), .text("hola"),
                .text("https://cdn.example/b.jpg"), .text("wamid.old2"), .timestamp(F.time(3).adding(seconds: -30)),
                .timestamp(F.time(3))], expectedRows: 1),
            SQLStatement(insert, [
                .uuid(Migue.messageID(waMessageID: "wamid.new")), .uuid(Self.c1), .text("inbound"), .text("audio"), .null,
                .text("https://cdn.example/c.ogg"), .text("wamid.new"), .timestamp(F.time(5)), .timestamp(F.time(5))], expectedRows: 1),
        ])
    }

    @Test func aLogHoldingBothVersionsFoldsEveryMessage() async throws {
        let scenario = try await Self.mixedLog()
        let old = try await scenario.state(Message.self, MigueStream.message(Migue.messageID(waMessageID: "wamid.old2")))
        #expect(old.recorded?.proactive == true && old.recorded?.freeEntryPoint == false && old.recorded?.mediaMimeType == nil)
        let new = try await scenario.state(Message.self, MigueStream.message(Migue.messageID(waMessageID: "wamid.new")))
        #expect(new.recorded?.mediaMimeType == "audio/ogg; codecs=opus" && new.recorded?.proactive == false)
        let (redelivered, appended) = try await scenario.when(S.message("wamid.old1", in: Self.c1, name: "old1 again"))
        #expect(redelivered == .accepted([]))
        #expect(appended.isEmpty)
        let shown = try Migue.state(
            of: MigueStream.message(Migue.messageID(waMessageID: "wamid.old1")),
            events: try await scenario.store.read(
                stream: MigueStream.message(Migue.messageID(waMessageID: "wamid.old1")), from: 0, direction: .forwards, limit: 10))
        guard case .object(let state) = shown.state, case .object(let recorded) = state["recorded"] else { throw Unexpected(value: shown.state) }
        #expect(recorded["proactive"] == false && recorded["free_entry_point"] == false && recorded["media_mime_type"] == nil)
    }

    struct Unexpected: Error { var value: JSONValue }
}

@Suite struct MemoryVersionTests {
    /// A v1 payload as the old code wrote it: the embedding as a JSON array of numbers.
    static func v1Payload(_ embedding: [Float]) -> [UInt8] {
        let numbers = embedding.map { "\($0)" }.joined(separator: ",")
        return Array(#"{"content":"likes jazz","created_at":"2026-11-22T10:00:00.000000Z","embedding":[\#(numbers)],"memory_id":"00000000-0000-4000-8000-000000000001","relevance":0.5,"type":"preference","user_id":"00000000-0000-4000-8000-000000000002"}"#.utf8)
    }

    static let zeros = [Float](repeating: 0, count: 1536)
    static let ramp: [Float] = (0..<1536).map { (index: Int) -> Float in Float(index) / 1536 - 0.5 }
    static let extremes: [Float] = (0..<1536).map { (index: Int) -> Float in
        index % 2 == 0 ? Float.leastNonzeroMagnitude : -Float.greatestFiniteMagnitude
    }

    @Test(arguments: [zeros, ramp, extremes])
    func v1EmbeddingsUpcastToTheSameFloats(embedding: [Float]) throws {
        let event = try Memory.Event(type: "migue.memory.recorded", version: 1, payload: Self.v1Payload(embedding))
        guard case .recorded(let recorded) = event else { Issue.record("not a recorded memory"); return }
        #expect(recorded.embedding == embedding)
        #expect(recorded.content == "likes jazz")
        // Written again, it is v2: base64, and it reads back equal.
        #expect(event.schemaVersion == 2)
        let again = try Memory.Event(type: "migue.memory.recorded", version: 2, payload: event.payload)
        #expect(again == event)
        #expect(String(decoding: event.payload, as: UTF8.self).contains(#""embedding":""#))
    }

    @Test func aMemoryWithoutEmbeddingIsTheSameInBothVersions() throws {
        let payload = Array(#"{"content":"x","created_at":"2026-11-22T10:00:00.000000Z","memory_id":"00000000-0000-4000-8000-000000000001","relevance":1,"type":"fact","user_id":"00000000-0000-4000-8000-000000000002"}"#.utf8)
        #expect(try Memory.Event(type: "migue.memory.recorded", version: 1, payload: payload)
            == Memory.Event(type: "migue.memory.recorded", version: 2, payload: payload))
    }

    @Test func aBadEmbeddingIsRefusedNotGuessed() {
        let payload = Array(#"{"content":"x","created_at":"2026-11-22T10:00:00.000000Z","embedding":"not base64!","memory_id":"00000000-0000-4000-8000-000000000001","relevance":1,"type":"fact","user_id":"00000000-0000-4000-8000-000000000002"}"#.utf8)
        #expect(throws: EventDecodingError.self) { try Memory.Event(type: "migue.memory.recorded", version: 2, payload: payload) }
        #expect(throws: EventDecodingError.self) { try Memory.Event(type: "migue.memory.recorded", version: 3, payload: payload) }
    }
}
