import TestSupport
import Foundation
import Postgres
import Testing

/// The seeds' example statements, run unchanged from `Fixtures/` against rows the tests insert.
@Suite struct SeedQueryTests {
    /// Fills the seed's placeholders (see Fixtures/README.md) and changes nothing else.
    static func filling(_ sql: String, _ values: [String: String]) -> String {
        var sql = sql.replacingOccurrences(of: "{...}", with: "{}").replacingOccurrences(of: ", ...}", with: "}")
        for (placeholder, value) in values {
            sql = sql.replacingOccurrences(of: "'\(placeholder)'", with: "'\(value)'")
        }
        return sql
    }

    @Test func wingmanExamplesAndJSONBQueries() throws {
        try MigratedDatabase.withRollback(schema: "wingman") { connection in
            try connection.executeScript(try TestServer.fixture("wingman", "01_insert_user.sql"), name: "01_insert_user.sql")
            try connection.execute(
                """
                INSERT INTO users (platform_id, user_type, display_name, profile_data) VALUES
                  ('girl-1', 'match', 'Ana', '{"age": 30, "interests": ["tech", "hiking"], "location": "NYC"}'),
                  ('girl-2', 'match', 'Bea', '{"age": 22, "interests": ["movies"], "location": "LA"}'),
                  ('girl-3', 'match', 'Cy', '{"age": 40, "interests": ["tech"]}')
                """
            )
            let owner: String = try connection.query("SELECT id::text FROM users WHERE platform_id = 'user-123'")[0].decode("id")
            let girl: String = try connection.query("SELECT id::text FROM users WHERE platform_id = 'girl-1'")[0].decode("id")
            try connection.executeScript(
                Self.filling(try TestServer.fixture("wingman", "02_insert_pending_conversation.sql"), ["user-uuid": owner]), name: "02")
            let conversation: String = try connection.query("SELECT id::text FROM conversations WHERE room_path = '/room/123'")[0]
                .decode("id")
            let placeholders = ["user-uuid": owner, "girl-uuid": girl, "conversation-uuid": conversation]
            for name in ["03_identify_match.sql", "04_insert_message.sql", "05_insert_bot_suggestion.sql"] {
                try connection.executeScript(Self.filling(try TestServer.fixture("wingman", name), placeholders), name: name)
            }
            let state = try connection.query("SELECT conversation_status, match_user_id::text AS girl FROM conversations")[0]
            #expect(try state.decode("conversation_status", as: String.self) == "active")
            #expect(try state.decode("girl", as: String.self) == girl)
            #expect(try connection.query("SELECT count(*) AS n FROM messages")[0].decode("n", as: Int.self) == 1)
            #expect(try connection.query("SELECT model_used FROM bot_suggestions")[0].decode("model_used", as: String.self) == "gemini-2.5-flash")

            func names(_ fixture: String) throws -> Set<String> {
                Set(try connection.query(try TestServer.fixture("wingman", fixture)).map { try $0.decode("display_name", as: String.self) })
            }
            #expect(try names("06_matches_by_age.sql") == ["Ana"])
            #expect(try names("07_matches_by_interests.sql") == ["Ana", "Cy"])
            #expect(try names("08_profile_containment.sql") == ["Ana"])
        }
    }

    @Test func nirvaMessageFlowHistorySearchAndStatistics() throws {
        try MigratedDatabase.withRollback(schema: "nirva") { connection in
            let user = UUID()
            try connection.execute("INSERT INTO user_conversations (user_id, title) VALUES ($1, 'Ada')", [user])
            try connection.execute(try TestServer.fixture("nirva", "01_insert_human_message.sql"),
                                   [user, "I went hiking in the mountains today", "{\"username\": \"ada\"}"])
            try connection.execute(try TestServer.fixture("nirva", "02_update_conversation_metadata.sql"), [user])
            try connection.execute(try TestServer.fixture("nirva", "03_insert_ai_response.sql"),
                                   [user, "Hiking is a great way to lower stress.", 1234])

            let history = try connection.query(try TestServer.fixture("nirva", "04_history.sql"), [user, 10, 0])
            #expect(history.count == 2)
            #expect(history.columns == ["id", "role", "content", "timestamp", "message_metadata"])

            let found = try connection.query(try TestServer.fixture("nirva", "05_full_text_search.sql"), [user, "hike", 10])
            #expect(found.count == 2)
            #expect(try connection.query(try TestServer.fixture("nirva", "05_full_text_search.sql"), [user, "volcano", 10]).isEmpty)

            let statistics = try connection.query(try TestServer.fixture("nirva", "06_statistics.sql"), [user])[0]
            #expect(try statistics.decode("total_messages", as: Int.self) == 1)
            #expect(try statistics.decode("human_messages", as: Int.self) == 1)
            #expect(try statistics.decode("ai_messages", as: Int.self) == 1)
        }
    }

