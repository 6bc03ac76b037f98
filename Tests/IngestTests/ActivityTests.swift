import EventSourcing
import Foundation
import Ingest
import Migue
import Testing

/// The exact activity commands of a few conversations: each slot, and the later turns of outreach.
@Suite struct ActivityTests {
    static let file = CorpusFile(
        language: ChatterbotLanguage.named("es")!, name: "saludos", position: 0, categories: ["saludos"],
        conversations: (0..<8).map { index in
            index == 2 ? ["Estoy en casa"] : ["Hola \(index)", "¿Qué tal?", "Bien, gracias", "Me alegro"]
        })

    /// `+<seconds after the start> <type> <data>`, with ids as `<id>`, an embedding as its count of
    /// non-zero numbers and a raw payload as `<payload>`.
    static func render(_ command: CommandEnvelope, start: Timestamp) -> String {
        var data = command.data
        for (key, value) in data {
            if case .string(let text) = value, UUID(uuidString: text) != nil { data[key] = .string("<id>") }
        }
        if case .array(let numbers)? = data["embedding"] {
            data["embedding"] = .string("<\(numbers.count) numbers, \(numbers.count { $0 != .integer(0) }) non-zero>")
        }
        if data["raw_payload"] != nil { data["raw_payload"] = .string("<payload>") }
        let seconds = Double(command.at.microsecondsSinceEpoch - start.microsecondsSinceEpoch) / 1e6
        return "+\(seconds) \(command.type) \(JSONValue.object(data).encoded)"
    }

    /// The activity of conversation `index` but its memories and AI usage, which every conversation has.
    static func slotCommands(_ index: Int) throws -> [String] {
        let conversation = try ChatterbotImport().conversation(index, of: file)
        return conversation.activity.filter { !["memory.record", "ai-usage.record"].contains($0.type) }
            .map { render($0, start: conversation.setup[0].at) }
    }

