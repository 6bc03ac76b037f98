import Postgres

/// The constraints derived for companion (Specs/companion-schema.md) and Parley's bookkeeping.
extension ConstraintCase {
    static let companionBase = [
        "INSERT INTO auth.users (id) VALUES (\(ID.user1)), (\(ID.user2)), (\(ID.user3))",
        "INSERT INTO users (id, email, telegram_chat_id) VALUES (\(ID.user1), 'ada@example.com', 1001), (\(ID.user2), 'bob@example.com', NULL)",
        "INSERT INTO conversations (id, user_id, channel, initiated_by) VALUES (\(ID.conversation1), \(ID.user1), 'telegram', 'user')",
    ]

    static func companionRule(_ constraint: String, _ code: SQLState = .checkViolation, setup: [String] = [], valid: String, invalid: String) -> ConstraintCase {
        ConstraintCase("companion", constraint, code, setup: companionBase + setup, valid: valid, invalid: invalid)
    }

    static let companion: [ConstraintCase] = [
        companionRule("users_id_fkey", .foreignKeyViolation, valid: "INSERT INTO users (id) VALUES (\(ID.user3))",
                      invalid: "INSERT INTO users (id) VALUES (\(ID.missing))"),
        companionRule("users_telegram_chat_id_key", .uniqueViolation, valid: "INSERT INTO users (id, telegram_chat_id) VALUES (\(ID.user3), NULL)",
                      invalid: "UPDATE users SET telegram_chat_id = 1001 WHERE id = \(ID.user2)"),
        companionRule("users_preferences_check", valid: "UPDATE users SET preferences = '{\"tone\": \"warm\"}' WHERE id = \(ID.user1)",
                      invalid: "UPDATE users SET preferences = '[1, 2]' WHERE id = \(ID.user1)"),
        companionRule("conversations_channel_check",
                      valid: "INSERT INTO conversations (user_id, channel, initiated_by) VALUES (\(ID.user1), 'whatsapp', 'companion')",
                      invalid: "INSERT INTO conversations (user_id, channel, initiated_by) VALUES (\(ID.user1), 'sms', 'user')"),
        companionRule("conversations_initiated_by_check",
                      valid: "INSERT INTO conversations (user_id, channel, initiated_by) VALUES (\(ID.user1), 'web', 'user')",
                      invalid: "INSERT INTO conversations (user_id, channel, initiated_by) VALUES (\(ID.user1), 'web', 'system')"),
        companionRule("conversations_ended_after_start_check",
                      valid: "UPDATE conversations SET ended_at = started_at + interval '5 minutes'",
                      invalid: "UPDATE conversations SET ended_at = started_at - interval '5 minutes'"),
        companionRule("messages_conversation_id_fkey", .foreignKeyViolation,
                      valid: "INSERT INTO messages (conversation_id, role, content) VALUES (\(ID.conversation1), 'user', 'Hi')",
                      invalid: "INSERT INTO messages (conversation_id, role, content) VALUES (\(ID.missing), 'user', 'Hi')"),
        companionRule("user_context_user_id_category_key_key", .uniqueViolation,
                      valid: "INSERT INTO user_context (user_id, category, key, value) VALUES (\(ID.user1), 'work', 'job', 'engineer'), (\(ID.user1), 'family', 'job', 'parent')",
                      invalid: "INSERT INTO user_context (user_id, category, key, value) VALUES (\(ID.user1), 'work', 'job', 'manager')"),
        companionRule("scheduled_messages_channel_check",
                      valid: "INSERT INTO scheduled_messages (user_id, scheduled_for, message_type, channel) VALUES (\(ID.user1), now(), 'check_in', 'web')",
                      invalid: "INSERT INTO scheduled_messages (user_id, scheduled_for, message_type, channel) VALUES (\(ID.user1), now(), 'check_in', 'email')"),
        companionRule("onboarding_user_id_key", .uniqueViolation,
                      valid: "INSERT INTO onboarding (user_id, current_step) VALUES (\(ID.user1), 'name')",
                      invalid: "INSERT INTO onboarding (user_id, current_step) VALUES (\(ID.user1), 'again')"),
        companionRule("telegram_link_tokens_token_key", .uniqueViolation,
                      valid: "INSERT INTO telegram_link_tokens (user_id, token, expires_at) VALUES (\(ID.user1), 'tok-1', now() + interval '10 minutes')",
                      invalid: "INSERT INTO telegram_link_tokens (user_id, token, expires_at) VALUES (\(ID.user2), 'tok-1', now() + interval '10 minutes')"),
        companionRule("telegram_link_tokens_used_before_expiry_check",
                      valid: "INSERT INTO telegram_link_tokens (user_id, token, expires_at, used_at) VALUES (\(ID.user1), 'tok-1', now() + interval '10 minutes', now())",
                      invalid: "INSERT INTO telegram_link_tokens (user_id, token, expires_at, used_at) VALUES (\(ID.user1), 'tok-2', now(), now() + interval '1 minute')"),
    ]

