import EventSourcing
import Foundation
import Migue
import Postgres
import Projections
import TestSupport
import Testing

/// `MigueStory` submitted through `MigueService` and projected by the real runner into a migrated
/// scratch database, once per test process; and the helpers that compare its rows column by column.
enum ProjectedStory {
    struct Projected: Sendable {
        var database: ScratchDatabase
        var store: InMemoryEventStore
        /// Events the runner applied.
        var applied: Int
    }

    private static let database: Result<ScratchDatabase, any Error> = Result {
        let database = try migratedDatabase()
        atexit { ProjectedStory.dropAtExit() }
        return database
    }

    private static let projection = Task { () async throws -> Projected in
        let store = InMemoryEventStore()
        try await MigueService(store: store).submit(MigueStory.script)
        let scratch = try ProjectedStory.database.get()
        return Projected(database: scratch, store: store, applied: try await project(store, into: scratch, batchSize: 1000))
    }

    private static func dropAtExit() {
        if case .success(let database) = database { database.drop() }
    }

    /// The story, projected; the first caller waits for the submission and the projection.
    static func shared() async throws -> Projected { try await projection.value }

    /// A connection to the shared projection, in UTC so times print as `2026-11-22 10:00:00+00`.
    static func connect() async throws -> Connection {
        let projected = try await shared()
        return try utc(try projected.database.connect())
    }

    static func utc(_ connection: Connection) throws -> Connection {
        try connection.execute("SET TIME ZONE 'UTC'")
        return connection
    }

    /// A new scratch database with every migration applied; the caller drops it.
    static func migratedDatabase() throws -> ScratchDatabase {
        let database = try ScratchDatabase.create()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: try database.connect(), files: files, logger: TestServer.logger).migrate()
        return database
    }

    /// Registers the migue projection in `database` and runs it to the head of `store`.
    ///
    /// Every batch must apply as planned: the runner logs a warning when it falls back to one
    /// event at a time, which would hide a merged statement or a COPY the server refused.
    static func project(_ store: InMemoryEventStore, into database: ScratchDatabase, batchSize: Int) async throws -> Int {
        let warnings = Warnings()
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store,
            session: try DatabaseSession(database.conninfo, logger: TestServer.logger), logger: warnings.logger)
        try await runner.register()
        let applied = try await runner.catchUp(batchSize: batchSize)
        let head = await store.head()
        #expect(try await runner.checkpoint() == head, "the runner stopped before the head")
        #expect(warnings.messages == [], "the runner fell back or retried")
        return applied
    }
}

/// What one column of a projected row should hold.
enum Cell: Sendable {
    /// The column's text as PostgreSQL prints it (enums as their label, numerics with their scale).
    case text(String)
    case null
    /// A `timestamptz`: seconds after `MigueScript.t0`.
    case time(Int64)
    /// A `jsonb` value, compared after PostgreSQL normalises both.
    case json(String)
    /// A `vector`, compared number by number.
    case vector([Float])
}

extension Connection {
    /// Checks every column of the row of `table` (in schema migue) with `id`: the row exists once, its
    /// columns are exactly those of `expected`, and each holds what `expected` says.
    func expectRow(
        _ table: String, id: String, _ expected: [String: Cell], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let rows = try query("SELECT * FROM migue.\(table) WHERE id = $1", [id])
        try #require(rows.count == 1, "\(table) \(id): \(rows.count) rows", sourceLocation: sourceLocation)
        let row = rows[0]
        #expect(Set(row.columns) == Set(expected.keys), "\(table): columns", sourceLocation: sourceLocation)
        for (column, cell) in expected.sorted(by: { $0.key < $1.key }) {
            let actual = row[column]
            let wanted: String?
            switch cell {
            case .text(let text): wanted = text
            case .null: wanted = nil
            case .time(let seconds): wanted = MigueScript.postgres(seconds)
            case .json(let json): wanted = try query("SELECT $1::jsonb::text AS j", [json])[0]["j"]
            case .vector(let values):
                #expect(actual.flatMap(PostgresVector.init(postgresText:))?.values == values,
                        "\(table).\(column)", sourceLocation: sourceLocation)
                continue
            }
            #expect(actual == wanted, "\(table).\(column)", sourceLocation: sourceLocation)
        }
    }

    /// The ids of `table`'s rows, sorted.
    func ids(_ table: String) throws -> [String] {
        try query("SELECT id::text AS id FROM migue.\(table) ORDER BY id").map { try $0.decode("id", as: String.self) }
    }
}
