import Postgres

/// Seed 004's CHECKs, UNIQUEs, partial unique indexes, enums and the e164 domain.
extension ConstraintCase {
    static let migueBase = [
        "INSERT INTO users (id, phone_number) VALUES (\(ID.user1), '+573001234567'), (\(ID.user2), '+573001234568')",
        "INSERT INTO conversations (id, user_id, wa_conversation_id) VALUES (\(ID.conversation1), \(ID.user1), 'wa-c-1')",
    ]

    static func migueRule(_ constraint: String?, _ code: SQLState = .checkViolation, setup: [String] = [], valid: String, invalid: String) -> ConstraintCase {
        ConstraintCase("migue", constraint, code, setup: migueBase + setup, valid: valid, invalid: invalid)
    }

    static func message(_ columns: String, _ values: String) -> String {
        "INSERT INTO messages_v2 (conversation_id, direction, type, timestamp, \(columns)) VALUES (\(ID.conversation1), 'inbound', 'text', now(), \(values))"
    }

    static let migue: [ConstraintCase] = [
        migueRule("chk_phone_e164", valid: "INSERT INTO users (phone_number) VALUES ('+14155550100')",
                  invalid: "INSERT INTO users (phone_number) VALUES ('3001234567')"),
        migueRule("users_phone_number_key", .uniqueViolation, valid: "INSERT INTO users (phone_number) VALUES ('+14155550100')",
                  invalid: "INSERT INTO users (phone_number) VALUES ('+573001234567')"),
        migueRule("uniq_active_conversation_per_user", .uniqueViolation,
                  valid: "INSERT INTO conversations (user_id, status) VALUES (\(ID.user1), 'archived'), (\(ID.user1), 'closed')",
                  invalid: "INSERT INTO conversations (user_id, status) VALUES (\(ID.user1), 'active')"),
        migueRule("uniq_wa_conversation_id", .uniqueViolation,
                  valid: "INSERT INTO conversations (user_id, status, wa_conversation_id) VALUES (\(ID.user2), 'closed', NULL), (\(ID.user2), 'closed', NULL)",
                  invalid: "INSERT INTO conversations (user_id, status, wa_conversation_id) VALUES (\(ID.user2), 'closed', 'wa-c-1')"),
        migueRule("conversations_user_id_fkey", .foreignKeyViolation, valid: "INSERT INTO conversations (user_id) VALUES (\(ID.user2))",
                  invalid: "INSERT INTO conversations (user_id) VALUES (\(ID.missing))"),
        migueRule("chk_msg_content_or_media", valid: message("media_url", "'https://example.com/a.jpg'"),
                  invalid: message("content, media_url", "NULL, NULL")),
        migueRule("uniq_wa_message", .uniqueViolation, valid: message("content, wa_message_id", "'a', 'wamid.1'"),
                  invalid: message("content, wa_message_id", "'b', 'wamid.1'")),
        migueRule("chk_reminder_future_on_insert",
                  valid: "INSERT INTO reminders (user_id, title, scheduled_time) VALUES (\(ID.user1), 'Call mom', now() + interval '1 hour')",
                  invalid: "INSERT INTO reminders (user_id, title, scheduled_time) VALUES (\(ID.user1), 'Too late', now() - interval '1 hour')"),
        migueRule("uniq_reminders_send_token", .uniqueViolation,
                  valid: "INSERT INTO reminders (user_id, title, scheduled_time, send_token) VALUES (\(ID.user1), 'a', now(), \(ID.message1)), (\(ID.user1), 'b', now(), NULL), (\(ID.user1), 'c', now(), NULL)",
                  invalid: "INSERT INTO reminders (user_id, title, scheduled_time, send_token) VALUES (\(ID.user1), 'd', now(), \(ID.message1))"),
        migueRule("messaging_windows_user_id_key", .uniqueViolation,
                  valid: "INSERT INTO messaging_windows (user_id, phone_number, window_opened_at, window_expires_at) VALUES (\(ID.user1), '+573001234567', now(), now() + interval '24 hours')",
                  invalid: "INSERT INTO messaging_windows (user_id, phone_number, window_opened_at, window_expires_at) VALUES (\(ID.user1), '+10000000000', now(), now())"),
        migueRule("messaging_windows_phone_number_key", .uniqueViolation,
                  valid: "INSERT INTO messaging_windows (user_id, phone_number, window_opened_at, window_expires_at) VALUES (\(ID.user1), '+573001234567', now(), now())",
                  invalid: "INSERT INTO messaging_windows (user_id, phone_number, window_opened_at, window_expires_at) VALUES (\(ID.user2), '+573001234567', now(), now())"),
        migueRule("flow_sessions_flow_type_check",
                  valid: "INSERT INTO flow_sessions (user_id, flow_id, flow_token, flow_type) VALUES (\(ID.user1), 'f', 't-1', 'navigate')",
                  invalid: "INSERT INTO flow_sessions (user_id, flow_id, flow_token, flow_type) VALUES (\(ID.user1), 'f', 't-2', 'survey')"),
        migueRule("flow_sessions_flow_token_key", .uniqueViolation,
                  valid: "INSERT INTO flow_sessions (user_id, flow_id, flow_token, flow_type) VALUES (\(ID.user1), 'f', 't-1', 'data_exchange')",
                  invalid: "INSERT INTO flow_sessions (user_id, flow_id, flow_token, flow_type) VALUES (\(ID.user2), 'g', 't-1', 'navigate')"),
        migueRule("call_logs_call_id_key", .uniqueViolation,
                  valid: "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'call-1', 'inbound', 'initiated')",
                  invalid: "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'call-1', 'outbound', 'initiated')"),
        migueRule("call_logs_direction_check",
                  valid: "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'call-1', 'outbound', 'accepted')",
                  invalid: "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'call-2', 'sideways', 'accepted')"),
        migueRule("call_logs_status_check",
                  valid: "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'call-1', 'inbound', 'ended')",
                  invalid: "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'call-2', 'inbound', 'ringing')"),
        migueRule("call_logs_end_reason_check",
                  valid: "INSERT INTO call_logs (user_id, call_id, direction, status, end_reason) VALUES (\(ID.user1), 'call-1', 'inbound', 'ended', 'completed'), (\(ID.user1), 'call-3', 'inbound', 'initiated', NULL)",
                  invalid: "INSERT INTO call_logs (user_id, call_id, direction, status, end_reason) VALUES (\(ID.user1), 'call-2', 'inbound', 'ended', 'dropped')"),
        migueRule("user_interactions_interaction_type_check",
                  valid: "INSERT INTO user_interactions (user_id, interaction_type) VALUES (\(ID.user1), 'cta_button_tap')",
                  invalid: "INSERT INTO user_interactions (user_id, interaction_type) VALUES (\(ID.user1), 'swipe')"),
        migueRule("user_memory_type_check",
                  valid: "INSERT INTO user_memory (user_id, type, content) VALUES (\(ID.user1), 'fact', 'likes coffee')",
                  invalid: "INSERT INTO user_memory (user_id, type, content) VALUES (\(ID.user1), 'rumor', 'x')"),
        migueRule("user_memory_relevance_check",
                  valid: "INSERT INTO user_memory (user_id, type, content, relevance) VALUES (\(ID.user1), 'fact', 'a', 0), (\(ID.user1), 'fact', 'b', 1)",
                  invalid: "INSERT INTO user_memory (user_id, type, content, relevance) VALUES (\(ID.user1), 'fact', 'c', 1.5)"),
        migueRule("ai_usage_tracking_provider_check",
                  valid: "INSERT INTO ai_usage_tracking (provider, task_type, cost_usd) VALUES ('claude', 'chat', 0.00012345)",
                  invalid: "INSERT INTO ai_usage_tracking (provider, task_type, cost_usd) VALUES ('mistral', 'chat', 0)"),
        migueRule("ai_usage_tracking_task_type_check",
                  valid: "INSERT INTO ai_usage_tracking (provider, task_type, cost_usd) VALUES ('tesseract', 'ocr', 0)",
                  invalid: "INSERT INTO ai_usage_tracking (provider, task_type, cost_usd) VALUES ('openai', 'translation', 0)"),
        migueRule("scheduled_messages_status_check",
                  valid: "INSERT INTO scheduled_messages (phone_number, message, scheduled_at, status) VALUES ('+573001234567', 'hi', now(), 'sent')",
                  invalid: "INSERT INTO scheduled_messages (phone_number, message, scheduled_at, status) VALUES ('+573001234567', 'hi', now(), 'queued')"),
        migueRule("webhook_failures_status_check",
                  valid: "INSERT INTO webhook_failures (request_id, phone_number, raw_payload, error_message, status) VALUES ('r1', '573001234567', '{}', 'boom', 'retrying')",
                  invalid: "INSERT INTO webhook_failures (request_id, phone_number, raw_payload, error_message, status) VALUES ('r2', '573001234567', '{}', 'boom', 'lost')"),
        migueRule("e164_check", valid: "SELECT '+573001234567'::e164", invalid: "SELECT '+0123'::e164"),
        migueRule("e164_check", setup: ["CREATE TEMP TABLE phones (phone_number e164 NOT NULL)"],
                  valid: "INSERT INTO phones VALUES ('+14155550100')", invalid: "INSERT INTO phones VALUES ('14155550100')"),
    ]

