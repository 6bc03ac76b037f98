import Postgres

/// Every remaining foreign key: a row naming an existing parent is accepted, one naming a missing
/// parent is rejected with 23503 and the key's name. (Their ON DELETE actions: ForeignKeyActionCase.)
extension ConstraintCase {
    /// `columns` and two value lists for `table`: `{ref}` is replaced by an existing parent, then by a missing one.
    static func reference(
        _ schema: String, _ constraint: String, base: [String], table: String, columns: String, values: String, existing: String
    ) -> ConstraintCase {
        ConstraintCase(
            schema, constraint, .foreignKeyViolation, setup: base,
            valid: "INSERT INTO \(table) (\(columns)) VALUES (\(values.replacingOccurrences(of: "{ref}", with: existing)))",
            invalid: "INSERT INTO \(table) (\(columns)) VALUES (\(values.replacingOccurrences(of: "{ref}", with: ID.missing)))")
    }

    static func migueReference(_ constraint: String, table: String, columns: String, values: String, existing: String) -> ConstraintCase {
        reference("migue", constraint, base: migueBase, table: table, columns: columns, values: values, existing: existing)
    }

    static let foreignKeys: [ConstraintCase] = [
        migueReference("messages_v2_conversation_id_fkey", table: "messages_v2", columns: "conversation_id, direction, type, content, timestamp",
                       values: "{ref}, 'inbound', 'text', 'a', now()", existing: ID.conversation1),
        migueReference("reminders_user_id_fkey", table: "reminders", columns: "user_id, title, scheduled_time",
                       values: "{ref}, 'a', now()", existing: ID.user1),
        migueReference("messaging_windows_user_id_fkey", table: "messaging_windows",
                       columns: "user_id, phone_number, window_opened_at, window_expires_at", values: "{ref}, 'phone-' || gen_random_uuid(), now(), now()",
                       existing: ID.user1),
        migueReference("flow_sessions_user_id_fkey", table: "flow_sessions", columns: "user_id, flow_id, flow_token, flow_type",
                       values: "{ref}, 'f', 'tok-' || gen_random_uuid(), 'navigate'", existing: ID.user1),
        migueReference("flow_sessions_conversation_id_fkey", table: "flow_sessions",
                       columns: "user_id, conversation_id, flow_id, flow_token, flow_type",
                       values: "\(ID.user1), {ref}, 'f', 'tok-' || gen_random_uuid(), 'navigate'", existing: ID.conversation1),
        migueReference("call_logs_user_id_fkey", table: "call_logs", columns: "user_id, call_id, direction, status",
                       values: "{ref}, 'call-' || gen_random_uuid(), 'inbound', 'ended'", existing: ID.user1),
        migueReference("call_logs_conversation_id_fkey", table: "call_logs", columns: "user_id, conversation_id, call_id, direction, status",
                       values: "\(ID.user1), {ref}, 'call-' || gen_random_uuid(), 'inbound', 'ended'", existing: ID.conversation1),
        migueReference("user_interactions_user_id_fkey", table: "user_interactions", columns: "user_id, interaction_type",
                       values: "{ref}, 'call_accepted'", existing: ID.user1),
        migueReference("user_interactions_conversation_id_fkey", table: "user_interactions",
                       columns: "user_id, conversation_id, interaction_type", values: "\(ID.user1), {ref}, 'call_rejected'",
                       existing: ID.conversation1),
        migueReference("user_locations_user_id_fkey", table: "user_locations", columns: "user_id, latitude, longitude",
                       values: "{ref}, 4.6, -74.08", existing: ID.user1),
        migueReference("user_locations_conversation_id_fkey", table: "user_locations",
                       columns: "user_id, conversation_id, latitude, longitude", values: "\(ID.user1), {ref}, 4.6, -74.08",
                       existing: ID.conversation1),
        migueReference("user_memory_user_id_fkey", table: "user_memory", columns: "user_id, type, content",
                       values: "{ref}, 'preference', 'tea'", existing: ID.user1),
        migueReference("ai_usage_tracking_user_id_fkey", table: "ai_usage_tracking", columns: "provider, task_type, cost_usd, user_id",
                       values: "'gemini', 'embeddings', 0, {ref}", existing: ID.user1),
        migueReference("ai_usage_tracking_conversation_id_fkey", table: "ai_usage_tracking",
                       columns: "provider, task_type, cost_usd, conversation_id", values: "'gemini', 'chat', 0, {ref}",
                       existing: ID.conversation1),
        migueReference("scheduled_messages_user_id_fkey", table: "scheduled_messages", columns: "user_id, phone_number, message, scheduled_at",
                       values: "{ref}, '+573001234567', 'hi', now()", existing: ID.user1),
        migueReference("scheduled_messages_conversation_id_fkey", table: "scheduled_messages",
                       columns: "conversation_id, phone_number, message, scheduled_at", values: "{ref}, '+573001234567', 'hi', now()",
                       existing: ID.conversation1),
        reference("companion", "user_context_user_id_fkey", base: companionBase, table: "user_context",
                  columns: "user_id, category, key, value", values: "{ref}, 'c', 'k', 'v'", existing: ID.user1),
        reference("companion", "scheduled_messages_user_id_fkey", base: companionBase, table: "scheduled_messages",
                  columns: "user_id, scheduled_for, message_type", values: "{ref}, now(), 'check_in'", existing: ID.user1),
        reference("companion", "onboarding_user_id_fkey", base: companionBase, table: "onboarding",
                  columns: "user_id, current_step", values: "{ref}, 'name'", existing: ID.user1),
        reference("companion", "telegram_link_tokens_user_id_fkey", base: companionBase, table: "telegram_link_tokens",
                  columns: "user_id, token, expires_at", values: "{ref}, 'tok-' || gen_random_uuid(), now() + interval '1 hour'",
                  existing: ID.user1),
        reference("groupchat", "conversation_participants_conversation_id_fkey", base: groupchatBase,
                  table: "conversation_participants", columns: "conversation_id, user_id", values: "{ref}, \(ID.user1)",
                  existing: ID.conversation1),
        reference("groupchat", "conversation_participants_user_id_fkey", base: groupchatBase,
                  table: "conversation_participants", columns: "conversation_id, user_id", values: "\(ID.conversation1), {ref}",
                  existing: ID.user1),
        reference("groupchat", "conversation_ai_models_conversation_id_fkey", base: groupchatBase,
                  table: "conversation_ai_models", columns: "conversation_id, ai_model_id", values: "{ref}, 'google/gemini-flash-1.5'",
                  existing: ID.conversation1),
    ]

