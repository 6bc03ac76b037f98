import Foundation
import Migue

/// A day and a half of migue for two users, written to touch every one of its thirteen tables and
/// every state machine: the commands here and in `MigueStory+Records.swift`, the expected rows in
/// the `Migue*TableTests` suites. Times are seconds after `MigueScript.t0` (2026-11-22 10:00 UTC).
enum MigueStory {
    typealias S = MigueScript
    static let h = MigueScript.hour

    static let anaPhone = "+573001234567"
    static let bobPhone = "+14155550100"
    static let ana = S.userID(anaPhone)
    static let bob = S.userID(bobPhone)

    static let anaWaConversation = "wa-conv-ana-1"
    static let anaFirst = Migue.conversationID(waConversationID: anaWaConversation).uuidString.lowercased()
    static let anaSecond = S.uuid("conversation-ana-2")
    static let bobConversation = S.uuid("conversation-bob-1")

    static let proactive = [S.uuid("message-proactive-1"), S.uuid("message-proactive-2"), S.uuid("message-proactive-3"),
                            S.uuid("message-proactive-4")]
    static let bobUnidentified = S.uuid("message-bob-3")
    static let sendToken = S.uuid("send-token-r1")
    static let reminders = (sent: S.uuid("reminder-cita"), rescheduled: S.uuid("reminder-luz"), cancelled: S.uuid("reminder-mom"))

    /// Every command of the story, in the order they are submitted.
    static var script: MigueScript {
        var script = MigueScript()
        core(&script)
        messages(&script)
        reminderMoves(&script)
        flows(&script)
        calls(&script)
        records(&script)
        scheduledMessages(&script)
        webhookFailures(&script)
        return script
    }

