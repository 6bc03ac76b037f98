import EventSourcing
import Foundation
import Migue
import Postgres
@testable import Projections
import Testing
import TestSupport

/// Rebuilds, rollbacks and drops over several versions: which version each picks, and what the
/// readers of the live schema keep through the swaps.
@Suite struct RebuildVersionTests {
    /// A scratch database with migue projected from a small log, and a role reading it as a
    /// deployment grants it.
    struct Setup {
        let database: ScratchDatabase
        let rebuilder: Rebuilder
        let reader = "parley_reader_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)

        init() async throws {
            database = try ScratchDatabase.create()
            rebuilder = Rebuilder(builder: try await DeferredIndexTests.projected(database, messages: 300))
            let connection = try database.connect()
            try connection.execute("CREATE ROLE \(reader) NOLOGIN")
            try connection.execute("GRANT USAGE ON SCHEMA migue TO \(reader)")
            try connection.execute("GRANT SELECT ON ALL TABLES IN SCHEMA migue TO \(reader)")
            try connection.execute("GRANT UPDATE (name) ON migue.users TO \(reader) WITH GRANT OPTION")
        }

        func tearDown() {
            database.drop()
            _ = try? TestServer.connect().execute("DROP ROLE IF EXISTS \(reader)")
        }

        /// A planned next version, caught up with the log by its own runner, not swapped in.
        func caughtUpShadow() async throws
            -> (admin: DatabaseSession, active: Rebuilder.Version, shadow: Rebuilder.Version, runner: ProjectionRunner)
        {
            let builder = rebuilder.builder
            let admin = try DatabaseSession(builder.conninfo, logger: TestServer.logger)
            let head = try await builder.store.head()
            let (active, shadow) = try await admin.run { try rebuilder.plan($0, head: head) }
            let target = ProjectionRunner.Target(schema: shadow.schema, trackedVersion: shadow.version, bulk: true)
            let runner = ProjectionRunner(
                projection: builder.projection, store: builder.store, session: try DatabaseSession(builder.conninfo, logger: TestServer.logger),
                logger: TestServer.logger, target: target)
            try await runner.register()
            try await runner.catchUp()
            return (admin, active, shadow, runner)
        }

        /// (status, schema) of each version, by version number.
        func versions() throws -> [String] {
            try Rebuilder.versions(of: "migue", connection: try database.connect()).map { "v\($0.version) \($0.status) \($0.schema)" }
        }

        /// What the reader may do on the live schema, and what it reads there as itself.
        func readerSees() throws -> [String] {
            let connection = try database.connect()
            let checks = try connection.query(
                """
                SELECT has_schema_privilege($1, 'migue', 'USAGE') AS usage,
                       has_table_privilege($1, 'migue.messages_v2', 'SELECT') AS select,
                       has_column_privilege($1, 'migue.users', 'name', 'UPDATE WITH GRANT OPTION') AS column_update,
                       has_table_privilege($1, 'migue.users', 'INSERT') AS insert
                """, [reader])[0]
            var seen = try ["usage", "select", "column_update", "insert"].filter { try checks.decode($0, as: Bool.self) }
            try connection.transaction { connection in
                try connection.execute("SET LOCAL ROLE \(reader)")
                // Row-level security shows it no rows without a user's claim; the read itself is what counts.
                _ = try connection.query("SELECT count(*) FROM migue.messages_v2")
                seen.append("reads")
            }
            return seen
        }
    }

    @Test func readersKeepTheirGrantsAndRollbackReturnsToTheVersionJustReplaced() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let granted = ["usage", "select", "column_update", "reads"]
        let before = try setup.readerSees()
        #expect(before == granted)

        #expect(try await setup.rebuilder.rebuild().current == 2)
        #expect(try setup.readerSees() == granted, "the rebuilt schema has the grants of the one it replaced")
        #expect(try await setup.rebuilder.rollback() == (previous: 2, current: 1))
        #expect(try setup.readerSees() == granted)
        #expect(try setup.versions() == ["v1 active migue", "v2 retired migue_v2"])

        // v3 replaces v1; the rollback goes back to v1, not to v2 (rolled back earlier).
        #expect(try await setup.rebuilder.rebuild().current == 3)
        #expect(try await setup.rebuilder.rollback() == (previous: 3, current: 1))
        #expect(try setup.versions() == ["v1 active migue", "v2 retired migue_v2", "v3 retired migue_v3"])
        #expect(try setup.readerSees() == granted)

