import EventSourcing
import Postgres
import Projections
import TestSupport
import Testing

/// `parley replay`'s schema: made anew, replaced only when a replay made it.
@Suite struct ReplayTests {
    func tables(in schema: String, _ connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM pg_tables WHERE schemaname = $1", [schema])[0].decode("n", as: Int.self)
    }

    @Test func aReplayReplacesOnlyASchemaAReplayMade() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let builder = try await DeferredIndexTests.projected(database)
        let connection = try database.connect()
        try await builder.build(into: "migue_past", until: LogPosition(300), replace: false)
        let again = try await #require(throws: SchemaBuilder.Refusal.self) {
            try await builder.build(into: "migue_past", until: LogPosition(300), replace: false)
        }
        #expect(again.description == "schema migue_past already exists; pass --replace to overwrite it")
        // Exactly the events before the position: every one of the store's is migue's.
        let before200 = try await builder.store.readAll(from: .start, limit: 200)
        #expect(before200.count == 200 && before200.allSatisfy { $0.event.type.hasPrefix("migue.") })
        #expect(try await builder.build(into: "migue_past", until: LogPosition(200), replace: true) == 200)
        let messages = before200.filter { $0.event.type == "migue.message.recorded" }.count
        #expect(messages > 0)
        #expect(try connection.query("SELECT count(*) AS n FROM migue_past.messages_v2")[0].decode("n", as: Int.self) == messages)
        let mark = "SELECT obj_description('migue_past'::regnamespace, 'pg_namespace') AS mark"
        #expect(try connection.query(mark)[0].decode("mark", as: String.self) == "made by parley replay of migue: complete, the events before position 200")
        // A replay that was interrupted says so, and is replaced like any other.
        try connection.execute("COMMENT ON SCHEMA migue_past IS 'made by parley replay of migue: incomplete'")
        #expect(try await builder.build(into: "migue_past", until: LogPosition(100), replace: true) == 100)
        #expect(try connection.query(mark)[0].decode("mark", as: String.self) == "made by parley replay of migue: complete, the events before position 100")
        let messagesBefore100 = before200.prefix(100).filter { $0.event.type == "migue.message.recorded" }.count
        #expect(try connection.query("SELECT count(*) AS n FROM migue_past.messages_v2")[0].decode("n", as: Int.self) == messagesBefore100)

        // Another product's schema and one made by hand stay as they are.
        try connection.executeScript("CREATE SCHEMA notes; CREATE TABLE notes.kept (id int); INSERT INTO notes.kept VALUES (1);", name: "notes")
        for other in ["companion", "notes"] {
            let before = try tables(in: other, connection)
            let refused = try await #require(throws: SchemaBuilder.Refusal.self) {
                try await builder.build(into: other, until: LogPosition(300), replace: true)
            }
            #expect(refused.description == "schema \(other) was not made by a replay of migue, so --replace does not overwrite it; choose another name")
            #expect(try tables(in: other, connection) == before && before > 0)
        }
        #expect(try connection.query("SELECT id FROM notes.kept")[0].decode("id", as: Int.self) == 1)
        // A version's name is a rebuild's, even before that version exists.
        let version = try await #require(throws: SchemaBuilder.Refusal.self) {
            try await builder.build(into: "migue_v7", until: LogPosition(300), replace: false)
        }
        #expect(version.description == "migue_v7 is the name of a version of migue (rebuilds use migue_v<N>); choose another name")
        #expect(try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = 'migue_v7'").isEmpty)
        // So is a verify's scratch schema's: the next verify would drop it.
        let scratch = try await #require(throws: SchemaBuilder.Refusal.self) {
            try await builder.build(into: "migue_verify_0123abcd", until: LogPosition(300), replace: false)
        }
        #expect(scratch.description == "migue_verify_0123abcd is the name of a scratch schema of parley verify migue, which verify drops; choose another name")
    }
}