    /// Each enum accepts its labels and rejects anything else with 22P02 (no constraint is named).
    static let migueEnums: [ConstraintCase] = [
        migueRule(nil, .invalidTextRepresentation, valid: message("content", "'x'"),
                  invalid: "INSERT INTO messages_v2 (conversation_id, direction, type, timestamp, content) VALUES (\(ID.conversation1), 'inbound', 'gif', now(), 'x')"),
        migueRule(nil, .invalidTextRepresentation,
                  valid: "INSERT INTO messages_v2 (conversation_id, direction, type, timestamp, content) VALUES (\(ID.conversation1), 'outbound', 'reaction', now(), 'x')",
                  invalid: "INSERT INTO messages_v2 (conversation_id, direction, type, timestamp, content) VALUES (\(ID.conversation1), 'sideways', 'text', now(), 'x')"),
        migueRule(nil, .invalidTextRepresentation, valid: "INSERT INTO conversations (user_id, status) VALUES (\(ID.user2), 'closed')",
                  invalid: "INSERT INTO conversations (user_id, status) VALUES (\(ID.user2), 'deleted')"),
        migueRule(nil, .invalidTextRepresentation,
                  valid: "INSERT INTO reminders (user_id, title, scheduled_time, status) VALUES (\(ID.user1), 'a', now(), 'cancelled')",
                  invalid: "INSERT INTO reminders (user_id, title, scheduled_time, status) VALUES (\(ID.user1), 'a', now(), 'snoozed')"),
        migueRule(nil, .invalidTextRepresentation,
                  valid: "INSERT INTO flow_sessions (user_id, flow_id, flow_token, flow_type, status) VALUES (\(ID.user1), 'f', 't-1', 'navigate', 'in_progress')",
                  invalid: "INSERT INTO flow_sessions (user_id, flow_id, flow_token, flow_type, status) VALUES (\(ID.user1), 'f', 't-2', 'navigate', 'paused')"),
    ]
}