    static let slots: [(index: Int, commands: [String])] = [
        (0, [  // flow, turn 0: a booking in progress, then completed
            #"+300.0 flow.create {"conversation_id":"<id>","flow_id":"migue-booking-v1","flow_token":"flow.cb.r0.es.saludos.0","flow_type":"data_exchange","session_data":{"language":"es","topic":"saludos"},"user_id":"<id>"}"#,
            #"+360.0 flow.change-status {"flow_token":"flow.cb.r0.es.saludos.0","status":"in_progress"}"#,
            #"+600.0 flow.change-status {"flow_token":"flow.cb.r0.es.saludos.0","response_data":{"date":"2032-01-12","time":"10:00","topic":"saludos"},"status":"completed"}"#,
            #"+600.0 interaction.record {"conversation_id":"<id>","interaction_id":"<id>","interaction_type":"flow_completion","metadata":{"flow_id":"migue-booking-v1","flow_token":"flow.cb.r0.es.saludos.0"},"timestamp":"2032-01-09T01:56:40.000000Z","user_id":"<id>"}"#,
        ]),
        (1, [  // call, turn 0: a follow-up in the window, a busy user, a callback that ends after 90 s
            #"+600.25 message.record {"content":"Can we call you about “Hola 1”?","conversation_id":"<id>","direction":"outbound","proactive":true,"timestamp":"2032-01-09T01:57:40.000000Z","type":"text","wa_message_id":"wamid.cb.r0.es.saludos.1.follow-up"}"#,
            #"+900.0 call.initiate {"call_id":"wacid.cb.r0.es.saludos.1.0","conversation_id":"<id>","direction":"outbound","timestamp":"2032-01-09T02:02:40.000000Z","user_id":"<id>"}"#,
            #"+920.0 call.change-status {"call_id":"wacid.cb.r0.es.saludos.1.0","end_reason":"user_busy","status":"rejected"}"#,
            #"+920.0 interaction.record {"conversation_id":"<id>","interaction_id":"<id>","interaction_type":"call_rejected","metadata":{"call_id":"wacid.cb.r0.es.saludos.1.0","direction":"outbound"},"timestamp":"2032-01-09T02:03:00.000000Z","user_id":"<id>"}"#,
            #"+1800.0 call.initiate {"call_id":"wacid.cb.r0.es.saludos.1.1","conversation_id":"<id>","direction":"inbound","timestamp":"2032-01-09T02:17:40.000000Z","user_id":"<id>"}"#,
            #"+1805.0 call.change-status {"call_id":"wacid.cb.r0.es.saludos.1.1","status":"accepted"}"#,
            #"+1805.0 interaction.record {"conversation_id":"<id>","interaction_id":"<id>","interaction_type":"call_accepted","metadata":{"call_id":"wacid.cb.r0.es.saludos.1.1","direction":"inbound"},"timestamp":"2032-01-09T02:17:45.000000Z","user_id":"<id>"}"#,
            #"+1895.0 call.change-status {"call_id":"wacid.cb.r0.es.saludos.1.1","duration_seconds":90,"end_reason":"completed","status":"ended"}"#,
        ]),
        (2, [  // location, near Bogotá to 8 decimals, and the map button
            #"+1200.0 location.record {"address":"Bogotá, Colombia","conversation_id":"<id>","latitude":4.71758006,"location_id":"<id>","longitude":-74.10542197,"name":"Bogotá","timestamp":"2032-01-09T02:08:40.000000Z","user_id":"<id>"}"#,
            #"+1260.0 interaction.record {"button_title":"Open in Maps","button_url":"https://www.google.com/maps/search/?api=1&query=4.71758006,-74.10542197","conversation_id":"<id>","interaction_id":"<id>","interaction_type":"cta_button_tap","timestamp":"2032-01-09T02:09:40.000000Z","user_id":"<id>"}"#,
        ]),
        (3, [  // outreach, turn 0: free entry follow-up, a message sent when due, a dead letter resolved on the first retry
            #"+172800.25 message.record {"content":"Still thinking about “Hola 3”? We are here to help.","conversation_id":"<id>","direction":"outbound","proactive":true,"timestamp":"2032-01-11T01:49:40.000000Z","type":"text","wa_message_id":"wamid.cb.r0.es.saludos.3.follow-up"}"#,
            #"+1200.0 scheduled-message.schedule {"conversation_id":"<id>","message":"Hi! Following up on “Hola 3”.","metadata":{"kind":"follow_up"},"phone_number":"+9990019000003","scheduled_at":"2032-01-09T13:49:40.000000Z","scheduled_message_id":"<id>","user_id":"<id>"}"#,
            #"+43201.0 scheduled-message.change-status {"scheduled_message_id":"<id>","status":"sent"}"#,
            #"+172803.0 webhook-failure.record {"error_code":"TIMEOUT","error_message":"handler timed out after 10 s","phone_number":"9990019000003","raw_payload":"<payload>","request_id":"<id>","wa_message_id":"wamid.cb.r0.es.saludos.3.follow-up","webhook_failure_id":"<id>"}"#,
            #"+173103.0 webhook-failure.change-status {"status":"retrying","webhook_failure_id":"<id>"}"#,
            #"+173104.0 webhook-failure.change-status {"status":"resolved","webhook_failure_id":"<id>"}"#,
        ]),
        (7, [  // outreach, turn 1: a message due after every window fails; the dead letter needs two retries
            #"+172800.25 message.record {"content":"Still thinking about “Hola 7”? We are here to help.","conversation_id":"<id>","direction":"outbound","proactive":true,"timestamp":"2032-01-11T01:53:40.000000Z","type":"text","wa_message_id":"wamid.cb.r0.es.saludos.7.follow-up"}"#,
            #"+1200.0 scheduled-message.schedule {"conversation_id":"<id>","message":"Hi! Following up on “Hola 7”.","metadata":{"kind":"follow_up"},"phone_number":"+9990019000007","scheduled_at":"2032-01-13T01:53:40.000000Z","scheduled_message_id":"<id>","user_id":"<id>"}"#,
            #"+345601.0 scheduled-message.change-status {"error_message":"(#131047) Re-engagement message: more than 24 hours have passed since the recipient last replied to this number","scheduled_message_id":"<id>","status":"failed"}"#,
            #"+172803.0 webhook-failure.record {"error_code":"TIMEOUT","error_message":"handler timed out after 10 s","phone_number":"9990019000007","raw_payload":"<payload>","request_id":"<id>","wa_message_id":"wamid.cb.r0.es.saludos.7.follow-up","webhook_failure_id":"<id>"}"#,
            #"+173103.0 webhook-failure.change-status {"status":"retrying","webhook_failure_id":"<id>"}"#,
            #"+173105.0 webhook-failure.change-status {"error_code":"DB_UNAVAILABLE","error_message":"database unavailable: connection refused","status":"pending","webhook_failure_id":"<id>"}"#,
            #"+174603.0 webhook-failure.change-status {"status":"retrying","webhook_failure_id":"<id>"}"#,
            #"+174604.0 webhook-failure.change-status {"status":"resolved","webhook_failure_id":"<id>"}"#,
        ]),
    ]

