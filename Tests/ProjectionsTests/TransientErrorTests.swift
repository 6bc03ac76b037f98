import EventSourcing
import Foundation
import Migue
import Postgres
import Projections
import Testing
import TestSupport

/// Database errors that say nothing about the events: a lock not granted in time is tried again,
/// a cancelled statement stops the run as itself, and neither is blamed on an event.
@Suite struct TransientErrorTests {
    /// A migrated scratch database whose sessions give up on a lock after 100 ms (and, when
    /// `statementTimeout`, on any statement after 100 ms), with migue's runner over one conversation.
    static func setUp(statementTimeout: Bool) async throws -> (ScratchDatabase, ProjectionRunner) {
        let database = try ScratchDatabase.create()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        let connection = try database.connect()
        try Migrator(connection: connection, files: files, logger: TestServer.logger).migrate()
        let name = try connection.query("SELECT current_database() AS name")[0].decode("name", as: String.self)
        try connection.execute("ALTER DATABASE \"\(name)\" SET \(statementTimeout ? "statement_timeout" : "lock_timeout") = '100ms'")
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000001", messages: 4))
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger)
        try await runner.register()
        return (database, runner)
    }

    /// Holds the runner's checkpoint row locked for `duration`, from another connection.
    static func holdCheckpoint(of database: ScratchDatabase, for duration: Duration) throws -> Task<Void, any Error> {
        let connection = try database.connect()
        try connection.execute("BEGIN")
        try connection.execute("SET LOCAL statement_timeout = 0")
        try connection.execute("SELECT 1 FROM parley.projection_checkpoints WHERE projection = 'migue' FOR UPDATE")
        return Task.detached {
            try await Task.sleep(for: duration)
            try connection.execute("COMMIT")
        }
    }

    @Test func aLockNotGrantedInTimeIsTriedAgain() async throws {
        let (database, runner) = try await Self.setUp(statementTimeout: false)
        defer { database.drop() }
        // The first try gives up after 100 ms, the second (50 ms later) after 250 ms; the third,
        // 200 ms after that, finds the lock free.
        let holder = try Self.holdCheckpoint(of: database, for: .milliseconds(300))
        let applied = try await runner.catchUp()
        try await holder.value
        #expect(applied > 0)
        #expect(try await runner.checkpoint().rawValue == UInt64(applied))
        #expect(try database.connect().query("SELECT count(*) AS n FROM migue.messages_v2")[0].decode("n", as: Int.self) == 4)
    }

    @Test func aCancelledStatementStopsTheRunAsItselfBlamingNoEvent() async throws {
        let (database, runner) = try await Self.setUp(statementTimeout: true)
        defer { database.drop() }
        let holder = try Self.holdCheckpoint(of: database, for: .milliseconds(500))
        let error = try await #require(throws: PostgresError.self) { try await runner.catchUp() }
        try await holder.value
        #expect(error.code == .queryCanceled)
        #expect(try await runner.checkpoint() == .start)
    }
}