extension ForeignKeyActionCase {
    static let migue: [ForeignKeyActionCase] = [
        ForeignKeyActionCase(
            schema: "migue", label: "deleting a user deletes what it owns (CASCADE)",
            setup: ConstraintCase.migueBase + [
                ConstraintCase.message("content", "'hi'"),
                "INSERT INTO reminders (user_id, title, scheduled_time) VALUES (\(ID.user1), 'a', now())",
                "INSERT INTO user_memory (user_id, type, content) VALUES (\(ID.user1), 'fact', 'a')",
                "INSERT INTO call_logs (user_id, call_id, direction, status) VALUES (\(ID.user1), 'c', 'inbound', 'ended')",
            ],
            action: "DELETE FROM users WHERE id = \(ID.user1)",
            check: """
                SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages_v2) + (SELECT count(*) FROM reminders)
                  + (SELECT count(*) FROM user_memory) + (SELECT count(*) FROM call_logs) AS n
                """,
            expected: 0),
        ForeignKeyActionCase(
            schema: "migue", label: "deleting a user keeps its costs and scheduled messages (SET NULL)",
            setup: ConstraintCase.migueBase + [
                "INSERT INTO ai_usage_tracking (provider, task_type, cost_usd, user_id) VALUES ('gemini', 'chat', 0.1, \(ID.user1))",
                "INSERT INTO scheduled_messages (user_id, phone_number, message, scheduled_at) VALUES (\(ID.user1), '+573001234567', 'hi', now())",
            ],
            action: "DELETE FROM users WHERE id = \(ID.user1)",
            check: "SELECT (SELECT count(*) FROM ai_usage_tracking WHERE user_id IS NULL) + (SELECT count(*) FROM scheduled_messages WHERE user_id IS NULL) AS n",
            expected: 2),
        ForeignKeyActionCase(
            schema: "migue", label: "deleting a conversation detaches flows, calls, interactions, locations and costs (SET NULL)",
            setup: ConstraintCase.migueBase + [
                "INSERT INTO flow_sessions (user_id, conversation_id, flow_id, flow_token, flow_type) VALUES (\(ID.user1), \(ID.conversation1), 'f', 't', 'navigate')",
                "INSERT INTO call_logs (user_id, conversation_id, call_id, direction, status) VALUES (\(ID.user1), \(ID.conversation1), 'c', 'inbound', 'ended')",
                "INSERT INTO user_interactions (user_id, conversation_id, interaction_type) VALUES (\(ID.user1), \(ID.conversation1), 'flow_completion')",
                "INSERT INTO user_locations (user_id, conversation_id, latitude, longitude) VALUES (\(ID.user1), \(ID.conversation1), 4.60971, -74.08175)",
                "INSERT INTO ai_usage_tracking (provider, task_type, cost_usd, conversation_id) VALUES ('groq', 'chat', 0, \(ID.conversation1))",
                "INSERT INTO scheduled_messages (conversation_id, phone_number, message, scheduled_at) VALUES (\(ID.conversation1), '+573001234567', 'hi', now())",
            ],
            action: "DELETE FROM conversations WHERE id = \(ID.conversation1)",
            check: """
                SELECT (SELECT count(*) FROM flow_sessions WHERE conversation_id IS NULL) + (SELECT count(*) FROM call_logs WHERE conversation_id IS NULL)
                  + (SELECT count(*) FROM user_interactions WHERE conversation_id IS NULL) + (SELECT count(*) FROM user_locations WHERE conversation_id IS NULL)
                  + (SELECT count(*) FROM ai_usage_tracking WHERE conversation_id IS NULL) + (SELECT count(*) FROM scheduled_messages WHERE conversation_id IS NULL) AS n
                """,
            expected: 6),
    ]
}