    /// In a database of its own: the script's `CREATE INDEX IF NOT EXISTS` locks the tables until
    /// the rollback, and beside the other tests' inserts PostgreSQL once found a deadlock (40P01).
    @Test func nirvaMigrationScriptsRunAgainstTheSchema() throws {
        try MigratedDatabase.withOwnDatabase(schema: "nirva") { connection in
            try connection.executeScript(try TestServer.fixture("nirva", "07_create_tables_if_not_exists.sql"), name: "07")
            let user = UUID()
            try connection.execute("INSERT INTO user_conversations (user_id) VALUES ($1)", [user])
            try connection.execute(
                """
                INSERT INTO chat_messages (user_id, role, content, timestamp) VALUES
                  ($1, 'human', 'hello', now() - interval '2 minutes'), ($1, 'ai', 'hi there', now() - interval '1 minute'),
                  ($1, 'system', 'be kind', now() - interval '3 minutes')
                """,
                [user]
            )
            try connection.executeScript(try TestServer.fixture("nirva", "08_migrate_legacy.sql"), name: "08")
            let roles = try connection.query("SELECT role FROM conversation_messages WHERE user_id = $1 ORDER BY timestamp", [user])
            #expect(try roles.map { try $0.decode("role", as: Int.self) } == [0, 1, 2])
            let summary = try connection.query("SELECT total_messages FROM user_conversations WHERE user_id = $1", [user])[0]
            #expect(try summary.decode("total_messages", as: Int.self) == 3)
            try connection.executeScript(try TestServer.fixture("nirva", "08_migrate_legacy.sql"), name: "08 again")
            #expect(try connection.query("SELECT count(*) AS n FROM conversation_messages")[0].decode("n", as: Int.self) == 3)
            try connection.query(try TestServer.fixture("nirva", "09_diagnostics_table_sizes.sql"))
        }
    }

    @Test func groupchatSampleData() throws {
        try MigratedDatabase.withRollback(schema: "groupchat") { connection in
            try connection.executeScript(try TestServer.fixture("groupchat", "01_sample_data.sql"), name: "01_sample_data.sql")
            #expect(try connection.query("SELECT count(*) AS n FROM ai_models")[0].decode("n", as: Int.self) == 6)
            let user = try connection.query("SELECT username, is_active FROM users")[0]
            #expect(try user.decode("username", as: String.self) == "test_user")
            #expect(try user.decode("is_active", as: Bool.self))
        }
    }

    @Test func migueMessageInsert() throws {
        try MigratedDatabase.withRollback(schema: "migue") { connection in
            try connection.execute("INSERT INTO users (id, phone_number) VALUES (\(ID.user1), '+573001234567')")
            try connection.execute("INSERT INTO conversations (id, user_id) VALUES (\(ID.conversation1), \(ID.user1))")
            let conversation = try #require(UUID(uuidString: "c0000000-0000-0000-0000-000000000001"))
            let sent = Date(timeIntervalSince1970: 1_763_800_000.123456)
            try connection.execute(try TestServer.fixture("migue", "01_insert_message.sql"), [conversation, sent])
            let row = try connection.query("SELECT type::text, direction::text, content, timestamp FROM messages_v2")[0]
            #expect(try row.decode("type", as: String.self) == "text")
            #expect(try row.decode("direction", as: String.self) == "inbound")
            #expect(try row.decode("content", as: String.self) == "Hello")
            #expect(abs(try row.decode("timestamp", as: Date.self).timeIntervalSince(sent)) < 0.000_001)
        }
    }

    @Test func migueVectorSearchUsesTheEmbeddingColumn() throws {
        try MigratedDatabase.withRollback(schema: "migue") { connection in
            try connection.execute("INSERT INTO users (id, phone_number) VALUES (\(ID.user1), '+573001234567')")
            let near = PostgresVector((0..<1536).map { $0 == 0 ? 1 : 0 })
            let far = PostgresVector((0..<1536).map { $0 == 1 ? 1 : 0 })
            try connection.execute(
                "INSERT INTO user_memory (user_id, type, content, embedding) VALUES (\(ID.user1), 'fact', 'near', $1), (\(ID.user1), 'fact', 'far', $2)",
                [near, far])
            let best = try connection.query("SELECT content, embedding FROM user_memory ORDER BY embedding <#> $1 LIMIT 1", [near])[0]
            #expect(try best.decode("content", as: String.self) == "near")
            #expect(try best.decode("embedding", as: PostgresVector.self) == near)
        }
    }
}
