import Foundation
import Migue

/// The story's record-keeping: interactions, locations, memories, AI usage, scheduled messages and
/// the dead-letter queue.
extension MigueStory {
    static let interactions = (tap: S.uuid("interaction-tap"), flow: S.uuid("interaction-flow"),
                               accepted: S.uuid("interaction-accepted"), rejected: S.uuid("interaction-rejected"))
    static let locations = (bogota: S.uuid("location-bogota"), corner: S.uuid("location-corner"), precise: S.uuid("location-precise"))
    static let usages = (chat: S.uuid("usage-chat"), ocr: S.uuid("usage-ocr"), embeddings: S.uuid("usage-embeddings"),
                         image: S.uuid("usage-image"))
    static let scheduled = (sent: S.uuid("scheduled-sent"), failed: S.uuid("scheduled-failed"), pending: S.uuid("scheduled-pending"))
    static let failures = (resolved: S.uuid("failure-resolved"), abandoned: S.uuid("failure-abandoned"))

    /// The memories: (id, user, type, content, category, relevance given, embedding).
    static let memories: [(id: String, user: String, type: String, content: String, category: String?, relevance: Double?, embedding: [Float]?)] = [
        (S.uuid("memory-home"), ana, "fact", "Vive en Chapinero, Bogotá", "personal", 0.9, StoryEmbedding.mix(1, 0)),
        (S.uuid("memory-mornings"), ana, "preference", "Prefiere citas por la mañana", "agenda", nil, StoryEmbedding.mix(0.5, 0.5)),
        (S.uuid("memory-price"), ana, "conversation", "Preguntó por el precio del corte", nil, 0.25, StoryEmbedding.mix(0, 1)),
        (S.uuid("memory-dog"), ana, "fact", "Tiene un perro llamado Toby", "personal", 1, StoryEmbedding.mix(-0.5, 1)),
        (S.uuid("memory-coffee"), ana, "preference", "Le gusta el café sin azúcar", nil, 0, nil),
        (S.uuid("memory-work"), bob, "fact", "Works in San Francisco", "work", 0.75, StoryEmbedding.mix(0.75, 0.25)),
    ]

