import EventSourcing
import Foundation
import Migue
import Postgres
@testable import Projections
import Testing
import TestSupport

/// Runs of the same UPDATE by a unique key go as one `UPDATE ... FROM unnest(...)`, only where the
/// order of the run's updates cannot matter, and write the rows single statements write.
@Suite struct UpdateMergeTests {
    static let keys = TableKeys(
        columnTypes: ["t": ["id": "uuid", "code": "text", "status": "text", "at": "timestamp with time zone", "n": "integer"],
                      "audited": ["id": "uuid", "status": "text"]],
        uniqueKeys: ["t": [["id"]], "audited": [["id"]]], constrainedColumns: ["t": ["id", "code"], "audited": ["id"]],
        unmergeable: ["audited"])

    static func run(_ sql: String, ids: [Int]) -> [SQLStatement] {
        ids.map { id in
            SQLStatement(sql, [.uuid(UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", id))!), .text("a\"b\\c"), .null])
        }
    }

    @Test(arguments: [
        "UPDATE t SET status = $2, at = $3 WHERE id = $1",
        "UPDATE t SET status = $2 WHERE id = $1 AND status = $3",
    ])
    func mergesWhereTheKeyIsNamedAndNoSetColumnIsUnique(sql: String) throws {
        let shape = try #require(UpdateShape(sql))
        #expect(shape.keyParameters(Self.keys) == [0])
        let plan = StatementCoalescer.plan(Self.run(sql, ids: [1, 2, 3, 1, 4]), order: TableOrder(ranks: ["t": 0], keys: Self.keys))
        // The repeated key starts a second statement, so that row's updates keep their order.
        #expect(plan.count == 2)
        guard case .statement(let first) = plan[0] else { Issue.record("not a statement"); return }
        #expect(first.sql.hasPrefix("UPDATE t AS parley_row SET status = parley_new.p2"))
        #expect(first.sql.contains("FROM unnest($1::uuid[], $2::text[], $3::"))
        #expect(first.parameters[1] == .text(#"{"a\"b\\c","a\"b\\c","a\"b\\c"}"#))
        #expect(first.parameters[2] == .text("{NULL,NULL,NULL}"))
    }

    @Test(arguments: [
        "UPDATE t SET status = $2 WHERE code = $1",  // no unique key named
        "UPDATE t SET code = $2 WHERE id = $1",  // sets a unique column
        "UPDATE audited SET status = $2 WHERE id = $1",  // has a trigger
        "UPDATE t SET status = COALESCE($2, status) WHERE id = $1",  // an expression
        "UPDATE t SET status = $2::text WHERE id = $1",  // a cast
        "UPDATE t SET status = $2 WHERE id = $1 OR n = $3",  // not a conjunction
        "UPDATE t SET status = $2, n = $2 WHERE id = $1",  // a parameter used twice
        "UPDATE t SET missing = $2 WHERE id = $1",  // an unknown column
    ])
    func leavesOtherUpdatesAlone(sql: String) {
        let statements = Self.run(sql, ids: [1, 2, 3])
        let plan = StatementCoalescer.plan(statements, order: TableOrder(ranks: ["t": 0, "audited": 0], keys: Self.keys))
        #expect(plan == statements.map(PlannedWrite.statement))
    }

    /// A status change may hit `uniq_active_conversation_per_user` (`ON conversations(user_id) WHERE
    /// status = 'active'`) between two rows of one merged statement, so it is not merged.
    @Test func aPartialUniqueIndexsPredicateColumnIsNeverSetByAMergedUpdate() throws {
        let keys = try MigratedDatabase.withRollback(schema: "migue") { try TableKeys.of(schema: "migue", connection: $0) }
        let conversations = try #require(keys.constrainedColumns["conversations"])
        #expect(conversations.isSuperset(of: ["id", "user_id", "wa_conversation_id", "status"]))
        #expect(keys.uniqueKeys["conversations"]?.contains(["user_id"]) == false)
        let statusChange = try #require(UpdateShape("UPDATE conversations SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2"))
        #expect(statusChange.keyParameters(keys) == nil)
        let touch = try #require(UpdateShape("UPDATE conversations SET updated_at = $2 WHERE id = $1"))
        #expect(touch.keyParameters(keys) == [0])
    }

