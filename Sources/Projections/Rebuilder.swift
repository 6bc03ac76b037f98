import EventSourcing
import Foundation
import Logging
import Postgres

/// What a rebuild may swap in although its checks would refuse it.
public struct RebuildAcceptance: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Row counts that differ from the live version's by more than the events between them.
    public static let differentCounts = RebuildAcceptance(rawValue: 1)
    /// A log that ends before the live version's checkpoint.
    public static let shorterLog = RebuildAcceptance(rawValue: 2)
}

/// Builds a projection's next version in a shadow schema while the live one serves, then swaps
/// them in one transaction; the previous version stays for a rollback until dropped.
///
/// The live schema always has the projection's own name (`migue`), so readers never change their
/// `search_path`. Version n + 1 is built as `migue_v<n+1>`; the swap renames `migue` to `migue_v<n>`
/// and `migue_v<n+1>` to `migue`.
public struct Rebuilder: Sendable {
    public let builder: SchemaBuilder
    /// The build whose projector this rebuilder runs (`ProjectorBuild.current`); a version left
    /// building is resumed only under the build that started it.
    public let projectorBuild: String?
    var projection: Projection { builder.projection }

    public init(builder: SchemaBuilder, projectorBuild: String? = ProjectorBuild.current) {
        self.builder = builder
        self.projectorBuild = projectorBuild
    }

    /// A version row of `parley.projection_versions`.
    public struct Version: Sendable, Equatable, Encodable {
        public var version: Int
        public var schema: String
        public var status: String
    }

    /// What a rebuild did.
    public struct Outcome: Sendable, Encodable {
        public var projection: String
        public var previous: Int
        public var current: Int
        /// The new version's checkpoint when it was swapped in: it holds the events before it.
        public var position: Int64
        /// The events this run applied; fewer than `position` when it resumed a version left building.
        public var applied: Int
        public var tables: [ProjectionVerifier.Table]
    }

    /// Why a rebuild stopped before swapping.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String

