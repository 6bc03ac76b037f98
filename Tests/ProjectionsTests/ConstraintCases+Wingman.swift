import Postgres

/// Seed 000's CHECK, UNIQUE, partial unique and foreign-key rules.
extension ConstraintCase {
    static let wingmanBase = [
        """
        INSERT INTO users (id, platform_id, user_type, display_name) VALUES
          (\(ID.user1), 'bot-1', 'bot_owner', 'Bot'), (\(ID.user2), 'match-1', 'match', 'Ana')
        """,
        """
        INSERT INTO conversations (id, bot_user_id, match_user_id, room_path, conversation_status)
        VALUES (\(ID.conversation1), \(ID.user1), \(ID.user2), '/room/1', 'active')
        """,
    ]

    static let wingman: [ConstraintCase] = [
        ConstraintCase(
            "wingman", "users_user_type_check", .checkViolation, setup: wingmanBase,
            valid: "INSERT INTO users (platform_id, user_type, display_name) VALUES ('match-2', 'match', 'Bea')",
            invalid: "INSERT INTO users (platform_id, user_type, display_name) VALUES ('admin-1', 'admin', 'Root')"),
        ConstraintCase(
            "wingman", "users_platform_id_key", .uniqueViolation, setup: wingmanBase,
            valid: "INSERT INTO users (platform_id, user_type, display_name) VALUES ('bot-2', 'bot_owner', 'Bot 2')",
            invalid: "INSERT INTO users (platform_id, user_type, display_name) VALUES ('bot-1', 'bot_owner', 'Again')"),
        ConstraintCase(
            "wingman", "conversations_conversation_status_check", .checkViolation, setup: wingmanBase,
            valid: "INSERT INTO conversations (bot_user_id, room_path, conversation_status) VALUES (\(ID.user1), '/room/2', 'paused')",
            invalid: "INSERT INTO conversations (bot_user_id, room_path, conversation_status) VALUES (\(ID.user1), '/room/3', 'deleted')"),
        ConstraintCase(
            "wingman", "conversations_bot_user_id_room_path_key", .uniqueViolation, setup: wingmanBase,
            valid: "INSERT INTO conversations (bot_user_id, room_path) VALUES (\(ID.user2), '/room/1')",
            invalid: "INSERT INTO conversations (bot_user_id, room_path) VALUES (\(ID.user1), '/room/1')"),
        ConstraintCase(
            "wingman", "idx_conversations_bot_match_active", .uniqueViolation,
            setup: wingmanBase + ["INSERT INTO conversations (bot_user_id, room_path) VALUES (\(ID.user1), '/room/pending-1')"],
            valid: "INSERT INTO conversations (bot_user_id, room_path) VALUES (\(ID.user1), '/room/pending-2')",
            invalid: "INSERT INTO conversations (bot_user_id, match_user_id, room_path) VALUES (\(ID.user1), \(ID.user2), '/room/9')"),
        ConstraintCase(
            "wingman", "conversations_bot_user_id_fkey", .foreignKeyViolation, setup: wingmanBase,
            valid: "INSERT INTO conversations (bot_user_id, room_path) VALUES (\(ID.user2), '/room/2')",
            invalid: "INSERT INTO conversations (bot_user_id, room_path) VALUES (\(ID.missing), '/room/2')"),
        ConstraintCase(
            "wingman", "conversations_match_user_id_fkey", .foreignKeyViolation, setup: wingmanBase,
            valid: "INSERT INTO conversations (bot_user_id, match_user_id, room_path) VALUES (\(ID.user2), \(ID.user1), '/r')",
            invalid: "INSERT INTO conversations (bot_user_id, match_user_id, room_path) VALUES (\(ID.user1), \(ID.missing), '/r')"),
        ConstraintCase(
            "wingman", "messages_message_type_check", .checkViolation, setup: wingmanBase,
            valid: """
                INSERT INTO messages (conversation_id, sender_id, message_text, message_type, timestamp)
                VALUES (\(ID.conversation1), \(ID.user2), 'hi', 'bot_suggestion', 1)
                """,
            invalid: """
                INSERT INTO messages (conversation_id, sender_id, message_text, message_type, timestamp)
                VALUES (\(ID.conversation1), \(ID.user2), 'hi', 'draft', 1)
                """),
        ConstraintCase(
            "wingman", "messages_sentiment_check", .checkViolation, setup: wingmanBase,
            valid: """
                INSERT INTO messages (conversation_id, sender_id, message_text, sentiment, timestamp)
                VALUES (\(ID.conversation1), \(ID.user2), 'hi', 'flirty', 1), (\(ID.conversation1), \(ID.user2), 'ok', NULL, 2)
                """,
            invalid: """
                INSERT INTO messages (conversation_id, sender_id, message_text, sentiment, timestamp)
                VALUES (\(ID.conversation1), \(ID.user2), 'hi', 'angry', 1)
                """),
        ConstraintCase(
            "wingman", "messages_conversation_id_fkey", .foreignKeyViolation, setup: wingmanBase,
            valid: "INSERT INTO messages (conversation_id, sender_id, message_text, timestamp) VALUES (\(ID.conversation1), \(ID.user1), 'a', 1)",
            invalid: "INSERT INTO messages (conversation_id, sender_id, message_text, timestamp) VALUES (\(ID.missing), \(ID.user1), 'a', 1)"),
        ConstraintCase(
            "wingman", "messages_sender_id_fkey", .foreignKeyViolation, setup: wingmanBase,
            valid: "INSERT INTO messages (conversation_id, sender_id, message_text, timestamp) VALUES (\(ID.conversation1), \(ID.user2), 'a', 1)",
            invalid: "INSERT INTO messages (conversation_id, sender_id, message_text, timestamp) VALUES (\(ID.conversation1), \(ID.missing), 'a', 1)"),
        ConstraintCase(
            "wingman", "bot_suggestions_conversation_id_fkey", .foreignKeyViolation, setup: wingmanBase,
            valid: "INSERT INTO bot_suggestions (conversation_id, prompt_context, suggestions) VALUES (\(ID.conversation1), '{}', '[]')",
            invalid: "INSERT INTO bot_suggestions (conversation_id, prompt_context, suggestions) VALUES (\(ID.missing), '{}', '[]')"),
    ]
}

extension ForeignKeyActionCase {
    static let wingman: [ForeignKeyActionCase] = [
        ForeignKeyActionCase(
            schema: "wingman", label: "deleting a bot owner deletes its conversations, messages and suggestions",
            setup: ConstraintCase.wingmanBase + [
                "INSERT INTO messages (conversation_id, sender_id, message_text, timestamp) VALUES (\(ID.conversation1), \(ID.user2), 'hi', 1)",
                "INSERT INTO bot_suggestions (conversation_id, prompt_context, suggestions) VALUES (\(ID.conversation1), '{}', '[]')",
            ],
            action: "DELETE FROM users WHERE id = \(ID.user1)",
            check: "SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages) + (SELECT count(*) FROM bot_suggestions) AS n",
            expected: 0),
        ForeignKeyActionCase(
            schema: "wingman", label: "deleting a match deletes the conversations it is in",
            setup: ConstraintCase.wingmanBase, action: "DELETE FROM users WHERE id = \(ID.user2)",
            check: "SELECT count(*) AS n FROM conversations", expected: 0),
    ]
}