    /// Users and conversations, with a profile change and the active conversation moving between two.
    static func core(_ s: inout MigueScript) {
        s.add("user.register", at: 0, #"{"phone_number":"\#(anaPhone)","name":"Ana","preferences":{"language":"es","timezone":"America/Bogota"}}"#)
        s.add("user.register", at: 5, #"{"phone_number":"\#(bobPhone)"}"#)
        s.add("conversation.start", at: 10, #"{"user_id":"\#(ana)","wa_conversation_id":"\#(anaWaConversation)"}"#)
        s.add("conversation.start", at: 20, #"{"conversation_id":"\#(anaSecond)","user_id":"\#(ana)","status":"archived"}"#)
        s.add("conversation.start", at: 30, #"{"conversation_id":"\#(bobConversation)","user_id":"\#(bob)"}"#)
        s.add("user.update-profile", at: 2 * h, actor: "assistant",
              #"{"user_id":"\#(ana)","name":"Ana María","preferences":{"language":"es","timezone":"America/Bogota","tone":"formal"}}"#)
        s.add("conversation.change-status", at: 6 * h, actor: "assistant", #"{"conversation_id":"\#(anaFirst)","status":"archived"}"#)
        s.add("conversation.change-status", at: 6 * h + 10, actor: "assistant", #"{"conversation_id":"\#(anaSecond)","status":"active"}"#)
    }

    /// Ana writes through an ad (a free entry point) and again; four proactive messages over two
    /// UTC days. Bob writes, his window lapses, and he writes again (once without a WhatsApp id).
    static func messages(_ s: inout MigueScript) {
        func record(_ at: Int64, _ fields: String) {
            s.add("message.record", at: at, #"{\#(fields),"timestamp":\#(S.json(at - 2))}"#)
        }
        record(62, #""conversation_id":"\#(anaFirst)","direction":"inbound","type":"text","content":"Hola, vi su anuncio","wa_message_id":"wamid.ana.1","free_entry_point":true"#)
        record(92, #""conversation_id":"\#(anaFirst)","direction":"outbound","type":"text","content":"¡Hola Ana! ¿En qué te ayudo?","wa_message_id":"wamid.ana.2""#)
        record(2 * h + 2, #""conversation_id":"\#(anaFirst)","direction":"inbound","type":"image","media_url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1","wa_message_id":"wamid.ana.3""#)
        record(3 * h + 2, #""message_id":"\#(proactive[0])","conversation_id":"\#(anaFirst)","direction":"outbound","type":"text","content":"Recuerda tu cita de mañana","proactive":true"#)
        record(5 * h + 2, #""message_id":"\#(proactive[1])","conversation_id":"\#(anaFirst)","direction":"outbound","type":"text","content":"¿Confirmas la hora?","proactive":true"#)
        // 2026-11-23 06:00 and 07:00 UTC: a new UTC day, counted from 1 again; c2 is active by then.
        record(20 * h + 2, #""message_id":"\#(proactive[2])","conversation_id":"\#(anaSecond)","direction":"outbound","type":"text","content":"Buenos días","proactive":true"#)
        record(21 * h + 2, #""message_id":"\#(proactive[3])","conversation_id":"\#(anaSecond)","direction":"outbound","type":"interactive","content":"¿Reservamos?","proactive":true"#)
        record(h + 2, #""conversation_id":"\#(bobConversation)","direction":"inbound","type":"text","content":"hi","wa_message_id":"wamid.bob.1""#)
        record(30 * h + 2, #""conversation_id":"\#(bobConversation)","direction":"inbound","type":"location","content":"📍 Parque de la 93","wa_message_id":"wamid.bob.2""#)
        record(30 * h + 62, #""message_id":"\#(bobUnidentified)","conversation_id":"\#(bobConversation)","direction":"inbound","type":"text","content":"still there?""#)
        s.add("conversation.change-status", at: 31 * h, actor: "ops", #"{"conversation_id":"\#(bobConversation)","status":"closed"}"#)
    }

    /// One reminder moved to a later time, then sent with a token; one failed and rescheduled; one cancelled.
    static func reminderMoves(_ s: inout MigueScript) {
        s.add("reminder.create", at: h, actor: "assistant",
              #"{"reminder_id":"\#(reminders.sent)","user_id":"\#(ana)","title":"Cita de corte","description":"Barbería Chapinero","scheduled_time":\#(S.json(22 * h))}"#)
        s.add("reminder.create", at: h + 1, actor: "assistant",
              #"{"reminder_id":"\#(reminders.rescheduled)","user_id":"\#(ana)","title":"Pagar la luz","scheduled_time":\#(S.json(10 * h))}"#)
        s.add("reminder.create", at: 2 * h, actor: "assistant",
              #"{"reminder_id":"\#(reminders.cancelled)","user_id":"\#(bob)","title":"Call mom","scheduled_time":\#(S.json(9 * h))}"#)
        s.add("reminder.change-status", at: 3 * h, actor: "bob", #"{"reminder_id":"\#(reminders.cancelled)","status":"cancelled"}"#)
        s.add("reminder.reschedule", at: 5 * h, actor: "ana",
              #"{"reminder_id":"\#(reminders.sent)","scheduled_time":\#(S.json(24 * h))}"#)
        s.add("reminder.change-status", at: 10 * h, actor: "scheduler", #"{"reminder_id":"\#(reminders.rescheduled)","status":"failed"}"#)
        s.add("reminder.change-status", at: 10 * h + 60, actor: "ops",
              #"{"reminder_id":"\#(reminders.rescheduled)","status":"pending","scheduled_time":\#(S.json(12 * h))}"#)
        s.add("reminder.change-status", at: 24 * h, actor: "scheduler",
              #"{"reminder_id":"\#(reminders.sent)","status":"sent","send_token":"\#(sendToken)"}"#)
    }

    /// A data-exchange flow pending -> in_progress -> completed with its response; a navigate flow that
    /// expires; a navigate flow completed straight from pending; one that fails.
    static func flows(_ s: inout MigueScript) {
        s.add("flow.create", at: h, actor: "assistant",
              #"{"flow_token":"tok-booking","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","flow_id":"1234567890","flow_type":"data_exchange","session_data":{"screen":"BOOKING","services":["corte","barba"],"step":1}}"#)
        s.add("flow.change-status", at: h + 300, actor: "flows-endpoint", #"{"flow_token":"tok-booking","status":"in_progress"}"#)
        s.add("flow.change-status", at: h + 600, actor: "flows-endpoint",
              #"{"flow_token":"tok-booking","status":"completed","response_data":{"date":"2026-12-01","slot":"10:30","services":["corte"],"price":35000}}"#)
        s.add("flow.create", at: h + 10, actor: "assistant",
              #"{"flow_token":"tok-survey","user_id":"\#(ana)","flow_id":"survey-1","flow_type":"navigate","expires_at":\#(S.json(2 * h))}"#)
        s.add("flow.change-status", at: 3 * h, actor: "scheduler", #"{"flow_token":"tok-survey","status":"expired"}"#)
        s.add("flow.create", at: 2 * h, actor: "assistant",
              #"{"flow_token":"tok-menu","user_id":"\#(bob)","conversation_id":"\#(bobConversation)","flow_id":"menu","flow_type":"navigate"}"#)
        s.add("flow.change-status", at: 2 * h + 40, actor: "whatsapp", #"{"flow_token":"tok-menu","status":"completed"}"#)
        s.add("flow.create", at: 2 * h + 50, actor: "assistant",
              #"{"flow_token":"tok-broken","user_id":"\#(bob)","flow_id":"signup","flow_type":"data_exchange","session_data":[]}"#)
        s.add("flow.change-status", at: 2 * h + 55, actor: "flows-endpoint", #"{"flow_token":"tok-broken","status":"failed"}"#)
    }

    /// A call initiated -> accepted -> ended with its duration, one rejected, one failed.
    static func calls(_ s: inout MigueScript) {
        s.add("call.initiate", at: 4 * h + 1,
              #"{"call_id":"wacid.call-1","user_id":"\#(ana)","conversation_id":"\#(anaFirst)","direction":"inbound","timestamp":\#(S.json(4 * h))}"#)
        s.add("call.change-status", at: 4 * h + 10, #"{"call_id":"wacid.call-1","status":"accepted"}"#)
        s.add("call.change-status", at: 4 * h + 300,
              #"{"call_id":"wacid.call-1","status":"ended","duration_seconds":290,"end_reason":"completed"}"#)
        s.add("call.initiate", at: 5 * h, actor: "assistant", #"{"call_id":"wacid.call-2","user_id":"\#(bob)","direction":"outbound"}"#)
        s.add("call.change-status", at: 5 * h + 20, #"{"call_id":"wacid.call-2","status":"rejected","end_reason":"user_busy"}"#)
        s.add("call.initiate", at: 5 * h + 30, actor: "assistant",
              #"{"call_id":"wacid.call-3","user_id":"\#(ana)","conversation_id":"\#(anaSecond)","direction":"outbound"}"#)
        s.add("call.change-status", at: 5 * h + 75, #"{"call_id":"wacid.call-3","status":"failed","end_reason":"timeout"}"#)
    }
}
