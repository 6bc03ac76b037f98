import Postgres

/// Seed 001's and seed 003's keys and foreign keys.
extension ConstraintCase {
    static let nirvaBase = ["INSERT INTO user_conversations (user_id) VALUES (\(ID.user1))"]

    static let nirva: [ConstraintCase] = [
        ConstraintCase(
            "nirva", "user_conversations_pkey", .uniqueViolation, setup: nirvaBase,
            valid: "INSERT INTO user_conversations (user_id) VALUES (\(ID.user2))",
            invalid: "INSERT INTO user_conversations (user_id) VALUES (\(ID.user1))"),
        ConstraintCase(
            "nirva", "conversation_messages_user_id_fkey", .foreignKeyViolation, setup: nirvaBase,
            valid: "INSERT INTO conversation_messages (user_id, role, content) VALUES (\(ID.user1), 1, 'hello')",
            invalid: "INSERT INTO conversation_messages (user_id, role, content) VALUES (\(ID.user2), 1, 'hello')"),
        ConstraintCase(
            "nirva", "conversation_context_user_id_fkey", .foreignKeyViolation, setup: nirvaBase,
            valid: "INSERT INTO conversation_context (user_id, facts) VALUES (\(ID.user1), '{}')",
            invalid: "INSERT INTO conversation_context (user_id, facts) VALUES (\(ID.user2), '{}')"),
        ConstraintCase(
            "nirva", "conversation_context_pkey", .uniqueViolation, setup: nirvaBase,
            valid: "INSERT INTO conversation_context (user_id) VALUES (\(ID.user1))",
            invalid: "INSERT INTO conversation_context (user_id) VALUES (\(ID.user1))"),
    ]

    static let groupchatBase = [
        "INSERT INTO users (id, username, email) VALUES (\(ID.user1), 'ada', 'ada@example.com')",
        "INSERT INTO ai_models (id, name) VALUES ('google/gemini-flash-1.5', 'Gemini')",
        "INSERT INTO conversations (id, title, created_by) VALUES (\(ID.conversation1), 'Lunch', \(ID.user1))",
    ]

    static let groupchat: [ConstraintCase] = [
        ConstraintCase(
            "groupchat", "users_username_key", .uniqueViolation, setup: groupchatBase,
            valid: "INSERT INTO users (username) VALUES ('bob')", invalid: "INSERT INTO users (username) VALUES ('ada')"),
        ConstraintCase(
            "groupchat", "users_email_key", .uniqueViolation, setup: groupchatBase,
            valid: "INSERT INTO users (username, email) VALUES ('bob', NULL), ('cy', NULL)",
            invalid: "INSERT INTO users (username, email) VALUES ('dee', 'ada@example.com')"),
        ConstraintCase(
            "groupchat", "ai_models_pkey", .uniqueViolation, setup: groupchatBase,
            valid: "INSERT INTO ai_models (id, name) VALUES ('openai/gpt-4o-mini', 'GPT-4o mini')",
            invalid: "INSERT INTO ai_models (id, name) VALUES ('google/gemini-flash-1.5', 'Gemini again')"),
        ConstraintCase(
            "groupchat", "conversations_created_by_fkey", .foreignKeyViolation, setup: groupchatBase,
            valid: "INSERT INTO conversations (title, created_by) VALUES ('Anonymous', NULL)",
            invalid: "INSERT INTO conversations (title, created_by) VALUES ('Ghost', \(ID.missing))"),
        ConstraintCase(
            "groupchat", "messages_ai_model_id_fkey", .foreignKeyViolation, setup: groupchatBase,
            valid: """
                INSERT INTO messages (conversation_id, sender_type, ai_model_id, content, is_first_responder)
                VALUES (\(ID.conversation1), 'ai', 'google/gemini-flash-1.5', 'Hi!', true)
                """,
            invalid: "INSERT INTO messages (conversation_id, sender_type, ai_model_id, content) VALUES (\(ID.conversation1), 'ai', 'x/none', 'Hi')"),
        ConstraintCase(
            "groupchat", "messages_parent_message_id_fkey", .foreignKeyViolation,
            setup: groupchatBase + [
                "INSERT INTO messages (id, conversation_id, sender_type, sender_id, content) VALUES (\(ID.message1), \(ID.conversation1), 'user', \(ID.user1), 'Q')",
            ],
            valid: "INSERT INTO messages (conversation_id, sender_type, content, parent_message_id) VALUES (\(ID.conversation1), 'system', 'A', \(ID.message1))",
            invalid: "INSERT INTO messages (conversation_id, sender_type, content, parent_message_id) VALUES (\(ID.conversation1), 'system', 'A', \(ID.missing))"),
        ConstraintCase(
            "groupchat", "conversation_participants_conversation_id_user_id_key", .uniqueViolation,
            setup: groupchatBase + ["INSERT INTO users (id, username) VALUES (\(ID.user2), 'bob')"],
            valid: "INSERT INTO conversation_participants (conversation_id, user_id, role) VALUES (\(ID.conversation1), \(ID.user1), 'admin')",
            invalid: "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (\(ID.conversation1), \(ID.user1))"),
        ConstraintCase(
            "groupchat", "conversation_ai_models_conversation_id_ai_model_id_key", .uniqueViolation, setup: groupchatBase,
            valid: "INSERT INTO conversation_ai_models (conversation_id, ai_model_id) VALUES (\(ID.conversation1), 'google/gemini-flash-1.5')",
            invalid: "INSERT INTO conversation_ai_models (conversation_id, ai_model_id) VALUES (\(ID.conversation1), 'google/gemini-flash-1.5')"),
        ConstraintCase(
            "groupchat", nil, .stringDataRightTruncation, setup: groupchatBase,
            valid: "INSERT INTO users (username) VALUES (repeat('u', 50))",
            invalid: "INSERT INTO users (username) VALUES (repeat('u', 51))"),
    ]
}

