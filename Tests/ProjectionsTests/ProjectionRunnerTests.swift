import TestSupport
import EventSourcing
import Foundation
import Logging
import Migue
import Postgres
import Projections
import Testing

/// The runner against a real, migrated database: rows, checkpoints, exactly-once, stopping on error.
@Suite struct ProjectionRunnerTests {
    func migratedDatabase() throws -> ScratchDatabase {
        let database = try ScratchDatabase.create()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: try database.connect(), files: files, logger: TestServer.logger).migrate()
        return database
    }

    /// A conversation's events in a store, and the one in their middle that a test makes fail.
    static func conversationWithACulprit() async throws -> (InMemoryEventStore, [RecordedEvent], RecordedEvent) {
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000001", messages: 6))
        let events = await store.readAll(from: .start, limit: 1000)
        return (store, events, events[events.count / 2])
    }

    func count(_ connection: Connection, _ table: String) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n", as: Int.self)
    }

    @Test func projectsInBatchesAndResumesFromTheCheckpoint() async throws {
        let database = try migratedDatabase()
        defer { database.drop() }
        let store = InMemoryEventStore()
        let service = MigueService(store: store)
        var commands = MigueCommands()
        try await service.submit(commands.conversation(phone: "+34600000001", messages: 7))
        try await service.submit(commands.conversation(phone: "+34600000002", messages: 3))
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger)
        try await runner.register()
        #expect(try await runner.checkpoint() == 0)
        let applied = try await runner.catchUp(batchSize: 4)
        let head = await store.head()
        #expect(applied == Int(head.rawValue))
        #expect(try await runner.checkpoint() == head)
        let connection = try database.connect()
        #expect(try count(connection, "migue.users") == 2)
        #expect(try count(connection, "migue.conversations") == 2)
        #expect(try count(connection, "migue.messages_v2") == 10)
        let first = try connection.query(
            "SELECT content, direction::text AS direction, created_at = '2026-11-22T10:00:03Z' AS fixed_time FROM migue.messages_v2 ORDER BY created_at LIMIT 1")
        #expect(try first[0].decode("content", as: String.self) == "hola 0")
        #expect(try first[0].decode("direction", as: String.self) == "inbound")
        #expect(try first[0].decode("fixed_time", as: Bool.self))
        // Nothing new: nothing applied.
        #expect(try await runner.catchUp(batchSize: 4) == 0)
        // New events: only they are applied.
        try await service.submit(commands.conversation(phone: "+34600000003", messages: 2))
        let newHead = await store.head()
        #expect(try await runner.catchUp(batchSize: 100) == Int(newHead.rawValue - head.rawValue))
        #expect(try count(connection, "migue.messages_v2") == 12)
        let status = try connection.query(
            "SELECT status FROM parley.projection_versions WHERE projection = 'migue' AND version = 1")
        #expect(try status[0].decode("status", as: String.self) == "active")
    }

    @Test func aCheckpointPastTheEndOfTheLogStopsTheRunnerBeforeItWrites() async throws {
        let database = try migratedDatabase()
        defer { database.drop() }
        let (store, _, _) = try await Self.conversationWithACulprit()
        let session = try DatabaseSession(database.conninfo, logger: TestServer.logger)
        let runner = ProjectionRunner(projection: ProjectionCatalog.migue, store: store, session: session, logger: TestServer.logger)
        try await runner.register()
        _ = try await runner.catchUp()
        // Another, shorter log against the same database.
        let other = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: other).submit(commands.conversation(phone: "+34600000077", messages: 1))
        let wrong = ProjectionRunner(projection: ProjectionCatalog.migue, store: other, session: session, logger: TestServer.logger)
        let error = try await #require(throws: CheckpointPastHead.self) { try await wrong.catchUp() }
        let (longer, shorter) = (await store.head(), await other.head())
        #expect(error.checkpoint == longer && error.head == shorter)
        #expect(try count(try database.connect(), "migue.users") == 1)
    }

    @Test func aRefusedStatementStopsAtItsEventWithTheSQLState() async throws {
        let database = try migratedDatabase()
        defer { database.drop() }
        let store = InMemoryEventStore()
        let service = MigueService(store: store)
        var commands = MigueCommands()
        try await service.submit(commands.conversation(phone: "+34600000001", messages: 2))
        try await service.submit(commands.conversation(phone: "+34600000002", messages: 2))
        // A row the log knows nothing about takes the second user's phone number.
        let connection = try database.connect()
        try connection.execute(
            "INSERT INTO migue.users (id, phone_number, created_at, updated_at) VALUES (gen_random_uuid(), '+34600000002', now(), now())")
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger)
        try await runner.register()
        let all = await store.readAll(from: .start, limit: 1000)
        let culprit = try #require(all.first { $0.type == "migue.user.registered" && $0.stream.id == MigueCommands.userID("+34600000002") })
        let error = try await #require(throws: ProjectionError.self) { try await runner.catchUp(batchSize: 1000) }
        #expect(error.position == culprit.position)
        #expect(error.eventType == "migue.user.registered")
        #expect(error.code == .uniqueViolation)
        #expect(error.description.contains("position \(culprit.position)"))
        // Everything before the culprit is applied and the checkpoint stands at it, not past it.
        #expect(try await runner.checkpoint() == culprit.position)
        #expect(try count(connection, "migue.messages_v2") == 2)
        // It stops there again rather than skipping the event.
        await #expect(throws: ProjectionError.self) { try await runner.catchUp(batchSize: 1000) }
        #expect(try await runner.checkpoint() == culprit.position)
    }

    /// A statement prepared before a migration changed its column's type fails once with 0A000
    /// (`cached plan must not change result type`): the batch is applied again one event at a
    /// time, with fresh statements, and the run goes on (Specs/postgres.md).
    @Test func aStatementStaleAfterAMigrationIsAppliedAgainWithFreshStatements() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000001", messages: 2))
        let connection = try database.connect()
        try connection.executeScript("CREATE SCHEMA probe; CREATE TABLE probe.seen (id bigint PRIMARY KEY);", name: "probe")
        let probe = Projection(name: "probe", version: 1, schema: "probe", categoryPrefix: "migue.") { event in
            [SQLStatement("INSERT INTO seen (id) VALUES ($1) RETURNING id", [.integer(Int64(event.position.rawValue))], expectedRows: 1)]
        }
        let warnings = Warnings()
        let runner = ProjectionRunner(
            projection: probe, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: warnings.logger, target: .init(schema: "probe", trackedVersion: nil))
        let first = try await runner.catchUp(batchSize: 1)
        try connection.execute("ALTER TABLE probe.seen ALTER COLUMN id TYPE text")
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000002", messages: 2))
        let second = try await runner.catchUp(batchSize: 1)
        #expect(first > 0 && second > 0)
        #expect(try count(connection, "probe.seen") == first + second)
        #expect(warnings.messages == ["a batch failed; applying its events one by one"])
    }

    /// A bulk target's batches commit without waiting for the disk; a live one's keep the server's setting.
    @Test(arguments: [(true, "off"), (false, "on")])
    func aBulkTargetCommitsAsynchronously(bulk: Bool, expected: String) async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        try database.connect().executeScript("CREATE SCHEMA probe; CREATE TABLE probe.settings (value text);", name: "probe")
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000001", messages: 1))
        let probe = Projection(name: "probe", version: 1, schema: "probe", categoryPrefix: "migue.") { _ in
            [SQLStatement("INSERT INTO settings SELECT current_setting('synchronous_commit')", [])]
        }
        let runner = ProjectionRunner(
            projection: probe, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger, target: .init(schema: "probe", trackedVersion: nil, bulk: bulk))
        try await runner.catchUp()
        let values = try database.connect().query("SELECT DISTINCT value FROM probe.settings").map { try $0.decode("value", as: String.self) }
        #expect(values == [expected])
    }

    /// Runs `probe` over the store's events, untracked, into schema `probe`, expecting it to stop
    /// with a `ProjectionError` after the failed batch was tried one event at a time.
    static func failingProbeRun(
        _ probe: Projection, store: InMemoryEventStore, database: ScratchDatabase
    ) async throws -> (ProjectionRunner, ProjectionError) {
        let warnings = Warnings()
        let runner = ProjectionRunner(
            projection: probe, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: warnings.logger, target: .init(schema: "probe", trackedVersion: nil))
        let error = try await #require(throws: ProjectionError.self) { try await runner.catchUp(batchSize: 1000) }
        #expect(warnings.messages == ["a batch failed; applying its events one by one"])
        return (runner, error)
    }

    /// A run of single-row INSERTs goes as one COPY, which stores nothing for a row a `BEFORE
    /// INSERT` trigger drops: the count COPY returns is checked, so the runner still stops at the
    /// event whose row is missing, as the INSERT alone would.
    @Test func aCopyThatStoresFewerRowsStopsAtTheEventMissingOne() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let (store, events, culprit) = try await Self.conversationWithACulprit()
        let connection = try database.connect()
        try connection.executeScript(
            """
            CREATE SCHEMA probe; CREATE TABLE probe.seen (id bigint PRIMARY KEY);
            CREATE FUNCTION probe.drop_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.id = \(culprit.position.rawValue) THEN RETURN NULL; END IF; RETURN NEW; END $$;
            CREATE TRIGGER drop_one BEFORE INSERT ON probe.seen FOR EACH ROW EXECUTE FUNCTION probe.drop_one();
            """, name: "probe")
        let probe = Projection(name: "probe", version: 1, schema: "probe", categoryPrefix: "migue.") { event in
            [SQLStatement("INSERT INTO seen (id) VALUES ($1)", [.integer(Int64(event.position.rawValue))], expectedRows: 1)]
        }
        let plan = StatementCoalescer.plan(
            try events.flatMap(probe.statements), order: try TableOrder.of(schema: "probe", connection: connection))
        guard plan.count == 1, case .copy = plan[0] else {
            Issue.record("the batch's INSERTs did not become one COPY: \(plan.count) writes")
            return
        }
        let (runner, error) = try await Self.failingProbeRun(probe, store: store, database: database)
        #expect(error.position == culprit.position)
        #expect(error.reason == "INSERT INTO seen (id) VALUES ($1): 0 rows affected, 1 expected; "
            + "the read model no longer agrees with the events (rebuild it with parley rebuild)")
        #expect(try await runner.checkpoint() == culprit.position)
        #expect(try count(connection, "probe.seen") == Int(culprit.position.rawValue))
    }

    /// Every migue INSERT expects its one row: a row that a `BEFORE INSERT` trigger drops (one a
    /// later migration adds, say) stops the runner at the event whose row is missing, whether the
    /// batch wrote the rows by COPY (12 messages) or by one merged INSERT (3).
    @Test(arguments: [12, 3]) func aMigueRowATriggerDropsStopsTheRunnerAtItsEvent(messages: Int) async throws {
        let database = try migratedDatabase()
        defer { database.drop() }
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000001", messages: messages))
        let recorded = await store.readAll(from: .start, limit: 1000).filter { $0.type == "migue.message.recorded" }
        #expect(recorded.count == messages)
        let culprit = recorded[messages / 2]
        guard case .recorded(let message) = try Message.Event(type: culprit.type, version: culprit.schemaVersion, payload: culprit.payload) else {
            Issue.record("not a recorded message")
            return
        }
        try database.connect().executeScript(
            """
            CREATE FUNCTION migue.drop_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.id = '\(message.messageID.lowercasedText)' THEN RETURN NULL; END IF; RETURN NEW; END $$;
            CREATE TRIGGER drop_one BEFORE INSERT ON migue.messages_v2 FOR EACH ROW EXECUTE FUNCTION migue.drop_one();
            """, name: "probe")
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger)
        try await runner.register()
        let error = try await #require(throws: ProjectionError.self) { try await runner.catchUp(batchSize: 1000) }
        #expect(error.position == culprit.position)
        #expect(error.reason.hasPrefix("INSERT INTO messages_v2"))
        #expect(error.reason.contains(": 0 rows affected, 1 expected; the read model no longer agrees with the events"))
        #expect(try await runner.checkpoint() == culprit.position)
    }

    /// An UPDATE that finds no row where its projector expects one: the read model drifted from
    /// the events, and the runner stops at the event whose statement missed, even when a batch
    /// merged that statement with others into one `UPDATE ... FROM unnest(...)`.
    @Test func anUpdateThatMissesItsRowStopsAtItsEvent() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let (store, events, culprit) = try await Self.conversationWithACulprit()
        let connection = try database.connect()
        try connection.executeScript(
            "CREATE SCHEMA probe; CREATE TABLE probe.seen (id bigint PRIMARY KEY, n int NOT NULL);", name: "probe")
        for event in events where event.position != culprit.position {
            try connection.execute("INSERT INTO probe.seen VALUES ($1, 0)", [Int64(event.position.rawValue)])
        }
        let probe = Projection(name: "probe", version: 1, schema: "probe", categoryPrefix: "migue.") { event in
            [SQLStatement("UPDATE seen SET n = $2 WHERE id = $1", [.integer(Int64(event.position.rawValue)), .integer(1)], expectedRows: 1)]
        }
        // The batch's statements merge into one UPDATE, which misses one row of many.
        let plan = StatementCoalescer.plan(
            try events.flatMap(probe.statements), order: try TableOrder.of(schema: "probe", connection: connection))
        #expect(plan.count == 1 && events.count > 1)
        let (runner, error) = try await Self.failingProbeRun(probe, store: store, database: database)
        #expect(error.position == culprit.position)
        #expect(error.code == nil)
        #expect(error.reason == "UPDATE seen SET n = $2 WHERE id = $1: 0 rows affected, 1 expected; "
            + "the read model no longer agrees with the events (rebuild it with parley rebuild)")
        // Every event before it is applied, none after.
        #expect(try await runner.checkpoint() == culprit.position)
        let applied = try connection.query("SELECT count(*) AS n FROM probe.seen WHERE n = 1")[0].decode("n", as: Int.self)
        #expect(applied == Int(culprit.position.rawValue))
    }

    /// An event the projector cannot read stops the projection at it, after every event before
    /// it in its batch is applied.
    @Test func anEventTheProjectorCannotReadStopsAtItAfterTheEventsBeforeIt() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let (store, _, culprit) = try await Self.conversationWithACulprit()
        struct Unreadable: Error {}
        let connection = try database.connect()
        try connection.executeScript("CREATE SCHEMA probe; CREATE TABLE probe.seen (id bigint PRIMARY KEY);", name: "probe")
        let probe = Projection(name: "probe", version: 1, schema: "probe", categoryPrefix: "migue.") { event in
            guard event.position != culprit.position else { throw Unreadable() }
            return [SQLStatement("INSERT INTO seen (id) VALUES ($1)", [.integer(Int64(event.position.rawValue))])]
        }
        let runner = ProjectionRunner(
            projection: probe, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger, target: .init(schema: "probe", trackedVersion: nil))
        let error = try await #require(throws: ProjectionError.self) { try await runner.catchUp(batchSize: 1000) }
        #expect(error.position == culprit.position)
        #expect(error.reason.hasPrefix("the projector cannot read the event: "))
        #expect(try await runner.checkpoint() == culprit.position)
        #expect(try count(connection, "probe.seen") == Int(culprit.position.rawValue))
        // It stops there again.
        await #expect(throws: ProjectionError.self) { try await runner.catchUp(batchSize: 1000) }
        #expect(try await runner.checkpoint() == culprit.position)
    }

    /// Two runners on one version (a one-shot `parley project` beside a follower, a rebuild's
    /// last catch-up beside both) share the work: a batch another runner applied first is dropped,
    /// and each goes on from the checkpoint it finds; every event is applied once.
    @Test func runnersOfOneVersionShareItsCheckpoint() async throws {
        let database = try migratedDatabase()
        defer { database.drop() }
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        for user in 0..<4 { try await MigueService(store: store).submit(commands.conversation(phone: "+3460000000\(user)", messages: 20)) }
        let said = Warnings(level: .debug)
        let first = try Self.runner(store, database, logger: said.logger), second = try Self.runner(store, database, logger: said.logger)
        try await first.register()
        // Both prepare their first batch from 0 and wait for the checkpoint row: whichever gets
        // it second finds the checkpoint moved.
        let holder = try TransientErrorTests.lockCheckpoint(of: database)
        async let one = first.catchUp(batchSize: 2)
        async let other = second.catchUp(batchSize: 3)
        try await Self.waitForLockWaiters(2, in: database)
        try holder.execute("COMMIT")
        let applied = try await one + other
        #expect(said.messages.contains("another runner applied the batch; going on from its checkpoint"), "\(said.messages)")
        let head = await store.head()
        #expect(applied == Int(head.rawValue))
        #expect(try await first.checkpoint() == head)
        #expect(try count(try database.connect(), "migue.messages_v2") == 80)
    }

    /// One step of each of two runners from the same checkpoint: the one that takes the checkpoint
    /// row second gets the conflict as a value and writes nothing.
    @Test func aStepWhoseCheckpointMovedReturnsTheConflict() async throws {
        let database = try migratedDatabase()
        defer { database.drop() }
        let store = InMemoryEventStore()
        var commands = MigueCommands()
        try await MigueService(store: store).submit(commands.conversation(phone: "+34600000009", messages: 3))
        let first = try Self.runner(store, database), second = try Self.runner(store, database)
        try await first.register()
        let holder = try TransientErrorTests.lockCheckpoint(of: database)
        async let one = first.applyNextBatch(limit: 2)
        async let other = second.applyNextBatch(limit: 2)
        try await Self.waitForLockWaiters(2, in: database)
        try holder.execute("COMMIT")
        let steps = [try await one, try await other]
        let batches = steps.compactMap { step -> ProjectionRunner.Batch? in
            guard case .applied(let batch) = step else { return nil }
            return batch
        }
        #expect(steps.filter { $0 == .checkpointMoved(expected: .start) }.count == 1, "\(steps)")
        #expect(batches.map { [$0.read, $0.applied, Int($0.next.rawValue)] } == [[2, 2, 2]], "\(steps)")
        #expect(try await first.checkpoint() == LogPosition(2))
        #expect(try count(try database.connect(), "migue.users") == 1)
    }

    /// A migue runner of `store` into `database`, with a session of its own.
    static func runner(_ store: any EventStore, _ database: ScratchDatabase, logger: Logger = TestServer.logger) throws -> ProjectionRunner {
        ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: logger), logger: logger)
    }

    /// Returns once `count` sessions of `database` wait for a lock (or after 30 s).
    static func waitForLockWaiters(_ count: Int, in database: ScratchDatabase) async throws {
        let monitor = try database.connect()
        let waiting = "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        let deadline = ContinuousClock.now + .seconds(30)
        while try monitor.query(waiting)[0].decode("n", as: Int.self) < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
