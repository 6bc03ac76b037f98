import EventSourcing
import Foundation

/// The rows of messaging windows, flow sessions and call logs.
///
/// A window's update applies only to a row whose end (or proactive count and time) is still the one
/// the event leaves, as a status move applies only to a row still in the status it leaves.
extension Projector {
    public static func statements(for event: MessagingWindow.Event) -> [SQLStatement] {
        switch event {
        case .opened(let window) where window.fromExpiresAt == nil:
            [SQLStatement(
                """
                INSERT INTO messaging_windows (id, user_id, phone_number, window_opened_at, window_expires_at, \
                last_user_message_id, proactive_messages_sent_today, last_proactive_sent_at, free_entry_point_expires_at, \
                created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $8, $8)
                """,
                [.uuid(window.windowID), .uuid(window.userID), .text(window.phoneNumber), .timestamp(window.windowOpenedAt),
                 .timestamp(window.windowExpiresAt), .text(window.lastUserMessageID),
                 .timestamp(window.freeEntryPointExpiresAt), .timestamp(window.at)], expectedRows: 1)]
        case .opened(let window), .extended(let window):
            [SQLStatement(
                """
                UPDATE messaging_windows SET window_opened_at = $3, window_expires_at = $4, \
                last_user_message_id = $5, free_entry_point_expires_at = $6, updated_at = $7 \
                WHERE id = $1 AND window_expires_at = $2
                """,
                [.uuid(window.windowID), .timestamp(window.fromExpiresAt), .timestamp(window.windowOpenedAt),
                 .timestamp(window.windowExpiresAt), .text(window.lastUserMessageID),
                 .timestamp(window.freeEntryPointExpiresAt), .timestamp(window.at)], expectedRows: 1)]
        case .proactiveSent(let sent):
            [SQLStatement(
                """
                UPDATE messaging_windows SET proactive_messages_sent_today = $4, last_proactive_sent_at = $5, \
                updated_at = $6 WHERE id = $1 AND proactive_messages_sent_today = $2 \
                AND last_proactive_sent_at IS NOT DISTINCT FROM $3::timestamptz
                """,
                [.uuid(sent.windowID), .integer(Int64(sent.fromSentToday)), .timestamp(sent.fromLastProactiveSentAt),
                 .integer(Int64(sent.sentToday)), .timestamp(sent.sentAt), .timestamp(sent.at)], expectedRows: 1)]
        }
    }

    public static func statements(for event: FlowSession.Event) -> [SQLStatement] {
        switch event {
        case .created(let flow):
            [SQLStatement(
                """
                INSERT INTO flow_sessions (id, user_id, conversation_id, flow_id, flow_token, flow_type, \
                session_data, response_data, status, created_at, updated_at, completed_at, expires_at) \
                VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $9, NULL, $10)
                """,
                [.uuid(flow.flowSessionID), .uuid(flow.userID), .uuid(flow.conversationID), .text(flow.flowID),
                 .text(flow.flowToken), .text(flow.flowType.rawValue), json(flow.sessionData), .text(flow.status.rawValue),
                 .timestamp(flow.createdAt), .timestamp(flow.expiresAt)], expectedRows: 1)]
        case .statusChanged(let change) where change.to == .completed:
            [SQLStatement(
                """
                UPDATE flow_sessions SET status = $3, updated_at = $4, completed_at = $5, response_data = $6 \
                WHERE id = $1 AND status = $2
                """,
                [.uuid(change.flowSessionID), .text(change.from.rawValue), .text(change.to.rawValue),
                 .timestamp(change.changedAt), .timestamp(change.completedAt), json(change.responseData)], expectedRows: 1)]
        case .statusChanged(let change):
            [SQLStatement(
                "UPDATE flow_sessions SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
                [.uuid(change.flowSessionID), .text(change.from.rawValue), .text(change.to.rawValue),
                 .timestamp(change.changedAt)], expectedRows: 1)]
        }
    }

    public static func statements(for event: CallLog.Event) -> [SQLStatement] {
        switch event {
        case .initiated(let call):
            [SQLStatement(
                """
                INSERT INTO call_logs (id, user_id, conversation_id, call_id, direction, status, duration_seconds, \
                end_reason, timestamp, created_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7, $8)
                """,
                [.uuid(call.callLogID), .uuid(call.userID), .uuid(call.conversationID), .text(call.callID),
                 .text(call.direction.rawValue), .text(call.status.rawValue), .timestamp(call.timestamp),
                 .timestamp(call.createdAt)], expectedRows: 1)]
        case .statusChanged(let change):
            [SQLStatement(
                """
                UPDATE call_logs SET status = $3, duration_seconds = $4, end_reason = $5 \
                WHERE id = $1 AND status = $2
                """,
                [.uuid(change.callLogID), .text(change.from.rawValue), .text(change.to.rawValue),
                 integer(change.durationSeconds), .text(change.endReason?.rawValue)], expectedRows: 1)]
        }
    }
}
