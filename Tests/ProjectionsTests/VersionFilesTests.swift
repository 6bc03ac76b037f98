import EventSourcing
import Foundation
import Synchronization
import Postgres
@testable import Projections
import Testing
import TestSupport

/// Rebuilds after a schema change: `parley.migrations` lists what the live schema was made from,
/// and a folder that no longer holds it is refused before anything is built.
@Suite struct VersionFilesTests {
    /// A new migration adding a column to the live tables.
    static let added = MigrationFile(
        schema: "migue", fileName: "0005_user_nickname.sql", number: 5,
        sql: "SET search_path TO migue, public;\nALTER TABLE users ADD COLUMN nickname TEXT;\n")

    /// A scratch database with migue migrated and projected from 50 messages.
    struct Setup {
        let database: ScratchDatabase
        let builder: SchemaBuilder
        let connection: Connection

        init() async throws {
            database = try ScratchDatabase.create()
            builder = try await DeferredIndexTests.projected(database, messages: 50)
            connection = try database.connect()
        }

        /// A builder of the same projection and log from another folder.
        func builder(files: [MigrationFile]) -> SchemaBuilder {
            SchemaBuilder(projection: builder.projection, store: builder.store, conninfo: database.conninfo, migrations: files, logger: TestServer.logger)
        }

        var folder: [MigrationFile] { get throws { try MigrationFile.load(from: TestServer.migrationsDirectory) } }

        /// `schema/file checksum-prefix` of what `parley.migrations` lists for migue.
        func recorded() throws -> [String] {
            try connection.query("SELECT file_name, checksum FROM parley.migrations WHERE schema_name = 'migue' ORDER BY file_name").map {
                "\(try $0.decode("file_name", as: String.self)) \(try $0.decode("checksum", as: String.self).prefix(8))"
            }
        }

        func hasNickname() throws -> Bool {
            try connection.query(
                "SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'migue' AND table_name = 'users' AND column_name = 'nickname'"
            )[0].decode("n", as: Int.self) == 1
        }
    }

    @Test func aRebuildWithANewFileRecordsItAndARollbackForgetsIt() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let before = try setup.recorded()
        let folder = try setup.folder + [Self.added]

        let outcome = try await Rebuilder(builder: setup.builder(files: folder)).rebuild()

        #expect(outcome.current == 2)
        #expect(try setup.hasNickname())
        #expect(try setup.recorded() == before + ["0005_user_nickname.sql \(Self.added.checksum.prefix(8))"])
        // The live schema has the file, so migrate has nothing to do (it used to fail: the column exists).
        let migrator = Migrator(connection: setup.connection, files: folder, logger: TestServer.logger)
        #expect(try migrator.migrate().isEmpty)

        let back = try await Rebuilder(builder: setup.builder(files: folder)).rollback()

