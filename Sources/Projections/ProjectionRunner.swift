import Foundation
import EventSourcing
import Logging
import Postgres
import Synchronization

/// Applies a projection's events to PostgreSQL in batches, exactly once.
///
/// Each batch's read-model writes and its checkpoint move commit in one transaction, so after a
/// crash the projection resumes where its last commit left it, neither losing nor repeating an
/// event. A statement the database refuses stops the projection at that event (`ProjectionError`).
public final class ProjectionRunner: Sendable {
    public let projection: Projection
    public let target: Target
    let store: any EventStore
    let session: DatabaseSession
    let logger: Logger
    /// The checkpoint of an untracked target, which lives only as long as the runner.
    let memoryCheckpoint = Mutex(LogPosition.start)

    /// Where a runner writes and how it remembers its place.
    public struct Target: Sendable, Equatable {
        /// The schema the statements run in (first on the `search_path`). A tracked target reads it
        /// from `parley.projection_versions` in every batch instead, so it follows a rebuild's swap;
        /// this one is what `register()` records.
        public var schema: String
        /// The version whose checkpoint row the runner moves; nil keeps the checkpoint in memory
        /// (a replay or a scratch rebuild, which start over when interrupted).
        public var trackedVersion: Int?
        /// The runner stops before this position (a replay as of a point); nil: the head.
        public var until: LogPosition?
        /// A schema no reader uses yet (a rebuild's shadow, a replay): its batches commit with
        /// `synchronous_commit = off`. A commit lost in a crash loses its checkpoint move with it,
        /// so the batch is applied again; see Specs/history-and-rebuilds.md.
        public var bulk: Bool
        /// The runner keeps the live schema up to date, and stops (`Step.retired`) once a swap
        /// has retired its version: the new active version's runner takes over. Without it, a
        /// runner follows its version whatever its status (a rebuild's shadow, a rollback's target).
        public var whileActive: Bool

        public init(schema: String, trackedVersion: Int?, until: LogPosition? = nil, bulk: Bool = false, whileActive: Bool = false) {
            self.schema = schema
            self.trackedVersion = trackedVersion
            self.until = until
            self.bulk = bulk
            self.whileActive = whileActive
        }
    }

    /// What one batch did.
    public struct Batch: Sendable, Equatable {
        /// Events read from the log (the projection's and others').
        public var read: Int
        /// Events of this projection applied.
        public var applied: Int
        /// Statements sent after coalescing.
        public var statements: Int
        /// The checkpoint after the batch: the next position to read.
        public var next: LogPosition
    }

    /// What one step of the runner did: a version conflict on the checkpoint is a value.
    public enum Step: Sendable, Equatable {
        /// The batch was applied and the checkpoint moved past it.
        case applied(Batch)
        /// Another runner of the version moved the checkpoint away from `expected` first: nothing
        /// was written, and the next step reads from the checkpoint it left.
        case checkpointMoved(expected: LogPosition)
        /// The version stopped being the active one (`Target.whileActive`): nothing was written.
        case retired
    }

    public init(projection: Projection, store: any EventStore, session: DatabaseSession, logger: Logger, target: Target? = nil) {
        self.projection = projection
        self.target = target ?? Target(schema: projection.schema, trackedVersion: projection.version)
        self.store = store
        self.session = session
        self.logger = logger
    }

