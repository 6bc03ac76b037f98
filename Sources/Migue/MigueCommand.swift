import EventSourcing
import Foundation

/// A migue command, read from its envelope's `data`; every field mistake is a `CommandRejection`.
public enum MigueCommand: Hashable, Sendable {
    case registerUser(User.Register)
    case updateProfile(User.UpdateProfile)
    case startConversation(Conversation.Start)
    case changeConversationStatus(Conversation.ChangeStatus)
    case recordMessage(Message.Record)
    case createReminder(Reminder.Create)
    case changeReminderStatus(Reminder.ChangeStatus)
    case rescheduleReminder(Reminder.Reschedule)
    case createFlow(FlowSession.Create)
    case changeFlowStatus(FlowSession.ChangeStatus)
    case initiateCall(CallLog.Initiate)
    case changeCallStatus(CallLog.ChangeStatus)
    case recordInteraction(Interaction.Record)
    case recordLocation(Location.Record)
    case recordMemory(Memory.Record)
    case recordAIUsage(AIUsage.Record)
    case scheduleMessage(ScheduledMessage.Schedule)
    case changeScheduledMessageStatus(ScheduledMessage.ChangeStatus)
    case recordWebhookFailure(WebhookFailure.Record)
    case changeWebhookFailureStatus(WebhookFailure.ChangeStatus)

    /// Every command type migue reads.
    public static let types = [
        "user.register", "user.update-profile", "conversation.start", "conversation.change-status",
        "message.record", "reminder.create", "reminder.change-status", "reminder.reschedule",
        "flow.create", "flow.change-status", "call.initiate", "call.change-status", "interaction.record",
        "location.record", "memory.record", "ai-usage.record", "scheduled-message.schedule",
        "scheduled-message.change-status", "webhook-failure.record", "webhook-failure.change-status",
    ]

    public init(_ envelope: CommandEnvelope) throws(CommandRejection) {
        guard envelope.product == Migue.product else {
            throw CommandRejection(field: "product", "expected \"\(Migue.product)\"")
        }
        var data = envelope.fields
        let at = envelope.at
        switch envelope.type {
        case "user.register":
            self = .registerUser(User.Register(
                phoneNumber: try data.string("phone_number"), name: try data.optionalString("name"),
                preferences: try data.optionalDocument("preferences"), at: at))
        case "user.update-profile":
            guard data.has("name") || data.has("preferences") else {
                throw CommandRejection(field: "data", "needs name or preferences")
            }
            let userID = try data.uuid("user_id")
            let name: String?? = data.has("name") ? .some(try data.optionalString("name")) : nil
            let preferences: JSONValue?? = data.has("preferences") ? .some(try data.optionalDocument("preferences")) : nil
            self = .updateProfile(User.UpdateProfile(userID: userID, name: name, preferences: preferences, at: at))
        case "conversation.start":
            let wa = try data.optionalName("wa_conversation_id")
            let id = try Self.id(&data, "conversation_id", derivedFrom: wa.map(Migue.conversationID), "wa_conversation_id")
            self = .startConversation(Conversation.Start(
                conversationID: id, userID: try data.uuid("user_id"), waConversationID: wa,
                status: try data.optionalChoice("status", Conversation.Status.self) ?? .active,
                activationID: Migue.activationID(command: envelope.id), at: at))
        case "conversation.change-status":
            self = .changeConversationStatus(Conversation.ChangeStatus(
                conversationID: try data.uuid("conversation_id"), to: try data.choice("status", Conversation.Status.self),
                activationID: Migue.activationID(command: envelope.id), at: at))
        case "message.record":
            let wa = try data.optionalName("wa_message_id")
            let id = try Self.id(&data, "message_id", derivedFrom: wa.map(Migue.messageID), "wa_message_id")
            self = .recordMessage(Message.Record(
                messageID: id, conversationID: try data.uuid("conversation_id"),
                direction: try data.choice("direction", Message.Direction.self),
                kind: try data.choice("type", Message.Kind.self), content: try data.optionalString("content"),
                mediaURL: try data.optionalString("media_url"), mediaMimeType: try data.optionalString("media_mime_type"),
                waMessageID: wa,
                timestamp: try data.timestamp("timestamp"), proactive: try data.optionalBool("proactive") ?? false,
                freeEntryPoint: try data.optionalBool("free_entry_point") ?? false, at: at))
        case "reminder.create":
            self = .createReminder(Reminder.Create(
                reminderID: try data.uuid("reminder_id"), userID: try data.uuid("user_id"),
                title: try data.string("title"), description: try data.optionalString("description"),
                scheduledTime: try data.timestamp("scheduled_time"), at: at))
        case "reminder.change-status":
            self = .changeReminderStatus(Reminder.ChangeStatus(
                reminderID: try data.uuid("reminder_id"), to: try data.choice("status", Reminder.Status.self),
                sendToken: try data.optionalUUID("send_token"), scheduledTime: try data.optionalTimestamp("scheduled_time"),
                at: at))
        case "reminder.reschedule":
            self = .rescheduleReminder(Reminder.Reschedule(
                reminderID: try data.uuid("reminder_id"), scheduledTime: try data.timestamp("scheduled_time"), at: at))
        case "flow.create", "flow.change-status", "call.initiate", "call.change-status":
            self = try Self.whatsApp(envelope.type, &data, at: at)
        default:
            guard let command = try Self.record(envelope.type, &data, at: at) else {
                throw CommandRejection(field: "type", "unknown migue command type \(CommandRejection.quoted(envelope.type))")
            }
            self = command
        }
        try data.finish()
    }

    /// The id in `key`, or the one derived from a WhatsApp id (then `key` may only repeat it).
    static func id(_ data: inout CommandFields, _ key: String, derivedFrom derived: UUID?, _ source: String)
        throws(CommandRejection) -> UUID
    {
        let given = try data.optionalUUID(key)
        guard let derived else {
            guard let given else { throw CommandRejection(field: data.field(key), "is required without \(source)") }
            return given
        }
        guard given == nil || given == derived else {
            throw CommandRejection(
                field: data.field(key),
                "must be omitted or \(derived.lowercasedText), the id derived from \(source)")
        }
        return derived
    }
}