    static let parleyChecks: [ConstraintCase] = [
        ConstraintCase(
            "parley", "migrations_schema_name_check", .checkViolation, setup: [],
            valid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test_2', '0001_a.sql', repeat('ab', 32))",
            invalid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('Test', '0001_a.sql', repeat('ab', 32))"),
        ConstraintCase(
            "parley", "migrations_file_name_check", .checkViolation, setup: [],
            valid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test', '0001_add_index.sql', repeat('ab', 32))",
            invalid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test', '1_a.sql', repeat('ab', 32))"),
        ConstraintCase(
            "parley", "migrations_duration_ms_check", .checkViolation, setup: [],
            valid: "INSERT INTO migrations (schema_name, file_name, checksum, duration_ms) VALUES ('test', '0001_a.sql', repeat('ab', 32), 0)",
            invalid: "INSERT INTO migrations (schema_name, file_name, checksum, duration_ms) VALUES ('test', '0002_a.sql', repeat('ab', 32), -1)"),
        ConstraintCase(
            "parley", "projection_versions_version_check", .checkViolation, setup: [],
            valid: "INSERT INTO projection_versions (projection, version, schema_name) VALUES ('test_projection', 1, 'x')",
            invalid: "INSERT INTO projection_versions (projection, version, schema_name) VALUES ('test_projection', 0, 'x')"),
    ]
}