    /// The webhook body the first dead letter keeps: nested objects, arrays, big integers, escapes and emoji.
    static let rawPayload = #"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":9007199254740993},"contacts":[{"profile":{"name":"Ana"},"wa_id":"573001234567"}],"messages":[{"from":"573001234567","id":"wamid.ana.9","timestamp":"1763805600","type":"text","text":{"body":"¿Qué tal? 👋 \"quoted\"\n\ttab"}}],"ratio":0.125,"flags":[true,false,null]}}]}]}
        """#

    static func records(_ s: inout MigueScript) {
        s.add("interaction.record", at: 4 * h,
              #"{"interaction_id":"\#(interactions.tap)","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","interaction_type":"cta_button_tap","button_title":"Reservar cita","button_url":"https://migue.ai/reservas?ref=wa&utm=nov","metadata":{"campaign":"noviembre"},"timestamp":\#(S.json(4 * h - 30))}"#)
        s.add("interaction.record", at: h + 600,
              #"{"interaction_id":"\#(interactions.flow)","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","interaction_type":"flow_completion","metadata":{"flow_token":"tok-booking"}}"#)
        s.add("interaction.record", at: 4 * h + 10,
              #"{"interaction_id":"\#(interactions.accepted)","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","interaction_type":"call_accepted","metadata":{"call_id":"wacid.call-1"}}"#)
        s.add("interaction.record", at: 5 * h + 20,
              #"{"interaction_id":"\#(interactions.rejected)","user_id":"\#(bob)","interaction_type":"call_rejected"}"#)

        s.add("location.record", at: 3 * h,
              #"{"location_id":"\#(locations.bogota)","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","latitude":4.6765,"longitude":-74.0548,"name":"Parque de la 93","address":"Cl. 93A #11A-11, Bogotá","timestamp":\#(S.json(3 * h - 5))}"#)
        s.add("location.record", at: 30 * h + 2, #"{"location_id":"\#(locations.corner)","user_id":"\#(bob)","latitude":-90,"longitude":180}"#)
        s.add("location.record", at: 30 * h + 3,
              #"{"location_id":"\#(locations.precise)","user_id":"\#(bob)","conversation_id":"\#(bobConversation)","latitude":37.7749295,"longitude":-122.41941551}"#)

        for (index, memory) in memories.enumerated() {
            var fields = #""memory_id":"\#(memory.id)","user_id":"\#(memory.user)","type":"\#(memory.type)","content":"\#(memory.content)""#
            if let category = memory.category { fields += #","category":"\#(category)""# }
            if let relevance = memory.relevance { fields += #","relevance":\#(relevance)"# }
            if let embedding = memory.embedding { fields += #","embedding":\#(StoryEmbedding.json(embedding))"# }
            s.add("memory.record", at: 7 * h + Int64(index), actor: "assistant", "{\(fields)}")
        }

        s.add("ai-usage.record", at: 62, actor: "assistant",
              #"{"usage_id":"\#(usages.chat)","provider":"openai","task_type":"chat","model":"gpt-4o-mini","tokens_input":1200,"tokens_output":350,"cost_usd":0.00042,"user_id":"\#(ana)","conversation_id":"\#(anaFirst)","metadata":{"latency_ms":812,"cached":false}}"#)
        s.add("ai-usage.record", at: 2 * h + 3, actor: "assistant", #"{"usage_id":"\#(usages.ocr)","provider":"tesseract","task_type":"ocr","cost_usd":0}"#)
        s.add("ai-usage.record", at: 7 * h, actor: "assistant",
              #"{"usage_id":"\#(usages.embeddings)","provider":"openai","task_type":"embeddings","model":"text-embedding-3-small","tokens_input":12,"tokens_output":0,"cost_usd":0.00000024,"user_id":"\#(ana)"}"#)
        s.add("ai-usage.record", at: 30 * h + 4, actor: "assistant",
              #"{"usage_id":"\#(usages.image)","provider":"gemini","task_type":"image_analysis","model":"gemini-2.5-flash","tokens_input":2147483647,"cost_usd":9999.99999999,"user_id":"\#(bob)","conversation_id":"\#(bobConversation)"}"#)
    }

    /// One message sent, one failed, one still pending.
    static func scheduledMessages(_ s: inout MigueScript) {
        s.add("scheduled-message.schedule", at: 2 * h, actor: "assistant",
              #"{"scheduled_message_id":"\#(scheduled.sent)","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","phone_number":"\#(anaPhone)","message":"Tu cita es mañana a las 10:30","scheduled_at":\#(S.json(23 * h)),"metadata":{"kind":"reminder","reminder_id":"\#(reminders.sent)"}}"#)
        s.add("scheduled-message.change-status", at: 23 * h + 2, actor: "scheduler", #"{"scheduled_message_id":"\#(scheduled.sent)","status":"sent"}"#)
        s.add("scheduled-message.schedule", at: h, actor: "assistant",
              #"{"scheduled_message_id":"\#(scheduled.failed)","user_id":"\#(bob)","phone_number":"\#(bobPhone)","message":"Your order shipped","scheduled_at":\#(S.json(8 * h))}"#)
        s.add("scheduled-message.change-status", at: 8 * h + 1, actor: "scheduler",
              #"{"scheduled_message_id":"\#(scheduled.failed)","status":"failed","error_message":"(#131047) Re-engagement message"}"#)
        s.add("scheduled-message.schedule", at: 3 * h, actor: "ops",
              #"{"scheduled_message_id":"\#(scheduled.pending)","phone_number":"+573009876543","message":"Bienvenido a migue","scheduled_at":\#(S.json(48 * h))}"#)
    }

    /// A dead letter pending -> retrying -> pending (a failed retry) -> retrying -> resolved, and one abandoned.
    static func webhookFailures(_ s: inout MigueScript) {
        s.add("webhook-failure.record", at: 4 * h, actor: "webhook",
              #"{"webhook_failure_id":"\#(failures.resolved)","request_id":"req-7f3a","phone_number":"\#(anaPhone)","wa_message_id":"wamid.ana.9","raw_payload":\#(rawPayload),"error_message":"gemini: 503 Service Unavailable","error_code":"AI_UNAVAILABLE"}"#)
        s.add("webhook-failure.change-status", at: 4 * h + 60, actor: "retrier", #"{"webhook_failure_id":"\#(failures.resolved)","status":"retrying"}"#)
        s.add("webhook-failure.change-status", at: 4 * h + 120, actor: "retrier",
              #"{"webhook_failure_id":"\#(failures.resolved)","status":"pending","error_message":"timeout calling Gemini","error_code":"ETIMEDOUT"}"#)
        s.add("webhook-failure.change-status", at: 4 * h + 600, actor: "retrier", #"{"webhook_failure_id":"\#(failures.resolved)","status":"retrying"}"#)
        s.add("webhook-failure.change-status", at: 4 * h + 660, actor: "retrier", #"{"webhook_failure_id":"\#(failures.resolved)","status":"resolved"}"#)
        s.add("webhook-failure.record", at: 5 * h, actor: "webhook",
              #"{"webhook_failure_id":"\#(failures.abandoned)","request_id":"req-8b1c","phone_number":"573001234567","raw_payload":"<html>502 Bad Gateway</html>","error_message":"body is not JSON"}"#)
        s.add("webhook-failure.change-status", at: 5 * h + 30, actor: "ops", #"{"webhook_failure_id":"\#(failures.abandoned)","status":"abandoned"}"#)
    }
}
