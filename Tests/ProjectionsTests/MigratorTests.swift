import TestSupport
import Foundation
import Logging
import Postgres
import Projections
import Testing

@Suite struct MigratorTests {
    let logger = TestServer.logger

    /// A copy of the repository's migrations in a temporary folder, which a test may then change.
    func copyOfMigrations() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-migrations-\(UUID())").path
        try FileManager.default.copyItem(atPath: TestServer.migrationsDirectory, toPath: folder)
        return folder
    }

    @Test func everyMigrationAppliesToAnEmptyDatabaseAndAgainIsANoOp() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        let migrator = Migrator(connection: connection, files: files, logger: logger)

        #expect(try migrator.status().allSatisfy { $0.state == .pending })
        let applied = try migrator.migrate()
        #expect(applied.map(\.name) == files.map(\.name))
        #expect(applied.first?.name == "parley/0001_bookkeeping.sql")
        #expect(try migrator.migrate().isEmpty)
        #expect(try migrator.status().map(\.state) == Array(repeating: .applied, count: files.count))

        let recorded = try connection.query("SELECT schema_name || '/' || file_name AS name, checksum FROM parley.migrations")
        #expect(recorded.count == files.count)
        for row in recorded {
            let name: String = try row.decode("name")
            #expect(try row.decode("checksum") == files.first { $0.name == name }?.checksum)
        }
        let schemas = try connection.query(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY nspname",
            [PostgresArray(["companion", "groupchat", "migue", "nirva", "parley", "wingman"])]
        )
        #expect(schemas.count == 6)
        #expect(try connection.query("SHOW search_path")[0].decode("search_path", as: String.self) == "\"$user\", public")
    }

    @Test func productsHaveEveryTableTheirSeedDefines() throws {
        let connection = try MigratedDatabase.connect()
        let expected: [String: Set<String>] = [
            "wingman": ["users", "conversations", "messages", "bot_suggestions"],
            "nirva": ["user_conversations", "conversation_messages", "conversation_context", "chat_messages"],
            "groupchat": ["users", "conversations", "ai_models", "messages", "conversation_participants", "conversation_ai_models"],
            "migue": [
                "users", "conversations", "messages_v2", "reminders", "messaging_windows", "flow_sessions", "call_logs",
                "user_interactions", "user_locations", "user_memory", "ai_usage_tracking", "scheduled_messages", "webhook_failures",
            ],
            "companion": ["users", "conversations", "messages", "user_context", "scheduled_messages", "onboarding", "telegram_link_tokens"],
            "parley": ["migrations", "projection_versions", "projection_checkpoints", "projection_version_files"],
        ]
        for (schema, tables) in expected {
            let rows = try connection.query("SELECT tablename FROM pg_tables WHERE schemaname = $1", [schema])
            #expect(Set(try rows.map { try $0.decode("tablename", as: String.self) }) == tables, "\(schema)")
        }
    }

    @Test func aChangedAppliedFileIsRefusedByName() throws {
        let folder = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        try Migrator(connection: connection, files: MigrationFile.load(from: folder), logger: logger).migrate()

        let path = folder + "/wingman/0001_tables.sql"
        try (String(contentsOfFile: path, encoding: .utf8) + "\n-- an edit\n").write(toFile: path, atomically: true, encoding: .utf8)
        let changed = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: logger)
        let error = #expect(throws: MigrationError.self) { try changed.migrate() }
        guard case .changed(let file, _, _) = error else {
            Issue.record("expected .changed, got \(String(describing: error))")
            return
        }
        #expect(file == "wingman/0001_tables.sql")
        #expect(error?.description.contains("wingman/0001_tables.sql has changed") == true)
        #expect(throws: MigrationError.self) { try changed.status() }
    }

    @Test func aRemovedAppliedFileAndAnOutOfOrderFileAreRefused() throws {
        let folder = try copyOfMigrations()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        try Migrator(connection: connection, files: MigrationFile.load(from: folder), logger: logger).migrate()

        try "SELECT 1;\n".write(toFile: folder + "/migue/0000_early.sql", atomically: true, encoding: .utf8)
        let early = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: logger)
        #expect(throws: MigrationError.outOfOrder(pending: "migue/0000_early.sql", applied: "migue/0001_types.sql")) {
            try early.migrate()
        }
        try FileManager.default.removeItem(atPath: folder + "/migue/0000_early.sql")
        try FileManager.default.removeItem(atPath: folder + "/nirva/0001_tables.sql")
        let missing = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: logger)
        #expect(throws: MigrationError.missing(file: "nirva/0001_tables.sql")) { try missing.migrate() }
    }

    @Test func aFailingFileIsRolledBackAndNamedWithItsLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-migrations-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/parley", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/demo", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestServer.migrationsDirectory + "/parley/0001_bookkeeping.sql", toPath: folder + "/parley/0001_bookkeeping.sql")
        try "CREATE SCHEMA demo;\nCREATE TABLE demo.t (id int);\n\nSELECT no_such_column FROM demo.t;\n"
            .write(toFile: folder + "/demo/0001_broken.sql", atomically: true, encoding: .utf8)
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let migrator = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: logger)

        let error = #expect(throws: MigrationError.self) { try migrator.migrate() }
        guard case .failed(let file, let failure) = error else {
            Issue.record("expected .failed, got \(String(describing: error))")
            return
        }
        #expect(file == "demo/0001_broken.sql")
        #expect(failure.code == SQLState("42703"))
        #expect(failure.context == "running demo/0001_broken.sql line 4")
        #expect(try connection.query("SELECT to_regnamespace('demo') IS NULL AS gone")[0].decode("gone", as: Bool.self))
        #expect(try migrator.status().map(\.state) == [.applied, .pending])
    }

    /// A new migrations folder: parley's bookkeeping file, and `files` (name to SQL) in `demo/`.
    static func demoFolder(_ files: [String: String]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-migrations-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder + "/parley", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestServer.migrationsDirectory + "/parley/0001_bookkeeping.sql", toPath: folder + "/parley/0001_bookkeeping.sql")
        try FileManager.default.createDirectory(atPath: folder + "/demo", withIntermediateDirectories: true)
        for (name, sql) in files { try sql.write(toFile: folder + "/demo/" + name, atomically: true, encoding: .utf8) }
        return folder
    }

    /// A pending file that would end or begin the transaction is refused before any pending file
    /// runs, even one before it: nothing of the run is applied, and the message names the line.
    @Test(arguments: [
        ("SELECT 1;\nCOMMIT;\n", 2, "COMMIT"),
        ("CREATE TABLE public.half (id int);\nROLLBACK;\nBEGIN;\nSELECT 1;\n", 2, "ROLLBACK"),
        ("-- a comment\nBEGIN;\nSELECT 1;\nCOMMIT;\n", 2, "BEGIN"),
    ])
    func aFileThatControlsItsTransactionIsRefusedBeforeAnythingRuns(sql: String, line: Int, statement: String) throws {
        let folder = try Self.demoFolder(["0001_first.sql": "CREATE TABLE public.first (id int);\n", "0002_commits.sql": sql])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let migrator = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: logger)
        #expect(throws: MigrationError.controlsTransaction(file: "demo/0002_commits.sql", line: line, statement: statement)) {
            try migrator.migrate()
        }
        #expect(try migrator.status().map(\.state) == [.pending, .pending, .pending])
        let left = try connection.query(
            "SELECT to_regclass('public.first') IS NULL AND to_regclass('public.half') IS NULL AS clean")
        #expect(try left[0].decode("clean", as: Bool.self))
    }

    /// A routine body in SQL-standard form holds semicolons and ends with END; it is applied.
    @Test func aBeginAtomicFunctionIsApplied() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-migrations-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/demo", withIntermediateDirectories: true)
        try """
            CREATE SCHEMA IF NOT EXISTS demo;
            CREATE FUNCTION demo.two() RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              SELECT CASE WHEN true THEN 2 END;
            END;
            """.write(toFile: folder + "/demo/0001_two.sql", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/parley", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: TestServer.migrationsDirectory + "/parley/0001_bookkeeping.sql", toPath: folder + "/parley/0001_bookkeeping.sql")
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let migrator = Migrator(connection: connection, files: try MigrationFile.load(from: folder), logger: logger)
        #expect(try migrator.migrate().map(\.name) == ["parley/0001_bookkeeping.sql", "demo/0001_two.sql"])
        #expect(try connection.query("SELECT demo.two() AS two")[0].decode("two", as: Int.self) == 2)
    }

    /// The migrator's own reads and lock name what failed, not a migration "rolled back": a role
    /// that may not read `parley.migrations`, and a lock another migrator holds past the lock timeout.
    @Test func bookkeepingFailuresSayWhatFailed() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        let owner = try database.connect()
        try Migrator(connection: owner, files: files, logger: logger).migrate()

        let reader = try database.connect()
        let role = "parley_no_reads_\(UUID().uuidString.prefix(8).lowercased())"
        try reader.execute("CREATE ROLE \(role)")
        defer { _ = try? owner.execute("DROP ROLE IF EXISTS \(role)") }
        try reader.execute("SET ROLE \(role)")
        let refused = #expect(throws: MigrationError.self) { try Migrator(connection: reader, files: files, logger: logger).status() }
        guard case .bookkeeping(let action, let error) = refused else {
            Issue.record("expected .bookkeeping, got \(String(describing: refused))")
            return
        }
        #expect(action == "reading the applied migrations from parley.migrations")
        #expect(error.code == SQLState("42501"))
        #expect(refused?.description.hasPrefix("reading the applied migrations from parley.migrations failed, before any migration ran: ") == true)
        try reader.execute("RESET ROLE")

        try owner.execute("SELECT pg_advisory_lock($1)", [Int64(0x7061_726c_6579_6d67)])
        try reader.execute("SET lock_timeout = '50ms'")
        let locked = #expect(throws: MigrationError.self) { try Migrator(connection: reader, files: files, logger: logger).migrate() }
        guard case .bookkeeping(let lockAction, let lockError) = locked else {
            Issue.record("expected .bookkeeping, got \(String(describing: locked))")
            return
        }
        #expect(lockAction == "taking the migrations' advisory lock")
        #expect(lockError.code == SQLState("55P03"))
    }
}
