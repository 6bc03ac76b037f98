import EventSourcing
import Foundation
import Migue
import Postgres
@testable import Projections
import Testing
import TestSupport

/// The swap: what it holds while it catches the new version up, and the logs it refuses.
extension RebuildVersionTests {
    /// The live runner applied events the shadow has not: the swap catches the shadow up while it
    /// holds the live checkpoint, so the read model never goes back.
    @Test func theSwapNeverTakesTheReadModelBack() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let builder = setup.rebuilder.builder
        let (admin, active, shadow, shadowRunner) = try await setup.caughtUpShadow()
        // Appended and applied live after the shadow's last pass.
        let conversation = (id: UUID(namespace: Migue.namespace, name: "bulk-conversation-0"), phone: "+34620000000")
        for index in 0..<25 { try await BulkMessages.appendOne(index: 10_000 + index, conversation: conversation, to: builder.store) }
        let live = ProjectionRunner(
            projection: builder.projection, store: builder.store, session: try DatabaseSession(builder.conninfo, logger: TestServer.logger),
            logger: TestServer.logger)
        #expect(try await live.catchUp() == 25)
        let liveMessages: Int64 = try setup.database.connect().query("SELECT count(*) AS n FROM migue.messages_v2")[0].decode("n")

        let (applied, _) = try await setup.rebuilder.swapCaughtUp(
            retiring: active, activating: shadow, runner: shadowRunner, strictFiles: true, admin: admin, progress: { _ in }) { _ in }
        #expect(applied == 25)
        let connection = try setup.database.connect()
        #expect(try connection.query("SELECT count(*) AS n FROM migue.messages_v2")[0].decode("n", as: Int64.self) == liveMessages)
        let head = try await builder.store.head()
        let checkpoint: Int64 = try connection.query(
            "SELECT next_position FROM parley.projection_checkpoints WHERE projection = 'migue' AND version = $1", [shadow.version])[0]
            .decode("next_position")
        #expect(checkpoint == Int64(head.rawValue))
        #expect(try setup.versions() == ["v1 retired migue_v1", "v2 active migue"])
    }

    /// The swap's lock on the live checkpoint times out (a live runner holds it too long): the
    /// swap fails with the server's error, and the admin session is left out of any transaction.
    @Test func aSwapWhoseLockTimesOutLeavesNoTransactionOpen() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let (admin, active, shadow, shadowRunner) = try await setup.caughtUpShadow()
        let holder = try setup.database.connect()
        try holder.begin()
        try holder.execute(
            "SELECT 1 FROM parley.projection_checkpoints WHERE projection = 'migue' AND version = $1 FOR UPDATE", [active.version])
        try await admin.run { connection in try connection.execute("SET lock_timeout = '50ms'") }
        let error = try await #require(throws: PostgresError.self) {
            _ = try await setup.rebuilder.swapCaughtUp(
                retiring: active, activating: shadow, runner: shadowRunner, strictFiles: true, admin: admin, progress: { _ in }) { _ in }
        }
        #expect(error.code == .lockNotAvailable)
        holder.rollBackIfOpen()
        #expect(try await admin.run { connection in try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) } == 1)
        #expect(try setup.versions() == ["v1 active migue", "v2 building migue_v2"])
    }

    /// A log that ends before the live version's checkpoint (another log, or this one cut back)
    /// would take the read model back: refused before anything is built, unless accepted.
    @Test func aLogShorterThanTheLiveVersionsIsRefusedUnlessAccepted() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let live = setup.rebuilder.builder
        let shorter = InMemoryEventStore()
        _ = try await BulkMessages.write(messages: 50, conversations: 20, to: shorter)
        let liveHead = try await live.store.head(), shorterHead = await shorter.head()
        let rebuilder = Rebuilder(builder: SchemaBuilder(
            projection: live.projection, store: shorter, conninfo: live.conninfo, migrations: live.migrations, logger: TestServer.logger))
        let refusal = "version 1 of migue, the live one, has applied the events before position \(liveHead), but this log ends at "
            + "\(shorterHead): the live version was projected from another log (give its --log) or from this one before it was "
            + "cut back; not rebuilding (pass --accept-shorter-log to replace it with a version built from this log, which holds fewer events)"
        await #expect { try await rebuilder.rebuild(accept: .differentCounts) } throws: { "\($0)" == refusal }
        #expect(try setup.versions() == ["v1 active migue"])

        let outcome = try await rebuilder.rebuild(accept: .shorterLog)
        #expect(outcome.current == 2)
        #expect(outcome.position == Int64(shorterHead.rawValue))
        #expect(outcome.applied == Int(shorterHead.rawValue))
        #expect(try setup.versions() == ["v1 retired migue_v1", "v2 active migue"])
    }

    /// A version left building past the end of this log (caught up with the longer log before it
    /// was cut back) cannot catch up from it: it is dropped and built again, so that
    /// `--accept-shorter-log` gets past it instead of meeting `CheckpointPastHead` every run.
    @Test func aVersionLeftBuildingPastTheLogsEndIsBuiltAgain() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        _ = try await setup.caughtUpShadow()
        #expect(try setup.versions() == ["v1 active migue", "v2 building migue_v2"])
        let live = setup.rebuilder.builder
        let shorter = InMemoryEventStore()
        _ = try await BulkMessages.write(messages: 50, conversations: 20, to: shorter)
        let shorterHead = await shorter.head(), liveHead = try await live.store.head()
        let notices = Warnings(level: .notice)
        let rebuilder = Rebuilder(builder: SchemaBuilder(
            projection: live.projection, store: shorter, conninfo: live.conninfo, migrations: live.migrations, logger: notices.logger))
        let outcome = try await rebuilder.rebuild(accept: .shorterLog)
        #expect(outcome.current == 2)
        #expect(outcome.position == Int64(shorterHead.rawValue))
        #expect(try setup.versions() == ["v1 retired migue_v1", "v2 active migue"])
        #expect(notices.messages.first == "version 2 was building past the end of this log (its checkpoint \(liveHead.rawValue), "
            + "the log's head \(shorterHead)): building it again")
    }

    /// The same check holds in the swap's transaction, where the checkpoints are locked: a live
    /// version that got past this log's end while the shadow was built is not replaced.
    @Test func theSwapRefusesAShadowBehindTheLiveVersion() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let builder = setup.rebuilder.builder
        let (_, active, shadow, _) = try await setup.caughtUpShadow()
        let head = Int64(try await builder.store.head().rawValue)
        let connection = try setup.database.connect()
        let (tables, position) = try setup.rebuilder.checkCounts(live: active, shadow: shadow, accept: [], connection: connection)
        #expect(position == head)
        #expect(tables.allSatisfy { $0.matches })
        try connection.execute(
            "UPDATE parley.projection_checkpoints SET next_position = $2 WHERE projection = 'migue' AND version = $1",
            [active.version, head + 7])
        #expect { _ = try setup.rebuilder.checkCounts(live: active, shadow: shadow, accept: .differentCounts, connection: connection) } throws: {
            "\($0)".hasPrefix("version 1 of migue, the live one, has applied the events before position \(head + 7), but this log ends at \(head):")
        }
        #expect(try setup.rebuilder.checkCounts(live: active, shadow: shadow, accept: .shorterLog, connection: connection).position == head)
    }

    /// A swap planned from versions that changed before it ran (here, the version it would
    /// activate is no longer building) swaps nothing.
    @Test func aStaleSwapChangesNothing() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        #expect(try await setup.rebuilder.rebuild().current == 2)
        let connection = try setup.database.connect()
        #expect(throws: Rebuilder.Refusal.self) {
            try setup.rebuilder.swap(
                retiring: .init(version: 2, schema: "migue", status: "active"), activating: .init(version: 1, schema: "migue_v1", status: "building"), strictFiles: true,
                connection: connection)
        }
        #expect(try setup.versions() == ["v1 retired migue_v1", "v2 active migue"])
        #expect(try setup.readerSees() == ["usage", "select", "column_update", "reads"])
    }
}
