import Postgres
import Projections
import Testing
import TestSupport

@Suite struct RetargetTests {
    @Test func rewritesTheSchemaOutsideComments() throws {
        let file = MigrationFile(
            schema: "migue", fileName: "0001_x.sql", number: 1,
            sql: """
                -- migue.ai: the tables of migue.users
                CREATE SCHEMA IF NOT EXISTS migue;
                SET search_path TO migue, public;
                CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = migue, pg_catalog AS $$ SELECT count(*) FROM users $$;
                DO $$ BEGIN PERFORM count(*) FROM migue.users; END $$;
                SELECT 'migue.users -- not a comment', notmigue.users, auth.uid();
                """, checksum: "")
        #expect(try file.retargeted(to: "shadow") == """
            -- migue.ai: the tables of migue.users
            CREATE SCHEMA IF NOT EXISTS shadow;
            SET search_path TO shadow, public;
            CREATE FUNCTION f() RETURNS int LANGUAGE sql SET search_path = shadow, pg_catalog AS $$ SELECT count(*) FROM users $$;
            DO $$ BEGIN PERFORM count(*) FROM shadow.users; END $$;
            SELECT 'shadow.users -- not a comment', notmigue.users, auth.uid();
            """)
    }

    /// A form the rewrite does not know would reach the live schema while building another: refused, naming the line.
    @Test(arguments: [
        "SET search_path TO migue;", "SET search_path TO \"migue\", public;", "ALTER TABLE MIGUE.users ADD COLUMN x int;",
        "CREATE TABLE \"migue\".t (id int);", "GRANT USAGE ON SCHEMA migue TO reader;",
    ])
    func formsTheRewriteDoesNotKnowAreRefused(statement: String) {
        let file = MigrationFile(schema: "migue", fileName: "0005_x.sql", number: 5, sql: "-- migue\nSET search_path TO migue, public;\n\(statement)\n")
        #expect(throws: MigrationError.notRetargetable(file: "migue/0005_x.sql", line: 3)) { try file.retargeted(to: "migue_v2") }
    }

    @Test func theSchemaNameInsideALiteralOrAnotherNameIsLeftAlone() throws {
        let file = MigrationFile(
            schema: "migue", fileName: "0005_x.sql", number: 5, sql: "COMMENT ON TABLE t IS 'built for migue';\nSELECT migue_count, notmigue.x;\n")
        #expect(try file.retargeted(to: "migue_v2") == file.sql)
    }

    @Test func migueBuildsIntoAnotherSchemaWithItsRules() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        for file in files where file.schema == "migue" {
            try connection.executeScript(try file.retargeted(to: "migue_asof"), name: file.name)
        }
        let tables = try connection.query(
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'migue_asof' AND table_type = 'BASE TABLE'")
        #expect(try tables[0].decode("n", as: Int.self) == 13)
        let own = try connection.query("SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = 'migue'")
        #expect(try own[0].decode("n", as: Int.self) == 0)
        // The reminder trigger works in the new schema.
        try connection.execute("SET search_path TO migue_asof, public")
        try connection.execute(
            "INSERT INTO users (id, phone_number, created_at, updated_at) VALUES ('00000000-0000-4000-8000-000000000001', '+34600000001', now(), now())")
        try connection.execute(
            """
            INSERT INTO reminders (id, user_id, title, scheduled_time, status, created_at)
            VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 't', now() + interval '1 day', 'sent', now())
            """)
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("UPDATE reminders SET status = 'pending' WHERE id = '00000000-0000-4000-8000-000000000002'")
        }
        #expect(error.code == .checkViolation)
        #expect(error.constraint == "chk_reminder_status_transition")
        #expect(error.schema == "migue_asof")
    }
}
