import EventSourcing
import Foundation
import Logging
import Migue
import Postgres
@testable import Projections
import Synchronization
import Testing
import TestSupport

/// Database errors that say nothing about the events: a lock not granted in time is tried again,
/// a cancelled statement stops the run as itself, and neither is blamed on an event.
@Suite struct TransientErrorTests {
    /// A migrated scratch database whose sessions give up on a lock after 100 ms (and, when
    /// `statementTimeout`, on any statement after 100 ms), with migue's runner over one conversation.
    static func setUp(
        statementTimeout: Bool, logger: Logger = TestServer.logger
    ) async throws -> (ScratchDatabase, ProjectionRunner, any EventStore) {
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
            logger: logger)
        try await runner.register()
        return (database, runner, store)
    }

    /// Locks the runner's checkpoint row from another connection, in a transaction left open.
    static func lockCheckpoint(of database: ScratchDatabase) throws -> Connection {
        let connection = try database.connect()
        try connection.execute("BEGIN")
        try connection.execute("SET LOCAL statement_timeout = 0")
        try connection.execute("SELECT 1 FROM parley.projection_checkpoints WHERE projection = 'migue' FOR UPDATE")
        return connection
    }

    @Test func aLockNotGrantedInTimeIsTriedAgain() async throws {
        let warnings = Warnings()
        let (database, runner, _) = try await Self.setUp(statementTimeout: false, logger: warnings.logger)
        defer { database.drop() }
        // Released once the runner has waited for it and given up at least once (its lock_timeout
        // is 100 ms): a later try, 50, 200 or 800 ms after a failure, finds it free. Held and
        // released on a thread of its own: other tests' blocking calls may hold the cooperative
        // pool for longer than the runner's four tries take.
        let state = Mutex<(locked: Bool, sawWaiter: Bool, released: Result<Void, any Error>?)>((false, false, nil))
        Thread.detachNewThread {
            let result = Result {
                let holder = try Self.lockCheckpoint(of: database)
                state.withLock { $0.locked = true }
                let monitor = try database.connect()
                // Other tests' databases share the server: only this database's sessions count.
                let waiting = "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                let deadline = ContinuousClock.now + .seconds(30)
                while try monitor.query(waiting)[0].decode("n", as: Int.self) == 0, ContinuousClock.now < deadline {
                    Thread.sleep(forTimeInterval: 0.005)
                }
                let saw = try monitor.query(waiting)[0].decode("n", as: Int.self) > 0
                state.withLock { $0.sawWaiter = saw }
                Thread.sleep(forTimeInterval: 0.25)
                try holder.execute("COMMIT")
            }
            state.withLock { $0.locked = true; $0.released = result }
        }
        while !state.withLock({ $0.locked }) { try await Task.sleep(for: .milliseconds(5)) }
        let applied = try await runner.catchUp()
        while state.withLock({ $0.released == nil }) { try await Task.sleep(for: .milliseconds(10)) }
        try state.withLock { try $0.released?.get() }
        #expect(state.withLock { $0.sawWaiter }, "the runner never waited for the lock")
        // It gave up on the lock and tried again, at least once, saying so each time.
        let retries = warnings.messages
        #expect(!retries.isEmpty && retries.allSatisfy { $0 == "a batch met a transient database error; trying it again" }, "\(retries)")
        #expect(applied > 0)
        #expect(try await runner.checkpoint().rawValue == UInt64(applied))
        #expect(try database.connect().query("SELECT count(*) AS n FROM migue.messages_v2")[0].decode("n", as: Int.self) == 4)
    }

    /// A transient error while the events of a refused batch are applied one by one is tried
    /// again there too, rather than stopping the run: a trigger refuses the batch's first message
    /// (a check violation, blamed on an event), then fails the next insert with a serialization
    /// failure, then lets everything through.
    @Test func aTransientErrorWhileApplyingOneByOneIsTriedAgain() async throws {
        let warnings = Warnings()
        let (database, runner, _) = try await Self.setUp(statementTimeout: false, logger: warnings.logger)
        defer { database.drop() }
        try database.connect().executeScript(
            """
            CREATE SEQUENCE public.message_inserts;
            CREATE FUNCTION public.flaky() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                CASE nextval('public.message_inserts')
                    WHEN 1 THEN RAISE EXCEPTION 'refused once' USING ERRCODE = 'check_violation';
                    WHEN 2 THEN RAISE EXCEPTION 'could not serialize' USING ERRCODE = 'serialization_failure';
                    ELSE RETURN NEW;
                END CASE;
            END $$;
            CREATE TRIGGER flaky BEFORE INSERT ON migue.messages_v2 FOR EACH ROW EXECUTE FUNCTION public.flaky();
            """, name: "flaky")
        let applied = try await runner.catchUp()
        #expect(try database.connect().query("SELECT count(*) AS n FROM migue.messages_v2")[0].decode("n", as: Int.self) == 4)
        #expect(try await runner.checkpoint().rawValue == UInt64(applied))
        let messages = warnings.messages
        #expect(messages.first == "a batch failed; applying its events one by one", "\(messages)")
        #expect(messages.dropFirst().count == 1, "\(messages)")
        #expect(messages.last?.hasPrefix("the event at position ") == true && messages.last?.hasSuffix(" met a transient database error; trying it again") == true)
    }

    /// A transient error is tried again three times, after 50, 200 and 800 ms: 1.05 s in all
    /// before it stops the run, long enough for a deadlock's victim, short enough to report a lock held for good.
    @Test func retriesPauseLongerEachTime() {
        #expect(ProjectionRunner.transientRetries == 3)
        #expect((1...ProjectionRunner.transientRetries).map(ProjectionRunner.pause(beforeRetry:))
            == [.milliseconds(50), .milliseconds(200), .milliseconds(800)])
    }

    /// A NUL in an event's text (written past the deciders, which refuse it) is refused before it is
    /// sent, as the server would refuse it: the run stops at that event, named, not with a bare error.
    @Test func aNULInAnEventsTextIsBlamedOnThatEvent() async throws {
        let (database, runner, store) = try await Self.setUp(statementTimeout: false)
        defer { database.drop() }
        // Ana's registration as the decider writes it, with U+0000 put into her name afterwards.
        let scratch = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: scratch).submit(commands.conversation(phone: "+34600000002", messages: 0))
        let registered = try #require(await scratch.readAll(from: .start, limit: 10).first { $0.type == "migue.user.registered" })
        let text = String(decoding: registered.payload, as: UTF8.self)
        #expect(text.contains(#""name":""#))
        let payload = Array(text.replacingOccurrences(of: #""name":""#, with: #""name":"\u0000"#).utf8)
        let position = try await store.head()
        _ = try await store.append(
            [ProposedEvent(id: UUID(), type: registered.type, schemaVersion: registered.schemaVersion, recordedAt: registered.recordedAt,
                           metadata: registered.metadata, payload: payload)],
            to: registered.stream, expected: .noStream, durability: .durable)
        let error = try await #require(throws: ProjectionError.self) { try await runner.catchUp() }
        #expect(error.position == position)
        #expect(error.code == .characterNotInRepertoire)
        #expect(try await runner.checkpoint() == position)
    }

    @Test func aCancelledStatementStopsTheRunAsItselfBlamingNoEvent() async throws {
        let (database, runner, _) = try await Self.setUp(statementTimeout: true)
        defer { database.drop() }
        // Held until the run stops: every try meets the lock, and the statement timeout cancels it.
        let holder = try Self.lockCheckpoint(of: database)
        let error = try await #require(throws: PostgresError.self) { try await runner.catchUp() }
        try holder.execute("COMMIT")
        #expect(error.code == .queryCanceled)
        #expect(try await runner.checkpoint() == .start)
    }
}
