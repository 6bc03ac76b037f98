import TestSupport
import Foundation
import Postgres
import Testing

/// A role that does not own the tables sees only the rows of the user its JWT claim names.
@Suite struct RowLevelSecurityTests {
    static let companionTables = [
        "users", "conversations", "messages", "user_context", "scheduled_messages", "onboarding", "telegram_link_tokens",
    ]

    /// Two users' rows in every companion table, inserted by the owner.
    static let companionRows: [String] = [
        "INSERT INTO auth.users (id) VALUES (\(ID.user1)), (\(ID.user2))",
        "INSERT INTO users (id) VALUES (\(ID.user1)), (\(ID.user2))",
        """
        INSERT INTO conversations (id, user_id, channel, initiated_by) VALUES
          (\(ID.conversation1), \(ID.user1), 'web', 'user'), (\(ID.conversation2), \(ID.user2), 'telegram', 'companion')
        """,
        "INSERT INTO messages (conversation_id, role, content) VALUES (\(ID.conversation1), 'user', 'a'), (\(ID.conversation2), 'user', 'b'), (\(ID.conversation2), 'assistant', 'c')",
        "INSERT INTO user_context (user_id, category, key, value) VALUES (\(ID.user1), 'c', 'k', 'v'), (\(ID.user2), 'c', 'k', 'v')",
        "INSERT INTO scheduled_messages (user_id, scheduled_for, message_type) VALUES (\(ID.user1), now(), 'check_in'), (\(ID.user2), now(), 'check_in')",
        "INSERT INTO onboarding (user_id, current_step) VALUES (\(ID.user1), 'name'), (\(ID.user2), 'done')",
        "INSERT INTO telegram_link_tokens (user_id, token, expires_at) VALUES (\(ID.user1), 't1', now() + interval '1 hour'), (\(ID.user2), 't2', now() + interval '1 hour')",
    ]

    /// Runs `body` as a fresh role with `schema`'s privileges, inside a transaction that is rolled back.
    func asAppUser(schema: String, rows: [String], _ body: (Connection) throws -> Void) throws {
        let role = "parley_rls_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try MigratedDatabase.withRollback(schema: schema) { connection in
            for statement in rows { try connection.execute(statement) }
            try connection.execute("CREATE ROLE \(role) NOLOGIN")
            try connection.execute("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
            try connection.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(schema) TO \(role)")
            try connection.execute("SET LOCAL ROLE \(role)")
            try body(connection)
        }
    }

    @Test(arguments: companionTables)
    func companionShowsOnlyTheOwnersRows(table: String) throws {
        try asAppUser(schema: "companion", rows: Self.companionRows) { connection in
            let count = "SELECT count(*) AS n FROM \(table)"
            try connection.execute("SELECT set_config('request.jwt.claim.sub', $1, true)", [ID.user1.trimmingCharacters(in: ["'"])])
            #expect(try connection.query(count)[0].decode("n", as: Int.self) == 1)
            try connection.execute("SELECT set_config('request.jwt.claim.sub', '', true)")
            try connection.execute(
                "SELECT set_config('request.jwt.claims', $1, true)", ["{\"sub\": \(ID.user2.replacingOccurrences(of: "'", with: "\""))}"])
            #expect(try connection.query(count)[0].decode("n", as: Int.self) == (table == "messages" ? 2 : 1))
            try connection.execute("SELECT set_config('request.jwt.claims', '', true)")
            #expect(try connection.query(count)[0].decode("n", as: Int.self) == 0)
        }
    }

    @Test func companionRefusesWritingAnotherUsersRow() throws {
        try asAppUser(schema: "companion", rows: Self.companionRows) { connection in
            try connection.execute("SELECT set_config('request.jwt.claim.sub', $1, true)", [ID.user1.trimmingCharacters(in: ["'"])])
            try connection.execute("INSERT INTO user_context (user_id, category, key, value) VALUES (\(ID.user1), 'c', 'k2', 'v')")
            try connection.execute("SAVEPOINT foreign_row")
            let error = #expect(throws: PostgresError.self) {
                try connection.execute("INSERT INTO user_context (user_id, category, key, value) VALUES (\(ID.user2), 'c', 'k2', 'v')")
            }
            #expect(error?.code == .insufficientPrivilege)
            try connection.execute("ROLLBACK TO SAVEPOINT foreign_row")
            #expect(try connection.execute("UPDATE onboarding SET current_step = 'x' WHERE user_id = \(ID.user2)") == 0)
        }
    }

    @Test func migueShowsOnlyTheOwnersRowsAndNoOperationalRows() throws {
        let rows = [
            "INSERT INTO users (id, phone_number) VALUES (\(ID.user1), '+573001234567'), (\(ID.user2), '+573001234568')",
            "INSERT INTO conversations (id, user_id) VALUES (\(ID.conversation1), \(ID.user1)), (\(ID.conversation2), \(ID.user2))",
            "INSERT INTO messages_v2 (conversation_id, direction, type, content, timestamp) VALUES (\(ID.conversation1), 'inbound', 'text', 'a', now()), (\(ID.conversation2), 'inbound', 'text', 'b', now())",
            "INSERT INTO reminders (user_id, title, scheduled_time) VALUES (\(ID.user1), 'a', now()), (\(ID.user2), 'b', now())",
            "INSERT INTO webhook_failures (request_id, phone_number, raw_payload, error_message) VALUES ('r', '+573001234567', '{}', 'boom')",
        ]
        try asAppUser(schema: "migue", rows: rows) { connection in
            try connection.execute("SELECT set_config('request.jwt.claim.sub', $1, true)", [ID.user2.trimmingCharacters(in: ["'"])])
            for table in ["users", "conversations", "messages_v2", "reminders"] {
                #expect(try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n", as: Int.self) == 1, "\(table)")
            }
            #expect(try connection.query("SELECT count(*) AS n FROM webhook_failures")[0].decode("n", as: Int.self) == 0)
        }
    }
}