    /// Records the projection's version (active when no other version is) and its checkpoint row.
    public func register() async throws {
        guard let version = target.trackedVersion else { return }
        let projection = self.projection
        let schema = target.schema
        try await session.run { connection in
            try connection.transaction { connection in
                try connection.execute(
                    """
                    INSERT INTO parley.projection_versions (projection, version, schema_name, status, activated_at)
                    SELECT $1, $2, $3, 'active', now()
                    WHERE NOT EXISTS (SELECT 1 FROM parley.projection_versions WHERE projection = $1 AND status = 'active')
                    ON CONFLICT (projection, version) DO NOTHING
                    """, [projection.name, version, schema])
                try connection.execute(
                    """
                    INSERT INTO parley.projection_versions (projection, version, schema_name, status)
                    VALUES ($1, $2, $3, 'building') ON CONFLICT (projection, version) DO NOTHING
                    """, [projection.name, version, schema])
                try connection.execute(
                    "INSERT INTO parley.projection_checkpoints (projection, version) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    [projection.name, version])
            }
        }
    }

    /// The next position this projection reads.
    public func checkpoint() async throws -> LogPosition {
        guard let version = target.trackedVersion else { return memoryCheckpoint.withLock { $0 } }
        let projection = self.projection
        return try await session.run { connection in
            guard let position = try Self.storedCheckpoint(of: projection.name, version: version, connection: connection) else {
                throw VersionNotRegistered(projection: projection.name, version: version)
            }
            return position
        }
    }

    /// The checkpoint stored for `version` of `projection`; nil when it has none (not registered).
    static func storedCheckpoint(of projection: String, version: Int, connection: Connection) throws -> LogPosition? {
        try connection.query(
            "SELECT next_position FROM parley.projection_checkpoints WHERE projection = $1 AND version = $2", [projection, version]
        ).first.map { LogPosition(try $0.decode("next_position", as: UInt64.self)) }
    }

    /// A batch read and turned into writes, not yet applied.
    struct Prepared: Sendable {
        var from: LogPosition
        var next: LogPosition
        var read: Int
        var events: [RecordedEvent]
        var writes: [PlannedWrite]
    }

    /// Reads up to `limit` events from the checkpoint and applies them; nil when there are none.
    public func applyNextBatch(limit: Int) async throws -> Step? {
        let order = try await tableOrder()
        guard let prepared = try await prepare(from: try await checkpoint(), limit: limit, order: order) else { return nil }
        return try await commit(prepared)
    }

    /// Applies batches until the checkpoint reaches the head of the log, or until a swap retires
    /// the version of a runner that follows the active one; returns the events applied.
    ///
    /// The next batch is read and turned into SQL while the database applies the current one.
    /// Runners of one version share it: a batch whose checkpoint another runner moved (it applied
    /// those events first) rolls back, and this one goes on from the checkpoint it finds.
    @discardableResult
    public func catchUp(batchSize: Int = 1000, progress: (LogPosition) -> Void = { _ in }) async throws -> Int {
        var applied = 0
        let order = try await tableOrder()
        let start = try await checkpoint()
        let head = try await store.head()
        guard start <= head else { throw CheckpointPastHead(projection: projection.name, checkpoint: start, head: head) }
        var prepared = try await prepare(from: start, limit: batchSize, order: order)
        while let current = prepared {
            async let following = prepare(from: current.next, limit: batchSize, order: order)
            switch try await commit(current) {
            case .applied(let batch):
                applied += batch.applied
                progress(batch.next)
                prepared = try await following
            case .checkpointMoved(let expected):
                logger.debug("another runner applied the batch; going on from its checkpoint", metadata: ["batch": "\(expected)"])
                _ = try? await following
                prepared = try await prepare(from: try await checkpoint(), limit: batchSize, order: order)
            case .retired:
                logger.info("the version was retired by a swap: stopping", metadata: ["version": "\(target.trackedVersion ?? 0)"])
                _ = try? await following
                return applied
            }
        }
        return applied
    }

    /// The foreign-key order of the target schema's tables, read from the catalog.
    func tableOrder() async throws -> TableOrder {
        let projection = self.projection
        let target = self.target
        return try await session.run { connection in
            var schema = target.schema
            if let version = target.trackedVersion {
                let rows = try connection.query(
                    "SELECT schema_name FROM parley.projection_versions WHERE projection = $1 AND version = $2", [projection.name, version])
                if let row = rows.first { schema = try row.decode("schema_name") }
            }
            return try TableOrder.of(schema: schema, connection: connection)
        }
    }

    private func prepare(from: LogPosition, limit: Int, order: TableOrder) async throws -> Prepared? {
        var limit = limit
        if let until = target.until {
            guard from < until else { return nil }
            limit = min(limit, Int(clamping: until.rawValue - from.rawValue))
        }
        let events = try await store.readAll(from: from, limit: limit)
        guard let last = events.last else { return nil }
        let mine = events.filter(projection.reads)
        var statements: [SQLStatement] = []
        for (index, event) in mine.enumerated() {
            do {
                statements += try projection.statements(event)
            } catch {
                // The events before it are applied first: the batch ends at it, and the next one,
                // starting there, stops with this error, its checkpoint at the event.
                guard event.position == from else {
                    return Prepared(
                        from: from, next: event.position, read: Int(event.position.rawValue - from.rawValue),
                        events: Array(mine[..<index]), writes: StatementCoalescer.plan(statements, order: order))
                }
                throw ProjectionError(
                    projection: projection.name, position: event.position, eventType: event.type, stream: event.stream,
                    code: nil, reason: "the projector cannot read the event: \(error)")
            }
        }
        return Prepared(
            from: from, next: last.position.next, read: events.count, events: mine, writes: StatementCoalescer.plan(statements, order: order))
    }
}
