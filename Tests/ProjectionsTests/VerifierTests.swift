import EventSourcing
import Foundation
import Postgres
@testable import Projections
import Testing
import TestSupport

/// `parley verify`: a rebuild into a scratch schema compared with the live one, table by table.
@Suite struct VerifierTests {
    /// The scratch schemas of migue's verifies that exist now.
    static func scratchSchemas(_ database: ScratchDatabase) throws -> [String] {
        try database.connect().query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'migue\\_verify\\_%' ORDER BY nspname")
            .map { try $0.decode("nspname") }
    }

    @Test func aFaithfulReadModelMatchesAndLeavesNoScratchSchema() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let builder = try await DeferredIndexTests.projected(database, messages: 300)

        let outcome = try await ProjectionVerifier(builder: builder).verify()

        #expect(outcome.matches)
        #expect(outcome.schema == "migue")
        #expect(outcome.position == LogPosition(try await builder.store.head().rawValue))
        let messages = try #require(outcome.tables.first { $0.table == "messages_v2" })
        #expect(messages == .init(table: "messages_v2", liveRows: 300, rebuiltRows: 300, matches: true))
        #expect(try Self.scratchSchemas(database) == [])
    }

    @Test func anEditedRowIsFoundInItsTable() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let builder = try await DeferredIndexTests.projected(database, messages: 300)
        let connection = try database.connect()
        let edited = try connection.execute(
            "UPDATE migue.messages_v2 SET content = content || '!' WHERE id = (SELECT id FROM migue.messages_v2 ORDER BY id LIMIT 1)")
        #expect(edited == 1)

        let outcome = try await ProjectionVerifier(builder: builder).verify()

        #expect(!outcome.matches)
        #expect(outcome.tables.filter { !$0.matches }.map(\.table) == ["messages_v2"])
        #expect(outcome.tables.first { $0.table == "messages_v2" } == .init(table: "messages_v2", liveRows: 300, rebuiltRows: 300, matches: false))
    }

    /// A verify stopped by Ctrl-C or a crash leaves its scratch schema; the next one drops it, but
    /// not the schema of a verify still running (it holds the schema's advisory lock).
    @Test func theNextVerifyDropsScratchSchemasNobodyHolds() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let builder = try await DeferredIndexTests.projected(database, messages: 50)
        let running = try database.connect()
        try running.execute("CREATE SCHEMA migue_verify_0000beef")
        try running.execute("CREATE TABLE migue_verify_0000beef.users (id int)")
        try running.execute("SELECT pg_advisory_lock($1, hashtext($2))", [ProjectionVerifier.scratchLockClass, "migue_verify_0000beef"])
        try running.execute("CREATE SCHEMA migue_verify_0000dead")
        try running.execute("CREATE TABLE migue_verify_0000dead.users (id int)")
        try running.execute("CREATE SCHEMA migue_verify_notours")

        let outcome = try await ProjectionVerifier(builder: builder).verify()

        #expect(outcome.matches)
        #expect(try Self.scratchSchemas(database) == ["migue_verify_0000beef", "migue_verify_notours"])
        try running.execute("SELECT pg_advisory_unlock($1, hashtext($2))", [ProjectionVerifier.scratchLockClass, "migue_verify_0000beef"])
        let dropped = try ProjectionVerifier(builder: builder).sweep(connection: running)
        #expect(dropped == ["migue_verify_0000beef"])
    }

    /// A swap committed while verify fingerprints the live schema does not mix the versions:
    /// the tables are the snapshot's, whatever their names are now.
    @Test func fingerprintsReadTheSnapshotsTablesAfterARename() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.executeScript(
            """
            CREATE SCHEMA live; CREATE TABLE live.t (id int); INSERT INTO live.t VALUES (1), (2);
            CREATE SCHEMA shadow; CREATE TABLE shadow.t (id int); INSERT INTO shadow.t VALUES (3);
            """, name: "setup")
        let swapper = try database.connect()
        let (before, during) = try connection.transaction { connection in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            let before = try TableFingerprint.of(schema: "live", connection: connection)
            try swapper.executeScript("ALTER SCHEMA live RENAME TO old; ALTER SCHEMA shadow RENAME TO live;", name: "swap")
            return (before, try TableFingerprint.of(schema: "live", connection: connection))
        }
        #expect(before["t"]?.rows == 2)
        #expect(during == before)
    }

    /// A log that ends before the live checkpoint is not the one the read model came from.
    @Test func aLogShorterThanTheLiveCheckpointIsNamedAsSuch() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let live = try await DeferredIndexTests.projected(database, messages: 300)
        let shorter = InMemoryEventStore()
        _ = try await BulkMessages.write(messages: 50, conversations: 20, to: shorter)
        let builder = SchemaBuilder(
            projection: live.projection, store: shorter, conninfo: live.conninfo, migrations: live.migrations, logger: TestServer.logger)
        let expected = CheckpointPastHead(projection: "migue", checkpoint: try await live.store.head(), head: await shorter.head())
        await #expect { try await ProjectionVerifier(builder: builder).verify() } throws: { "\($0)" == expected.description }
        #expect(try Self.scratchSchemas(database) == [])
    }

    @Test func aProjectionThatNeverRanIsRefusedByName() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: try database.connect(), files: files, logger: TestServer.logger).migrate()
        let builder = SchemaBuilder(
            projection: ProjectionCatalog.migue, store: InMemoryEventStore(), conninfo: database.conninfo, migrations: files,
            logger: TestServer.logger)

        await #expect {
            try await ProjectionVerifier(builder: builder).verify()
        } throws: { error in
            "\(error)" == "projection migue has no active version: run parley project first"
        }
        #expect(try Self.scratchSchemas(database) == [])
    }
}