extension ForeignKeyActionCase {
    static let nirvaAndGroupchat: [ForeignKeyActionCase] = [
        ForeignKeyActionCase(
            schema: "nirva", label: "deleting a user's conversation deletes its messages and context",
            setup: ConstraintCase.nirvaBase + [
                "INSERT INTO conversation_messages (user_id, role, content) VALUES (\(ID.user1), 1, 'hello')",
                "INSERT INTO conversation_context (user_id) VALUES (\(ID.user1))",
            ],
            action: "DELETE FROM user_conversations WHERE user_id = \(ID.user1)",
            check: "SELECT (SELECT count(*) FROM conversation_messages) + (SELECT count(*) FROM conversation_context) AS n",
            expected: 0),
        ForeignKeyActionCase(
            schema: "groupchat", label: "deleting a conversation deletes its messages, participants and models",
            setup: ConstraintCase.groupchatBase + [
                "INSERT INTO messages (conversation_id, sender_type, sender_id, content) VALUES (\(ID.conversation1), 'user', \(ID.user1), 'Q')",
                "INSERT INTO conversation_participants (conversation_id, user_id) VALUES (\(ID.conversation1), \(ID.user1))",
                "INSERT INTO conversation_ai_models (conversation_id, ai_model_id) VALUES (\(ID.conversation1), 'google/gemini-flash-1.5')",
            ],
            action: "DELETE FROM conversations WHERE id = \(ID.conversation1)",
            check: """
                SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM conversation_participants)
                  + (SELECT count(*) FROM conversation_ai_models) AS n
                """,
            expected: 0),
        ForeignKeyActionCase(
            schema: "groupchat", label: "a user who created a conversation cannot be deleted (NO ACTION)",
            setup: ConstraintCase.groupchatBase, action: "DELETE FROM users WHERE id = \(ID.user1)",
            check: "", expected: 0, rejectedBy: "conversations_created_by_fkey"),
        ForeignKeyActionCase(
            schema: "groupchat", label: "an AI model a conversation uses cannot be deleted (NO ACTION)",
            setup: ConstraintCase.groupchatBase + [
                "INSERT INTO conversation_ai_models (conversation_id, ai_model_id) VALUES (\(ID.conversation1), 'google/gemini-flash-1.5')",
            ],
            action: "DELETE FROM ai_models", check: "", expected: 0, rejectedBy: "conversation_ai_models_ai_model_id_fkey"),
    ]
}