    @Test(arguments: slots.indices)
    func eachSlotGivesExactlyTheseCommands(row: Int) throws {
        #expect(try Self.slotCommands(Self.slots[row].index) == Self.slots[row].commands)
    }

    @Test func memoriesAndUsageOfATwoExchangeConversation() throws {
        let conversation = try ChatterbotImport().conversation(0, of: Self.file)
        let rest = conversation.activity.filter { ["memory.record", "ai-usage.record"].contains($0.type) }
        #expect(rest.map { Self.render($0, start: conversation.setup[0].at) } == [
            #"+600.0 memory.record {"category":"saludos","content":"Hola 0 — ¿Qué tal?","embedding":"<1536 numbers, 4 non-zero>","memory_id":"<id>","relevance":0.75,"type":"conversation","user_id":"<id>"}"#,
            #"+601.0 memory.record {"category":"saludos","content":"Bien, gracias — Me alegro","embedding":"<1536 numbers, 4 non-zero>","memory_id":"<id>","relevance":1,"type":"conversation","user_id":"<id>"}"#,
            #"+602.0 memory.record {"category":"topics","content":"Talks about saludos","embedding":"<1536 numbers, 3 non-zero>","memory_id":"<id>","relevance":0.8,"type":"fact","user_id":"<id>"}"#,
            #"+603.0 memory.record {"category":"language","content":"Prefers to chat in spanish","memory_id":"<id>","relevance":0.9,"type":"preference","user_id":"<id>"}"#,
            // 2 replies: (120 + 2) + (120 + 2 + 3 + 4) tokens in, 3 + 3 out, at $0.30 / $2.50 per million.
            #"+7.0 ai-usage.record {"conversation_id":"<id>","cost_usd":9.03e-05,"metadata":{"replies":2},"model":"gemini-2.5-flash","provider":"gemini","task_type":"chat","tokens_input":251,"tokens_output":6,"usage_id":"<id>","user_id":"<id>"}"#,
            #"+600.0 ai-usage.record {"conversation_id":"<id>","cost_usd":3.4e-07,"metadata":{"memories":3},"model":"text-embedding-3-small","provider":"openai","task_type":"embeddings","tokens_input":17,"usage_id":"<id>","user_id":"<id>"}"#,
            // 3 s of audio at $0.04 an hour.
            #"+3.0 ai-usage.record {"conversation_id":"<id>","cost_usd":3.333e-05,"metadata":{"audio_seconds":3,"wa_message_id":"wamid.cb.r0.es.saludos.0.0"},"model":"whisper-large-v3-turbo","provider":"groq","task_type":"audio_transcription","usage_id":"<id>","user_id":"<id>"}"#,
        ])
    }

    @Test func aOneLineConversationHasNoChatUsageAndItsPhotoIsAnalysed() throws {
        let conversation = try ChatterbotImport().conversation(2, of: Self.file)
        let usage = conversation.activity.filter { $0.type == "ai-usage.record" }.map { $0.data["task_type"] }
        #expect(usage == [.string("embeddings"), .string("image_analysis")])
    }

    @Test func onlyTheOutreachConversationsComeThroughAFreeEntryPoint() throws {
        let generator = try ChatterbotImport()
        let flagged = try (0..<8).filter { try generator.conversation($0, of: Self.file).messages[0].data["free_entry_point"] != nil }
        #expect(flagged == [3, 7])
    }

    /// The receipt is timestamped a second before the failure: the start (1957225780) + 2 days + 2 s.
    @Test func theDeadLetterKeepsWhatsAppsStatusWebhook() throws {
        let failure = try #require(try ChatterbotImport().conversation(3, of: Self.file).activity.first { $0.type == "webhook-failure.record" })
        #expect(failure.data["raw_payload"]?.encoded == #"{"entry":[{"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.cb.r0.es.saludos.3.follow-up","recipient_id":"9990019000003","status":"delivered","timestamp":"1957398582"}]}}],"id":"102290129340398"}],"object":"whatsapp_business_account"}"#)
    }
}
