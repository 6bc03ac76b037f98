import Foundation
import Projections
import TestSupport
import Testing

/// A function body that names its own schema would follow no rename at a rebuild's swap: refused
/// before anything runs, by `parley migrate` and by every build.
@Suite struct RoutineBodyTests {
    func line(_ sql: String) -> Int? {
        MigrationFile(schema: "demo", fileName: "0001_a.sql", number: 1, sql: sql).schemaInRoutineBody
    }

    static let header = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql\nSET search_path = demo, pg_catalog\nAS $$\nBEGIN\n"

    @Test(arguments: [
        (header + "  UPDATE demo.users SET seen = now();\n  RETURN NEW;\nEND\n$$;\n", 5),
        (header + "  RETURN NEW;\nEND\n$$;\nCREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT count(*) FROM \"Demo\".t $body$;\n", 8),
        ("CREATE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM DEMO.t $$;", 1),
    ])
    func aBodyNamingTheSchemaIsFoundAtItsLine(sql: String, line expected: Int) {
        #expect(line(sql) == expected)
    }

    @Test(arguments: [
        // Pinned in the header, unqualified in the body: what the swap re-pins.
        header + "  UPDATE users SET seen = now();\n  RETURN NEW;\nEND\n$$;\n",
        // In a literal or a comment of the body.
        header + "  RAISE NOTICE 'demo.users';\n  -- demo.users is unqualified here\n  RETURN NEW;\nEND\n$$;\n",
        // A DO block runs at once; a BEGIN ATOMIC body is bound when created.
        "DO $$ BEGIN PERFORM 1 FROM demo.users; END $$;",
        "CREATE FUNCTION n() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM demo.users; END;",
        // Another schema's names, and a name that only starts with the schema's.
        header + "  PERFORM auth.uid(); PERFORM demography.x();\n  RETURN NEW;\nEND\n$$;\n",
    ])
    func aBodyThatDoesNotNameTheSchemaIsTaken(sql: String) {
        #expect(line(sql) == nil)
    }

    @Test func noShippedMigrationNamesItsSchemaInABody() throws {
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        #expect(files.filter { $0.schemaInRoutineBody != nil }.map(\.name) == [])
    }

    @Test func retargetingAndMigratingRefuseTheFileBeforeAnythingRuns() throws {
        let sql = Self.header + "  UPDATE demo.users SET seen = now();\n  RETURN NEW;\nEND\n$$;\n"
        let expected = MigrationError.schemaInRoutineBody(file: "demo/0002_touch.sql", line: 5, schema: "demo")
        #expect(throws: expected) {
            try MigrationFile(schema: "demo", fileName: "0002_touch.sql", number: 2, sql: sql).retargeted(to: "demo_v2")
        }
        let users = "CREATE SCHEMA IF NOT EXISTS demo;\nCREATE TABLE demo.users (seen timestamptz);\n"
        let folder = try MigratorTests.demoFolder(["0001_users.sql": users, "0002_touch.sql": sql])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let migrator = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: TestServer.logger)
        #expect(throws: expected) { try migrator.migrate() }
        #expect(try migrator.status().map(\.state) == [.pending, .pending, .pending])
        #expect(expected.description.hasPrefix("demo/0002_touch.sql line 5: a function body names the schema demo; "))
    }
}