        #expect(back == (previous: 2, current: 1))
        #expect(try !setup.hasNickname())
        #expect(try setup.recorded() == before)
        #expect(try migrator.migrate().map(\.name) == ["migue/0005_user_nickname.sql"])
        #expect(try setup.hasNickname())
    }

    @Test func aFileMigratedIntoALiveVersionComesBackWithItFromARollback() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let before = try setup.recorded()
        let folder = try setup.folder + [Self.added]
        let migrator = Migrator(connection: setup.connection, files: folder, logger: TestServer.logger)
        #expect(try await Rebuilder(builder: setup.builder).rebuild().current == 2)
        #expect(try migrator.migrate().map(\.name) == ["migue/0005_user_nickname.sql"])

        let away = try await Rebuilder(builder: setup.builder(files: folder)).rollback()
        let back = try await Rebuilder(builder: setup.builder(files: folder)).rollback()

        #expect(away == (previous: 2, current: 1))
        #expect(back == (previous: 1, current: 2))
        #expect(try setup.hasNickname())
        #expect(try setup.recorded() == before + ["0005_user_nickname.sql \(Self.added.checksum.prefix(8))"])
        // Version 2 has the column: migrating it again would fail (42701) or, for data, apply twice.
        #expect(try migrator.migrate().isEmpty)
    }

    @Test func aChangedOrMissingAppliedFileIsRefusedBeforeAnythingIsBuilt() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let folder = try setup.folder
        var changed = folder
        let index = try #require(changed.firstIndex { $0.name == "migue/0002_tables.sql" })
        changed[index] = MigrationFile(schema: "migue", fileName: "0002_tables.sql", number: 2, sql: changed[index].sql + "\n-- edited\n")
        let missing = folder.filter { $0.name != "migue/0004_row_level_security.sql" }

        for (files, expected) in [
            (changed, "migue/0002_tables.sql has changed since it was applied"),
            (missing, "migue/0004_row_level_security.sql was applied but is no longer in the migrations folder"),
        ] {
            let builder = setup.builder(files: files)
            await #expect { try await Rebuilder(builder: builder).rebuild() } throws: { "\($0)".hasPrefix(expected) }
            await #expect { try await ProjectionVerifier(builder: builder).verify() } throws: { "\($0)".hasPrefix(expected) }
            await #expect { try await builder.build(into: "migue_past", until: nil, replace: false) } throws: { "\($0)".hasPrefix(expected) }
        }
        let schemas = try setup.connection.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'migue%' ORDER BY nspname")
        #expect(try schemas.map { try $0.decode("nspname", as: String.self) } == ["migue"])
        #expect(try Rebuilder.versions(of: "migue", connection: setup.connection).map(\.status) == ["active"])
    }

    @Test func verifyRefusesAFileTheLiveSchemaDoesNotHaveYetAndReplayTakesIt() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let builder = setup.builder(files: try setup.folder + [Self.added])

        await #expect {
            try await ProjectionVerifier(builder: builder).verify()
        } throws: {
            "\($0)" == "migue/0005_user_nickname.sql is not applied to the live schema migue yet: run parley migrate (or parley rebuild migue) first"
        }
        // A replay is a sandbox: it may try the new file.
        #expect(try await builder.build(into: "migue_past", until: nil, replace: false) > 0)
    }

    @Test func aVersionLeftBuildingFromOtherFilesIsBuiltAgain() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let (_, shadow) = try Rebuilder(builder: setup.builder).plan(setup.connection, head: try await setup.builder.store.head())
        #expect(shadow == .init(version: 2, schema: "migue_v2", status: "building"))

        let outcome = try await Rebuilder(builder: setup.builder(files: try setup.folder + [Self.added])).rebuild()

        #expect(outcome.current == 2)
        #expect(try setup.hasNickname(), "version 2 was built again with the new file")
        let files = try setup.builder.versionFiles.recorded(version: 2, connection: setup.connection)
        #expect(files?["0005_user_nickname.sql"] == Self.added.checksum)
        #expect(files?.count == 5)
    }

    @Test func aFileMigratedIntoTheLiveSchemaWhileBuildingStopsTheSwap() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let rebuilder = Rebuilder(builder: setup.builder)
        let (active, shadow) = try rebuilder.plan(setup.connection, head: try await setup.builder.store.head())
        try Migrator(connection: setup.connection, files: try setup.folder + [Self.added], logger: TestServer.logger).migrate()

        #expect {
            try rebuilder.swap(retiring: active, activating: shadow, strictFiles: true, connection: setup.connection)
        } throws: {
            "\($0)".hasPrefix("migue/0005_user_nickname.sql was applied to the live schema after version 2 started building without it")
        }
        #expect(try Rebuilder.versions(of: "migue", connection: setup.connection).map(\.status) == ["active", "building"])
        #expect(try setup.hasNickname())
    }

    /// A migrate under way holds its lock until its last file is recorded; a swap in between
    /// would record that file for a live schema that lacks it (a `CREATE INDEX` still running
    /// does not block the swap's counts).
    @Test func aSwapWaitsForAMigrateUnderWayAndThenRefusesWhatItApplied() async throws {
        let setup = try await Setup()
        defer { setup.database.drop() }
        let rebuilder = Rebuilder(builder: setup.builder)
        let (active, shadow) = try rebuilder.plan(setup.connection, head: try await setup.builder.store.head())
        // The migrate's session: it holds the lock, as `Migrator.migrate` does across its files.
        try setup.connection.execute("SELECT pg_advisory_lock($1)", [Migrator.lockKey])

        let swapped = Mutex<Result<Void, any Error>?>(nil)
        let conninfo = setup.database.conninfo
        Thread.detachNewThread {
            let result = Result { try rebuilder.swap(retiring: active, activating: shadow, strictFiles: true, connection: try Connection(conninfo, logger: TestServer.logger)) }
            swapped.withLock { $0 = result }
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(swapped.withLock { $0 == nil }, "the swap went ahead of the migrate under way")
        try Migrator(connection: setup.connection, files: try setup.folder + [Self.added], logger: TestServer.logger).migrate()
        try setup.connection.execute("SELECT pg_advisory_unlock($1)", [Migrator.lockKey])

        let deadline = ContinuousClock.now + .seconds(30)
        while swapped.withLock({ $0 == nil }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let result = try #require(swapped.withLock { $0 }, "the swap never ended")
        #expect { try result.get() } throws: {
            "\($0)".hasPrefix("migue/0005_user_nickname.sql was applied to the live schema after version 2 started building without it")
        }
        #expect(try Rebuilder.versions(of: "migue", connection: setup.connection).map(\.status) == ["active", "building"])
    }
}
