import EventSourcing
import Foundation
import Migue
import Postgres
import Testing

/// Projecting the same log again, into a fresh database and in other batch sizes, writes the same
/// rows: ids and times come from the events, never from the database.
@Suite struct ReprojectionTests {
    static let tables = [
        "users", "conversations", "messages_v2", "reminders", "messaging_windows", "flow_sessions", "call_logs",
        "user_interactions", "user_locations", "user_memory", "ai_usage_tracking", "scheduled_messages", "webhook_failures",
    ]

    /// Each table's row count and an order-independent hash of its rows' text.
    static func fingerprints(_ connection: Connection) throws -> [String: String] {
        var result: [String: String] = [:]
        for table in tables {
            let row = try connection.query(
                "SELECT count(*) AS n, md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS hash FROM migue.\(table) t")[0]
            result[table] = "\(row["n"] ?? "?") \(row["hash"] ?? "empty")"
        }
        return result
    }

    @Test(arguments: [1, 7])
    func aSecondRunnerIntoAFreshDatabaseWritesIdenticalRows(batchSize: Int) async throws {
        let first = try await ProjectedStory.shared()
        let again = try ProjectedStory.migratedDatabase()
        defer { again.drop() }
        let applied = try await ProjectedStory.project(first.store, into: again, batchSize: batchSize)
        #expect(applied == first.applied)
        let before = try Self.fingerprints(try await ProjectedStory.connect())
        let after = try Self.fingerprints(try ProjectedStory.utc(again.connect()))
        #expect(before.count == Self.tables.count)
        #expect(before.values.allSatisfy { !$0.hasPrefix("0 ") }, "every table has rows")
        for table in Self.tables {
            #expect(after[table] == before[table], "\(table)")
        }
    }

    /// The fingerprint sees a changed column: the comparison above could fail.
    @Test func theFingerprintNoticesOneChangedValue() async throws {
        let projected = try await ProjectedStory.shared()
        let copy = try ProjectedStory.migratedDatabase()
        defer { copy.drop() }
        _ = try await ProjectedStory.project(projected.store, into: copy, batchSize: 1000)
        let connection = try ProjectedStory.utc(copy.connect())
        try connection.execute("UPDATE migue.webhook_failures SET retry_count = retry_count + 1 WHERE id = $1", [MigueStory.failures.resolved])
        let before = try Self.fingerprints(try await ProjectedStory.connect())
        let after = try Self.fingerprints(connection)
        #expect(Self.tables.filter { before[$0] != after[$0] } == ["webhook_failures"])
    }
}