    static let parleyBase = [
        "INSERT INTO projection_versions (projection, version, schema_name, status) VALUES ('test_projection', 1, 'test_schema', 'active')",
    ]

    static let parley: [ConstraintCase] = [
        ConstraintCase(
            "parley", "migrations_checksum_check", .checkViolation, setup: [],
            valid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test', '0001_a.sql', repeat('ab', 32))",
            invalid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test', '0002_b.sql', 'abc')"),
        ConstraintCase(
            "parley", "migrations_pkey", .uniqueViolation, setup: [],
            valid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test', '0001_a.sql', repeat('ab', 32))",
            invalid: "INSERT INTO migrations (schema_name, file_name, checksum) VALUES ('test', '0001_a.sql', repeat('cd', 32))"),
        ConstraintCase(
            "parley", "uniq_projection_versions_active", .uniqueViolation, setup: parleyBase,
            valid: "INSERT INTO projection_versions (projection, version, schema_name) VALUES ('test_projection', 2, 'test_schema_v2')",
            invalid: "INSERT INTO projection_versions (projection, version, schema_name, status) VALUES ('test_projection', 3, 'x', 'active')"),
        ConstraintCase(
            "parley", "projection_versions_status_check", .checkViolation, setup: parleyBase,
            valid: "INSERT INTO projection_versions (projection, version, schema_name, status) VALUES ('test_projection', 2, 'x', 'retired')",
            invalid: "INSERT INTO projection_versions (projection, version, schema_name, status) VALUES ('test_projection', 3, 'x', 'paused')"),
        ConstraintCase(
            "parley", "projection_checkpoints_next_position_check", .checkViolation, setup: parleyBase,
            valid: "INSERT INTO projection_checkpoints (projection, version) VALUES ('test_projection', 1)",
            invalid: "UPDATE projection_checkpoints SET next_position = -1"),
        ConstraintCase(
            "parley", "projection_checkpoints_version_fkey", .foreignKeyViolation, setup: parleyBase,
            valid: "INSERT INTO projection_checkpoints (projection, version, next_position) VALUES ('test_projection', 1, 42)",
            invalid: "INSERT INTO projection_checkpoints (projection, version) VALUES ('test_projection', 9)"),
    ]
}

extension ForeignKeyActionCase {
    static let companionAndParley: [ForeignKeyActionCase] = [
        ForeignKeyActionCase(
            schema: "companion", label: "deleting the auth user deletes the profile and everything it owns",
            setup: ConstraintCase.companionBase + [
                "INSERT INTO messages (conversation_id, role, content) VALUES (\(ID.conversation1), 'user', 'Hi')",
                "INSERT INTO user_context (user_id, category, key, value) VALUES (\(ID.user1), 'work', 'job', 'engineer')",
                "INSERT INTO scheduled_messages (user_id, scheduled_for, message_type) VALUES (\(ID.user1), now(), 'check_in')",
                "INSERT INTO onboarding (user_id, current_step) VALUES (\(ID.user1), 'name')",
                "INSERT INTO telegram_link_tokens (user_id, token, expires_at) VALUES (\(ID.user1), 'tok', now() + interval '1 hour')",
            ],
            action: "DELETE FROM auth.users WHERE id = \(ID.user1)",
            check: """
                SELECT (SELECT count(*) FROM users WHERE id = \(ID.user1)) + (SELECT count(*) FROM conversations)
                  + (SELECT count(*) FROM messages) + (SELECT count(*) FROM user_context) + (SELECT count(*) FROM scheduled_messages)
                  + (SELECT count(*) FROM onboarding) + (SELECT count(*) FROM telegram_link_tokens) AS n
                """,
            expected: 0),
        ForeignKeyActionCase(
            schema: "parley", label: "deleting a projection version deletes its checkpoint",
            setup: ConstraintCase.parleyBase + ["INSERT INTO projection_checkpoints (projection, version) VALUES ('test_projection', 1)"],
            action: "DELETE FROM projection_versions WHERE projection = 'test_projection'",
            check: "SELECT count(*) AS n FROM projection_checkpoints WHERE projection = 'test_projection'", expected: 0),
    ]

    static let all = wingman + nirvaAndGroupchat + migue + companionAndParley
}