        static func shorterLog(projection: String, live: Int, checkpoint: Int64, head: Int64) -> Refusal {
            Refusal(description: "version \(live) of \(projection), the live one, has applied the events before position "
                + "\(checkpoint), but this log ends at \(head): the live version was projected from another log (give its "
                + "--log) or from this one before it was cut back; not rebuilding (pass --accept-shorter-log to replace it "
                + "with a version built from this log, which holds fewer events)")
        }
    }

    /// Builds the next version (or resumes one left building), catches up, checks, swaps.
    ///
    /// `accept` lets a version swap in that the checks would refuse: one whose projector changes
    /// row counts on purpose, one built from a log shorter than the live version's.
    public func rebuild(accept: RebuildAcceptance = [], progress: (LogPosition) -> Void = { _ in }) async throws -> Outcome {
        let admin = try DatabaseSession(builder.conninfo, logger: builder.logger)
        return try await exclusively(admin) {
            let head = try await builder.store.head()
            try await admin.run { connection in try refuseShorterLog(head: head, accept: accept, connection: connection) }
            let (active, shadow) = try await admin.run { connection in try plan(connection, head: head) }
            let runner = try runner(for: shadow, bulk: true)
            try await runner.register()
            let clock = ContinuousClock()
            var start = clock.now
            var applied = try await catchUp(runner, progress: progress)
            builder.logger.info("caught up", metadata: ["schema": "\(shadow.schema)", "events": "\(applied)", "took": "\(clock.now - start)"])
            // The indexes the load deferred, then what was appended while they were built.
            start = clock.now
            let built = try await admin.run { connection in try builder.deferredIndexes.create(in: shadow.schema, connection: connection) }
            builder.logger.info("built deferred indexes", metadata: ["indexes": "\(built)", "took": "\(clock.now - start)"])
            applied += try await catchUp(runner, progress: progress)
            try await admin.run { connection in try checkConstraintsValid(schema: shadow.schema, connection: connection) }
            let (last, checked) = try await swapCaughtUp(
                retiring: active, activating: shadow, runner: runner, strictFiles: true, admin: admin, progress: progress
            ) { connection in
                try checkCounts(live: active, shadow: shadow, accept: accept, connection: connection)
            }
            applied += last + (try await catchUpAfterSwap(shadow.version))
            return Outcome(
                projection: projection.name, previous: active.version, current: shadow.version, position: checked.position,
                applied: applied, tables: checked.tables)
        }
    }

    /// The active version and the one to build: a version left building, or a new one, whose
    /// schema and version row commit together, so a crash leaves both or neither.
    ///
    /// A version left building from other migration files than the folder's, by another build's
    /// projector, or past the end of the log (`head`: built from a longer log, since cut back) is
    /// dropped and built again: the swap would otherwise bring in a schema the files do not
    /// describe, rows two projectors wrote, or events this log does not hold.
    func plan(_ connection: Connection, head: LogPosition) throws -> (active: Version, shadow: Version) {
        let files = builder.versionFiles
        _ = try files.pending(connection: connection)
        var versions = try Self.versions(of: projection.name, connection: connection)
        guard let active = versions.first(where: { $0.status == "active" }) else {
            throw Refusal(description: "projection \(projection.name) has no active version yet: run parley project first")
        }
        if let building = versions.first(where: { $0.status == "building" }) {
            let startedBy = try Self.projectorBuild(of: projection.name, version: building.version, connection: connection)
            let checkpoint = try ProjectionRunner.storedCheckpoint(of: projection.name, version: building.version, connection: connection)
                ?? .start
            let reason: String
            if !(try files.matchesFolder(version: building.version, connection: connection)) {
                reason = "from other migration files than the folder's"
            } else if projectorBuild == nil || startedBy != projectorBuild {
                reason = "by another build of the projector (\(startedBy ?? "unknown"), this one \(projectorBuild ?? "unknown"))"
            } else if checkpoint > head {
                reason = "past the end of this log (its checkpoint \(checkpoint), the log's head \(head))"
            } else {
                return (active, building)
            }
            builder.logger.notice("version \(building.version) was building \(reason): building it again", metadata: ["schema": "\(building.schema)"])
            try connection.transaction { connection in try drop(building, connection: connection) }
            versions = try Self.versions(of: projection.name, connection: connection)
        }
        let next = (versions.map(\.version).max() ?? 0) + 1
        let shadow = Version(version: next, schema: "\(projection.schema)_v\(next)", status: "building")
        try connection.transaction { connection in
            let durations = try builder.migrate(shadow.schema, connection: connection)
            try connection.execute(
                """
                INSERT INTO parley.projection_versions (projection, version, schema_name, status, projector_build)
                VALUES ($1, $2, $3, 'building', $4)
                """, [projection.name, shadow.version, shadow.schema, projectorBuild])
            try connection.execute(
                "INSERT INTO parley.projection_checkpoints (projection, version) VALUES ($1, $2)", [projection.name, shadow.version])
            try files.record(version: shadow.version, durations: durations, connection: connection)
        }
        return (active, shadow)
    }

    /// A failure after the swap committed: the version it names is live, only behind the log.
    public struct BehindAfterSwap: Error, CustomStringConvertible {
        public var projection: String
        public var version: Int
        public var error: any Error

        public var description: String {
            "version \(version) of \(projection) is active (the swap committed), but catching it up afterwards failed: \(error); "
                + "parley project \(projection) catches it up"
        }
    }

    /// Catches up `version`, just made active, with what was appended during the swap.
    @discardableResult
    private func catchUpAfterSwap(_ version: Int) async throws -> Int {
        do {
            return try await runner(for: Version(version: version, schema: projection.schema, status: "active")).catchUp()
        } catch {
            throw BehindAfterSwap(projection: projection.name, version: version, error: error)
        }
    }

    /// Catches `runner` up until a pass finds at most one batch: the swap then has little left to apply.
    private func catchUp(_ runner: ProjectionRunner, progress: (LogPosition) -> Void) async throws -> Int {
        var applied = 0
        while true {
            let pass = try await runner.catchUp(batchSize: Self.batchSize, progress: progress)
            applied += pass
            if pass <= Self.batchSize { return applied }
        }
    }

    /// Events per batch of the shadow's catch-up.
    ///
    /// Twice the live runner's default: half the transactions, and a 1M-event rebuild about 1.5 s
    /// faster. Not much more: a row updated in a batch leaves a dead version its page cannot prune
    /// until the batch commits, so with 5,000 events only 40% of `messaging_windows` updates were
    /// HOT (89% with 1,000) and the table grew threefold; 4,000 measured no better than 2,000.
    static let batchSize = 2000

    /// Swaps back in the version retired last (the one the active version replaced), after
    /// catching it up.
    public func rollback() async throws -> (previous: Int, current: Int) {
        let admin = try DatabaseSession(builder.conninfo, logger: builder.logger)
        return try await exclusively(admin) {
            let (active, retired) = try await admin.run { connection in
                let versions = try Self.versions(of: projection.name, connection: connection)
                let lastRetired = try connection.query(
                    """
                    SELECT version FROM parley.projection_versions WHERE projection = $1 AND status = 'retired'
                    ORDER BY retired_at DESC NULLS LAST, version DESC LIMIT 1
                    """, [projection.name]
                ).first.map { try $0.decode("version", as: Int.self) }
                guard let active = versions.first(where: { $0.status == "active" }),
                    let retired = versions.first(where: { $0.version == lastRetired && $0.status == "retired" })
                else {
                    throw Refusal(description: "projection \(projection.name) has no retired version to roll back to")
                }
                // The catch-up runs this build's projector: the one being rolled away from, when
                // this build made the active version.
                if let build = projectorBuild, try Self.projectorBuild(of: projection.name, version: active.version, connection: connection) == build {
                    builder.logger.warning(
                        """
                        this build of parley built version \(active.version): its projector writes the events since that swap into \
                        version \(retired.version) too; to undo a projector change, run the rollback with the build before it
                        """, metadata: ["build": "\(build)"])
                }
                return (active, retired)
            }
            let runner = try runner(for: retired)
            try await runner.catchUp()
            _ = try await swapCaughtUp(retiring: active, activating: retired, runner: runner, strictFiles: false, admin: admin, progress: { _ in }) { _ in }
            try await catchUpAfterSwap(retired.version)
            return (active.version, retired.version)
        }
    }

    /// Drops the version left building by an interrupted or refused rebuild, schema and all;
    /// returns its number, nil when none was building.
    public func abandon() async throws -> Int? {
        let admin = try DatabaseSession(builder.conninfo, logger: builder.logger)
        return try await exclusively(admin) {
            try await admin.run { connection in
                try connection.transaction { connection in
                    guard let building = try Self.versions(of: projection.name, connection: connection).first(where: { $0.status == "building" })
                    else { return nil }
                    try drop(building, connection: connection)
                    return building.version
                }
            }
        }
    }

    /// Drops a building version's schema and rows (its checkpoint and files cascade).
    private func drop(_ building: Version, connection: Connection) throws {
        try connection.execute("DROP SCHEMA IF EXISTS \(ProjectionRunner.quoted(building.schema)) CASCADE")
        try connection.execute(
            "DELETE FROM parley.projection_versions WHERE projection = $1 AND version = $2 AND status = 'building'",
            [projection.name, building.version])
    }

    /// Drops the schemas of retired versions and forgets them; returns their numbers.
    ///
    /// The versions are chosen by the statement that deletes them: a version a concurrent
    /// rollback has just made active again is no longer retired there, and stays.
    public func dropPrevious() async throws -> [Int] {
        let admin = try DatabaseSession(builder.conninfo, logger: builder.logger)
        return try await exclusively(admin) {
            try await admin.run { connection in
                try connection.transaction { connection in
                    let dropped = try connection.query(
                        """
                        DELETE FROM parley.projection_versions WHERE projection = $1 AND status = 'retired'
                        RETURNING version, schema_name
                        """, [projection.name])
                    var versions: [Int] = []
                    for row in dropped {
                        let schema: String = try row.decode("schema_name")
                        try refuseDependents(
                            of: schema, action: "dropping \(schema)", consequence: "would be dropped with it", connection: connection)
                        try connection.execute("DROP SCHEMA IF EXISTS \(ProjectionRunner.quoted(try row.decode("schema_name", as: String.self))) CASCADE")
                        versions.append(try row.decode("version"))
                    }
                    return versions.sorted()
                }
            }
        }
    }

    /// The build recorded for a version (`ProjectorBuild`): nil for one made before builds were
    /// recorded, or by `parley project`.
    static func projectorBuild(of projection: String, version: Int, connection: Connection) throws -> String? {
        try connection.query(
            "SELECT projector_build FROM parley.projection_versions WHERE projection = $1 AND version = $2", [projection, version]
        ).first?.decodeIfPresent("projector_build", as: String.self)
    }

    public static func versions(of projection: String, connection: Connection) throws -> [Version] {
        try connection.query(
            "SELECT version, schema_name, status FROM parley.projection_versions WHERE projection = $1 ORDER BY version", [projection]
        ).map { row in
            Version(version: try row.decode("version"), schema: try row.decode("schema_name"), status: try row.decode("status"))
        }
    }

    /// A runner for `version`; `bulk` for a version no reader uses yet (`ProjectionRunner.Target.bulk`).
    private func runner(for version: Version, bulk: Bool = false) throws -> ProjectionRunner {
        ProjectionRunner(
            projection: projection, store: builder.store, session: try DatabaseSession(builder.conninfo, logger: builder.logger),
            logger: builder.logger, target: .init(schema: version.schema, trackedVersion: version.version, bulk: bulk))
    }
}
