import EventSourcing
import Foundation

/// Turns migue events into SQL for the thirteen tables of the seed, in schema `migue`.
///
/// Pure: every id and time comes from the event, never `now()` or `gen_random_uuid()`, so a rebuild
/// writes the same rows. Inserts are plain: the runner applies every event exactly once (rows and
/// checkpoint in one transaction), so a row already there is a bug and stops the projection rather
/// than being skipped; plain inserts of bare parameters also let the runner load runs with COPY.
/// Status updates apply only to a row still in the state the event leaves. Enum values go as text
/// parameters; PostgreSQL types them from their columns.
public enum Projector {
    /// The tables the statements write, in the seed's order.
    public static let tables = [
        "users", "conversations", "messages_v2", "reminders", "messaging_windows", "flow_sessions", "call_logs",
        "user_interactions", "user_locations", "user_memory", "ai_usage_tracking", "scheduled_messages", "webhook_failures",
    ]

    /// The statements `recorded` turns into; none for events that only guard invariants.
    public static func statements(for recorded: RecordedEvent) throws(EventDecodingError) -> [SQLStatement] {
        switch recorded.stream.category {
        case "migue.user": return try statements(for: User.Event(recorded))
        case "migue.conversation": return try statements(for: Conversation.Event(recorded))
        case "migue.message": return try statements(for: Message.Event(recorded))
        case "migue.reminder": return try statements(for: Reminder.Event(recorded))
        case "migue.sendtoken":
            _ = try SendToken.Event(recorded)
            return []
        case "migue.window": return try statements(for: MessagingWindow.Event(recorded))
        case "migue.flow": return try statements(for: FlowSession.Event(recorded))
        case "migue.call": return try statements(for: CallLog.Event(recorded))
        case "migue.interaction": return try statements(for: Interaction.Event(recorded))
        case "migue.location": return try statements(for: Location.Event(recorded))
        case "migue.memory": return try statements(for: Memory.Event(recorded))
        case "migue.aiusage": return try statements(for: AIUsage.Event(recorded))
        case "migue.scheduledmessage": return try statements(for: ScheduledMessage.Event(recorded))
        case "migue.webhookfailure": return try statements(for: WebhookFailure.Event(recorded))
        default:
            throw EventDecodingError(
                type: recorded.type, version: recorded.schemaVersion,
                reason: "stream \(recorded.stream) is not a migue stream")
        }
    }

    public static func statements(for event: User.Event) -> [SQLStatement] {
        switch event {
        case .registered(let user):
            [SQLStatement(
                """
                INSERT INTO users (id, phone_number, name, preferences, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $5)
                """,
                [.uuid(user.userID), .text(user.phoneNumber), .text(user.name), json(user.preferences),
                 .timestamp(user.registeredAt)], expectedRows: 1)]
        case .profileChanged(let change):
            [SQLStatement(
                "UPDATE users SET name = $2, preferences = $3, updated_at = $4 WHERE id = $1",
                [.uuid(change.userID), .text(change.name), json(change.preferences), .timestamp(change.changedAt)], expectedRows: 1)]
        case .activeConversationClaimed, .activeConversationReleased:
            []
        }
    }

    public static func statements(for event: Conversation.Event) -> [SQLStatement] {
        switch event {
        case .started(let started):
            [SQLStatement(
                """
                INSERT INTO conversations (id, user_id, wa_conversation_id, status, created_at, updated_at) \
                VALUES ($1, $2, $3, $4, $5, $5)
                """,
                [.uuid(started.conversationID), .uuid(started.userID), .text(started.waConversationID),
                 .text(started.status.rawValue), .timestamp(started.startedAt)], expectedRows: 1)]
        case .statusChanged(let change):
            [SQLStatement(
                "UPDATE conversations SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
                [.uuid(change.conversationID), .text(change.from.rawValue), .text(change.to.rawValue),
                 .timestamp(change.changedAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: Message.Event) -> [SQLStatement] {
        switch event {
        case .recorded(let message):
            [SQLStatement(
                """
                INSERT INTO messages_v2 \
                (id, conversation_id, direction, type, content, media_url, wa_message_id, timestamp, created_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [.uuid(message.messageID), .uuid(message.conversationID), .text(message.direction.rawValue),
                 .text(message.kind.rawValue), .text(message.content), .text(message.mediaURL),
                 .text(message.waMessageID), .timestamp(message.timestamp), .timestamp(message.recordedAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: Reminder.Event) -> [SQLStatement] {
        switch event {
        case .created(let reminder):
            [SQLStatement(
                """
                INSERT INTO reminders \
                (id, user_id, title, description, scheduled_time, status, created_at, send_token) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
                """,
                [.uuid(reminder.reminderID), .uuid(reminder.userID), .text(reminder.title), .text(reminder.description),
                 .timestamp(reminder.scheduledTime), .text(reminder.status.rawValue), .timestamp(reminder.createdAt)], expectedRows: 1)]
        case .statusChanged(let change):
            [SQLStatement(
                """
                UPDATE reminders SET status = $3, send_token = COALESCE($4::uuid, send_token), \
                scheduled_time = COALESCE($5::timestamptz, scheduled_time) WHERE id = $1 AND status = $2
                """,
                [.uuid(change.reminderID), .text(change.from.rawValue), .text(change.to.rawValue),
                 .uuid(change.sendToken), .timestamp(change.scheduledTime)], expectedRows: 1)]
        case .rescheduled(let reschedule):
            [SQLStatement(
                "UPDATE reminders SET scheduled_time = $3 WHERE id = $1 AND scheduled_time = $2 AND status = 'pending'",
                [.uuid(reschedule.reminderID), .timestamp(reschedule.previousScheduledTime), .timestamp(reschedule.scheduledTime)],
                expectedRows: 1)]
        }
    }

    static func json(_ value: JSONValue?) -> SQLValue {
        value.map { .json($0.encoded) } ?? .null
    }
}