    /// A merged update casts to the column's type without a length: `character` and `bit` alone
    /// mean length 1, and `'abc'::character` is `'a'`, so a `char(3)` would be cut without a word;
    /// a value too long for its column is refused as a single statement refuses it.
    @Test func mergedUpdatesKeepEveryCharacterAndRefuseWhatIsTooLong() throws {
        try MigratedDatabase.withRollback(schema: "merge_lengths") { connection in
            try connection.execute("CREATE SCHEMA merge_lengths")
            try connection.execute("CREATE TABLE merge_lengths.t (id int PRIMARY KEY, code char(3), flags bit(3), label varchar(4))")
            try connection.execute("INSERT INTO merge_lengths.t (id) VALUES (1), (2)")
            let keys = try TableKeys.of(schema: "merge_lengths", connection: connection)
            #expect(keys.columnTypes["t"] == ["id": "integer", "code": "bpchar", "flags": "varbit", "label": "character varying"])
            let sql = "UPDATE t SET code = $2, flags = $3, label = $4 WHERE id = $1"
            let shape = try #require(UpdateShape(sql))
            func merged(_ label: String) -> SQLStatement {
                shape.merge(
                    [1, 2].map { SQLStatement(sql, [.text("\($0)"), .text("ab\($0)"), .text($0 == 1 ? "101" : "110"), .text(label)]) }[...],
                    types: keys.columnTypes["t"]!)
            }
            let statement = merged("four")
            try connection.execute(statement.sql, statement.parameters.map { $0.parameter })
            let rows = try connection.query("SELECT code, flags::text AS flags, label FROM merge_lengths.t ORDER BY id")
            #expect(try rows.map { [try $0.decode("code", as: String.self), try $0.decode("flags"), try $0.decode("label")] }
                == [["ab1", "101", "four"], ["ab2", "110", "four"]])
            try connection.execute("SAVEPOINT long")
            let tooLong = merged("fives")
            let error = #expect(throws: PostgresError.self) { try connection.execute(tooLong.sql, tooLong.parameters.map { $0.parameter }) }
            #expect(error?.code == .stringDataRightTruncation, "as a single UPDATE refuses it")
            try connection.execute("ROLLBACK TO SAVEPOINT long")
        }
    }

    @Test func mergedWindowUpdatesWriteTheRowsSingleStatementsWrite() async throws {
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        // Five users whose inbound messages alternate, so each batch holds runs of window
        // updates whose keys repeat every five statements.
        var lines: [String] = []
        let phones = (0..<5).map { "+3460000000\($0)" }
        let conversations = phones.map { commands.conversation(phone: $0, messages: 12) }
        for conversation in conversations { lines += conversation.prefix(2) }
        for message in 2..<14 {
            for conversation in conversations { lines.append(conversation[message]) }
        }
        try await MigueService(store: store).submit(lines)
        let events = await store.readAll(from: .start, limit: 10_000)

        let merged = try ProjectedStory.migratedDatabase()
        defer { merged.drop() }
        let single = try ProjectedStory.migratedDatabase()
        defer { single.drop() }
        let order = try TableOrder.of(schema: "migue", connection: try merged.connect())
        let plan = StatementCoalescer.plan(try events.flatMap { try Projector.statements(for: $0) }, order: order)
        let unnested = plan.compactMap { if case .statement(let statement) = $0, statement.sql.contains("unnest(") { statement } else { nil } }
        #expect(unnested.count == 5)
        // The server takes it as it is (a refused batch would be applied one event at a time).
        let probe = try merged.connect()
        try probe.execute("SET search_path TO migue, public")
        #expect(try probe.execute(unnested[0].sql, unnested[0].parameters.map(\.postgresText)) == 0)
        #expect(try await ProjectedStory.project(store, into: merged, batchSize: 10_000) == events.count)
        #expect(try await ProjectedStory.project(store, into: single, batchSize: 1) == events.count)
        let fingerprints = try ReprojectionTests.fingerprints(try ProjectedStory.utc(merged.connect()))
        #expect(try ReprojectionTests.fingerprints(try ProjectedStory.utc(single.connect())) == fingerprints)
        let updated = try merged.connect().query("SELECT count(*) AS n FROM migue.messaging_windows WHERE updated_at > created_at")
        #expect(try updated[0].decode("n", as: Int.self) == 5)
    }
}
