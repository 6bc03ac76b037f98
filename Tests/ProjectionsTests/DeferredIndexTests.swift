import EventSourcing
import Foundation
import Postgres
@testable import Projections
import Testing
import TestSupport

/// Rebuilds, resumed rebuilds and replays build their secondary indexes after the load, and end
/// with exactly the indexes a migrated schema has.
@Suite struct DeferredIndexTests {
    /// Every index of `schema`: name and definition, with `S` for the schema's name.
    static func indexes(of schema: String, connection: Connection) throws -> [String] {
        try connection.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname", [schema]).map {
            let definition = MigrationFile.requalify(try $0.decode("indexdef", as: String.self), from: schema, to: "S")
            return "\(try $0.decode("indexname", as: String.self)): \(definition)"
        }
    }

    /// Migrates `database`, projects `messages` messages into it, and returns a builder of `projection` for it.
    static func projected(
        _ database: ScratchDatabase, projection: Projection = ProjectionCatalog.migue, messages: Int = 2000
    ) async throws -> SchemaBuilder {
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: try database.connect(), files: files, logger: TestServer.logger).migrate()
        let store = InMemoryEventStore()
        _ = try await BulkMessages.write(messages: messages, conversations: 20, to: store)
        let live = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger)
        try await live.register()
        try await live.catchUp()
        return SchemaBuilder(projection: projection, store: store, conninfo: database.conninfo, migrations: files, logger: TestServer.logger)
    }

    @Test func theMigrationsDeferSecondaryIndexesOnly() throws {
        let connection = try MigratedDatabase.connect()
        let migue = try MigrationFile.load(from: TestServer.migrationsDirectory).filter { $0.schema == "migue" }
        let deferred = DeferredIndexes(migrations: migue, kept: [])
        let names = try deferred.defined(for: "migue", connection: connection).map(\.name)
        #expect(names.contains("idx_messages_v2_conv_ts") && names.contains("uniq_wa_message") && names.contains("users_pkey"))
        do {
            try connection.transaction { connection in
                let dropped = try deferred.drop(in: "migue", connection: connection)
                #expect(dropped == ["idx_messages_v2_conv_ts", "idx_user_locations_coords", "idx_users_phone", "user_memory_embedding_idx"])
                throw Undo()
            }
        } catch is Undo {}
    }

    /// A schema named like the old reference copy (`<schema>_reference`, a replay's `--into` may
    /// be any plain name) is not in the way of reading the indexes of `schema`.
    @Test func aSchemaNamedLikeTheReferenceCopyIsNotInTheWay() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: connection, files: files, logger: TestServer.logger).migrate()
        let migue = files.filter { $0.schema == "migue" }
        for file in migue { try connection.executeScript(file.retargeted(to: "migue_reference"), name: file.name) }
        let names = try DeferredIndexes(migrations: migue, kept: []).defined(for: "migue", connection: connection).map(\.name)
        #expect(names.contains("idx_messages_v2_conv_ts") && names.contains("users_pkey"))
    }

    @Test func aRebuiltSchemaHasTheIndexesOfAMigratedOne() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        _ = try await Rebuilder(builder: try await Self.projected(database)).rebuild()
        let connection = try database.connect()
        let rebuilt = try Self.indexes(of: "migue", connection: connection)
        let migrated = try Self.indexes(of: "migue_v1", connection: connection)
        #expect(rebuilt == migrated)
        #expect(rebuilt.contains { $0.hasPrefix("user_memory_embedding_idx: CREATE INDEX") })
    }

    @Test func anInterruptedRebuildCreatesTheDeferredIndexesWhenResumed() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        var failing = ProjectionCatalog.migue
        failing.statements = { event in
            if event.position.rawValue >= 1000 { throw Undo() }
            return try ProjectionCatalog.migue.statements(event)
        }
        let interrupted = try await Self.projected(database, projection: failing)
        await #expect(throws: ProjectionError.self) { try await Rebuilder(builder: interrupted).rebuild() }
        let connection = try database.connect()
        #expect(try Self.indexes(of: "migue_v2", connection: connection).count < Self.indexes(of: "migue", connection: connection).count)
        // Marked, to tell a resumed version from one dropped and built again.
        try connection.execute("COMMENT ON SCHEMA migue_v2 IS 'interrupted'")

        let builder = SchemaBuilder(
            projection: ProjectionCatalog.migue, store: interrupted.store, conninfo: database.conninfo, migrations: interrupted.migrations,
            logger: TestServer.logger)
        let outcome = try await Rebuilder(builder: builder).rebuild()
        #expect(outcome.current == 2)
        let mark: String? = try connection.query("SELECT obj_description('migue'::regnamespace, 'pg_namespace') AS mark")[0].decode("mark")
        #expect(mark == "interrupted", "the version was built again, not resumed")
        let rebuilt = try Self.indexes(of: "migue", connection: connection)
        let migrated = try Self.indexes(of: "migue_v1", connection: connection)
        #expect(rebuilt == migrated)
    }

    @Test func aReplayHasTheIndexesOfAMigratedSchema() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let builder = try await Self.projected(database)
        try await builder.build(into: "migue_past", until: LogPosition(500), replace: false)
        let connection = try database.connect()
        let replayed = try Self.indexes(of: "migue_past", connection: connection)
        let migrated = try Self.indexes(of: "migue", connection: connection)
        #expect(replayed == migrated)
    }

    struct Undo: Error {}
}