        #expect(try await setup.rebuilder.dropPrevious() == [2, 3])
        #expect(try setup.versions() == ["v1 active migue"])
        let schemas = try setup.database.connect().query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'migue%' ORDER BY 1")
        #expect(try schemas.map { try $0.decode("nspname", as: String.self) } == ["migue"])
        #expect(try await setup.rebuilder.dropPrevious() == [])
    }

    /// Two rebuilds of one projection would rename each other's schemas: the second is refused
    /// at once, naming the server process of the first, and changes nothing.
    @Test func aRebuildWhileAnotherRunsIsRefused() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let other = try setup.database.connect()
        let pid: Int32 = try other.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        try other.execute("SELECT pg_advisory_lock($1, hashtext($2))", [Rebuilder.lockClass, "migue"])
        for attempt in [{ _ = try await setup.rebuilder.rebuild() }, { _ = try await setup.rebuilder.rollback() }, { _ = try await setup.rebuilder.dropPrevious() }] {
            await #expect {
                try await attempt()
            } throws: {
                "\($0)" == "another rebuild, rollback or drop of migue is running (server process \(pid)); wait for it to end"
            }
        }
        #expect(try setup.versions() == ["v1 active migue"])
        try other.execute("SELECT pg_advisory_unlock($1, hashtext($2))", [Rebuilder.lockClass, "migue"])
        #expect(try await setup.rebuilder.rebuild().current == 2)
    }

    /// A version left building resumes only under the projector build that started it; another
    /// build (or one without a build id) builds it again, and `abandon` drops it.
    @Test func aVersionLeftBuildingResumesOnlyUnderItsBuildOrIsAbandoned() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let connection = try setup.database.connect()
        // A view outside the schema refuses every swap, so each rebuild leaves v2 building.
        try connection.execute("CREATE VIEW public.named_users AS SELECT id, name FROM migue.users")
        func leaveBuilding(_ build: String?) async throws -> (startedBy: String?, marked: Bool) {
            await #expect(throws: Rebuilder.Refusal.self) {
                try await Rebuilder(builder: setup.rebuilder.builder, projectorBuild: build).rebuild()
            }
            #expect(try setup.versions() == ["v1 active migue", "v2 building migue_v2"])
            let row = try connection.query(
                "SELECT projector_build, obj_description('migue_v2'::regnamespace, 'pg_namespace') AS mark FROM parley.projection_versions WHERE version = 2")[0]
            let marked = try row.decodeIfPresent("mark", as: String.self) == "mark"
            try connection.execute("COMMENT ON SCHEMA migue_v2 IS 'mark'")
            return (try row.decodeIfPresent("projector_build", as: String.self), marked)
        }
        #expect(try await leaveBuilding("a") == ("a", false))
        #expect(try await leaveBuilding("a") == ("a", true), "resumed: the schema kept its mark")
        #expect(try await leaveBuilding("b") == ("b", false), "another build starts over")
        #expect(try await leaveBuilding(nil) == (nil, false), "no build id never resumes")
        #expect(try await leaveBuilding(nil) == (nil, false))

        #expect(try await setup.rebuilder.abandon() == 2)
        #expect(try setup.versions() == ["v1 active migue"])
        #expect(try connection.query("SELECT 1 FROM pg_namespace WHERE nspname = 'migue_v2'").isEmpty)
        #expect(try await setup.rebuilder.abandon() == nil)
        try connection.execute("DROP VIEW public.named_users")
        #expect(try await setup.rebuilder.rebuild().current == 2)
        #expect(try await setup.rebuilder.abandon() == nil, "an active version is not abandoned")
        #expect(try setup.versions() == ["v1 retired migue_v1", "v2 active migue"])
    }

    /// A rollback run by the build that made the active version warns that its projector is the
    /// one catching the old version up; another build's rollback does not.
    @Test func aRollbackByTheBuildItRollsAwayFromSaysSo() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let warnings = Warnings()
        let base = setup.rebuilder.builder
        let builder = SchemaBuilder(projection: base.projection, store: base.store, conninfo: base.conninfo, migrations: base.migrations, logger: warnings.logger)
        #expect(try await Rebuilder(builder: builder, projectorBuild: "new").rebuild().current == 2)
        #expect(try await Rebuilder(builder: builder, projectorBuild: "old").rollback() == (previous: 2, current: 1))
        #expect(warnings.messages.isEmpty, "\(warnings.messages)")
        #expect(try await Rebuilder(builder: builder, projectorBuild: "new").rebuild().current == 3)
        #expect(try await Rebuilder(builder: builder, projectorBuild: "new").rollback() == (previous: 3, current: 1))
        #expect(warnings.messages == [
            "this build of parley built version 3: its projector writes the events since that swap into version 1 too; "
                + "to undo a projector change, run the rollback with the build before it",
        ])
    }

    /// Objects outside the live schema refer to its tables by identity: a swap would leave them on
    /// the retired version, and dropping it would drop them. Both are refused, naming them.
    @Test func objectsOutsideTheSchemaStopTheSwapAndTheDrop() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let connection = try setup.database.connect()
        try connection.executeScript(
            """
            CREATE VIEW public.named_users AS SELECT id, name FROM migue.users;
            CREATE TABLE public.orders (id int PRIMARY KEY, user_id uuid REFERENCES migue.users (id));
            """, name: "outside")

        await #expect {
            try await setup.rebuilder.rebuild()
        } throws: {
            "\($0)" == "swapping version 2 of migue in refused: table constraint orders_user_id_fkey on public.orders, view public.named_users "
                + "outside schema migue depend on it and would go on using version 1's tables after the swap; drop them first (and create them again after)"
        }
        #expect(try setup.versions() == ["v1 active migue", "v2 building migue_v2"])

        try connection.executeScript("DROP VIEW public.named_users; DROP TABLE public.orders;", name: "outside")
        #expect(try await setup.rebuilder.rebuild().current == 2)
        try connection.execute("CREATE VIEW public.old_users AS SELECT id FROM migue_v1.users")

        await #expect {
            try await setup.rebuilder.dropPrevious()
        } throws: {
            "\($0)" == "dropping migue_v1 refused: view public.old_users outside schema migue_v1 depends on it and would be dropped with it; "
                + "drop it first (and create it again after)"
        }
        #expect(try setup.versions() == ["v1 retired migue_v1", "v2 active migue"])
    }

    /// A runner of a version dropped under it says so with a value `project --follow` matches
    /// (it then follows the active version instead of stopping).
    @Test func aRunnerOfADroppedVersionSaysItIsNotRegistered() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        #expect(try await setup.rebuilder.rebuild().current == 2)
        #expect(try await setup.rebuilder.dropPrevious() == [1])
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: setup.rebuilder.builder.store,
            session: try DatabaseSession(setup.database.conninfo, logger: TestServer.logger), logger: TestServer.logger,
            target: .init(schema: "migue_v1", trackedVersion: 1))

        await #expect(throws: VersionNotRegistered(projection: "migue", version: 1)) { try await runner.catchUp() }
    }

    /// A runner following the live schema stops at its first batch once a swap retired its
    /// version, writing nothing however many events wait (`project --follow` then follows the new
    /// one); a runner of a version whatever its status (a rollback's) goes on applying them.
    @Test func aRunnerOfTheActiveVersionStopsOnceASwapRetiresIt() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let store = setup.rebuilder.builder.store
        let following = try #require(try await ProjectionRunner.runners(
            for: ProjectionCatalog.migue, store: store, conninfo: setup.database.conninfo, logger: TestServer.logger
        ).first)
        #expect(following.target == .init(schema: "migue", trackedVersion: 1, whileActive: true))
        #expect(try await setup.rebuilder.rebuild().current == 2)
        let conversation = (UUID(namespace: Migue.namespace, name: "bulk-conversation-0"), "+34620000000")
        for index in 0..<30 { try await BulkMessages.appendOne(index: index, conversation: conversation, to: store) }
        let checkpoint = try await following.checkpoint()
        let messages = { try setup.database.connect().query("SELECT count(*) AS n FROM migue_v1.messages_v2")[0].decode("n", as: Int.self) }
        let before = try messages()

        #expect(try await following.applyNextBatch(limit: 10) == .retired)
        #expect(try await following.catchUp(batchSize: 10) == 0)
        #expect(try await following.checkpoint() == checkpoint)
        #expect(try messages() == before)

        let anyStatus = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store,
            session: try DatabaseSession(setup.database.conninfo, logger: TestServer.logger), logger: TestServer.logger,
            target: .init(schema: "migue_v1", trackedVersion: 1))
        #expect(try await anyStatus.catchUp(batchSize: 10) == 30)
        #expect(try messages() == before + 30)
    }

    /// A function taking the schema's own types keeps its grants across a swap (and PUBLIC stays
    /// without the EXECUTE revoked from it); a rollback takes back what was revoked on the newer version.
    @Test func grantsFollowFunctionsOfTheSchemasTypesAndRevocationsSurviveARollback() async throws {
        let setup = try await Setup()
        defer { setup.tearDown() }
        let connection = try setup.database.connect()
        let function = "migue.reminder_status_transition_allowed(migue.reminder_status, migue.reminder_status)"
        try connection.execute("REVOKE EXECUTE ON FUNCTION \(function) FROM PUBLIC")
        try connection.execute("GRANT EXECUTE ON FUNCTION \(function) TO \(setup.reader)")
        func may(_ role: String, _ check: String) throws -> Bool {
            try connection.query("SELECT \(check) AS allowed", [role])[0].decode("allowed", as: Bool.self)
        }
        let execute = "has_function_privilege($1, '\(function)', 'EXECUTE')"
        let select = "has_table_privilege($1, 'migue.messages_v2', 'SELECT')"

        #expect(try await setup.rebuilder.rebuild().current == 2)
        #expect(try may(setup.reader, execute))
        #expect(try !may("public", execute))
        #expect(try may(setup.reader, select))

        try connection.execute("REVOKE SELECT ON migue.messages_v2 FROM \(setup.reader)")
        #expect(try await setup.rebuilder.rollback() == (previous: 2, current: 1))

        #expect(try setup.versions() == ["v1 active migue", "v2 retired migue_v2"])
        #expect(try !may(setup.reader, select), "revoked on version 2, so not back with version 1")
        #expect(try may(setup.reader, execute))
        #expect(try !may("public", execute))
    }
}
