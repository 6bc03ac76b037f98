import EventSourcing
import Postgres

/// Applying a prepared batch: one transaction with the checkpoint move, retried on a transient
/// error, and narrowed to one event per transaction when the batch is refused.
extension ProjectionRunner {
    /// Applies `prepared` and moves the checkpoint past it, or reports that another runner moved
    /// it first or that a swap retired the version.
    func commit(_ prepared: Prepared) async throws -> Step {
        do {
            let outcome = try await retryingTransient("a batch") { try await apply(prepared.writes, from: prepared.from, to: prepared.next) }
            if let stopped = Self.stop(outcome, expected: prepared.from) { return stopped }
        } catch let error where Self.blamesAnEvent(error) {
            // Find the event at fault: apply one event per transaction up to it. When every event
            // applies on its own (the batch's grouping by table was the trouble), the batch is done.
            logger.warning("a batch failed; applying its events one by one", metadata: ["error": "\(error)"])
            if let stopped = try await applyOneByOne(prepared.events, from: prepared.from, through: prepared.next) {
                return stopped
            }
        }
        return .applied(Batch(read: prepared.read, applied: prepared.events.count, statements: prepared.writes.count, next: prepared.next))
    }

    /// Runs `body` again after a transient error (a deadlock, a serialization failure, a lock not
    /// granted in time), which says nothing about the events: the same transaction again, after a
    /// pause that grows, at most `transientRetries` times; `what` names the work in the warning.
    func retryingTransient<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var retries = 0
        while true {
            do {
                return try await body()
            } catch let error as PostgresError where error.code?.isTransient == true && retries < Self.transientRetries {
                retries += 1
                logger.warning("\(what) met a transient database error; trying it again", metadata: ["error": "\(error)", "attempt": "\(retries + 1)"])
                try await Task.sleep(for: Self.pause(beforeRetry: retries))
            }
        }
    }

    /// Times a batch is tried again after a transient error, before the error stops the run.
    static let transientRetries = 3

    /// The pause before retry `n` (from 1) of a batch: 50, 200, 800 ms, four times longer each.
    static func pause(beforeRetry n: Int) -> Duration { .milliseconds(50 << (2 * (n - 1))) }

    /// Whether `error` may come from one of the batch's events (a constraint, a trigger, a row the
    /// projector expected): then the events are applied one by one to find it. Errors of the
    /// server's state (out of disk, a timeout, a lost connection, a deadlock that persisted) stop
    /// the run as they are, blaming no event.
    static func blamesAnEvent(_ error: any Error) -> Bool {
        if error is RowsNotAsExpected { return true }
        guard let error = error as? PostgresError, error.kind == .query else { return false }
        return error.code?.isAboutTheStatement ?? true
    }

    /// What `apply` did: only `applied` wrote anything.
    enum Outcome {
        case applied
        /// The checkpoint was no longer where the batch starts.
        case checkpointMoved
        /// The version is no longer the active one, and the runner follows only that (`Target.whileActive`).
        case retired
    }

    /// Applies `writes` and moves the checkpoint from `from` to `next` in one transaction.
    func apply(_ writes: [PlannedWrite], from: LogPosition, to next: LogPosition) async throws -> Outcome {
        let projection = self.projection
        let target = self.target
        let applied = try await session.run { connection in
            try connection.transaction { connection -> Outcome in
                var schema = target.schema
                if let version = target.trackedVersion {
                    // Lock the checkpoint first: a rebuild's swap takes the same lock, so a batch
                    // never runs half before and half after its schema is renamed.
                    let rows = try connection.query(
                        """
                        SELECT next_position FROM parley.projection_checkpoints
                        WHERE projection = $1 AND version = $2 FOR UPDATE
                        """, [projection.name, version])
                    guard let row = rows.first else { throw VersionNotRegistered(projection: projection.name, version: version) }
                    guard try row.decode("next_position", as: Int64.self) == Int64(from.rawValue) else { return .checkpointMoved }
                    // A statement of its own, so its snapshot is taken after the lock: a swap that
                    // committed while this batch waited for the lock is seen (a join in the locking
                    // statement would read the version row from before the wait).
                    let versions = try connection.query(
                        "SELECT schema_name, status FROM parley.projection_versions WHERE projection = $1 AND version = $2",
                        [projection.name, version])
                    if target.whileActive, try versions[0].decode("status", as: String.self) != "active" { return .retired }
                    schema = try versions[0].decode("schema_name")
                }
                let durability = target.bulk ? ", set_config('synchronous_commit', 'off', true)" : ""
                try connection.execute("SELECT set_config('search_path', $1, true)\(durability)", ["\(Self.quoted(schema)), public"])
                // Statements between COPYs go in one pipeline: one round trip instead of one each.
                var pending: [SQLStatement] = []
                for write in writes {
                    switch write {
                    case .statement(let statement):
                        pending.append(statement)
                    case .copy(let table, let columns, let rows):
                        try Self.run(pending, on: connection)
                        pending = []
                        // COPY skips what a `BEFORE INSERT` trigger returning NULL drops, where each
                        // single INSERT it stands for would have failed its one-row check.
                        let copy = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
                        let stored = try connection.copyIn(copy, rows: rows)
                        if stored != rows.count { throw RowsNotAsExpected(sql: copy, affected: stored, expected: rows.count) }
                    }
                }
                try Self.run(pending, on: connection)
                guard let version = target.trackedVersion else { return .applied }
                try connection.execute(
                    "UPDATE parley.projection_checkpoints SET next_position = $3, updated_at = now() WHERE projection = $1 AND version = $2",
                    [projection.name, version, Int64(next.rawValue)])
                return .applied
            }
        }
        if case .applied = applied, target.trackedVersion == nil { memoryCheckpoint.withLock { $0 = next } }
        return applied
    }

    /// Runs `statements` in one pipeline and checks the rows each affected against what it expects.
    private static func run(_ statements: [SQLStatement], on connection: Connection) throws {
        let counts = try connection.pipeline(statements.map { .init($0.sql, $0.parameters.map(\.parameter)) })
        for (statement, count) in zip(statements, counts) {
            if let expected = statement.expectedRows, expected != count { throw RowsNotAsExpected(statement: statement, affected: count) }
        }
    }

    /// An identifier quoted for SQL: `"name"`, with inner quotes doubled.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Applies `events` one per transaction; throws `ProjectionError` at the first one refused.
    /// Returns nil when it applied them all, or why it stopped: another runner moved the
    /// checkpoint first, or a swap retired the version.
    func applyOneByOne(_ events: [RecordedEvent], from: LogPosition, through end: LogPosition) async throws -> Step? {
        var checkpoint = from
        for event in events {
            let writes = try projection.statements(event).map(PlannedWrite.statement)
            do {
                let outcome = try await retryingTransient("the event at position \(event.position)") {
                    try await apply(writes, from: checkpoint, to: event.position.next)
                }
                if let stopped = Self.stop(outcome, expected: checkpoint) { return stopped }
            } catch let error as PostgresError where Self.blamesAnEvent(error) {
                throw ProjectionError(
                    projection: projection.name, position: event.position, eventType: event.type, stream: event.stream,
                    code: error.code, reason: error.description)
            } catch let error as RowsNotAsExpected {
                throw ProjectionError(
                    projection: projection.name, position: event.position, eventType: event.type, stream: event.stream,
                    code: nil, reason: error.description)
            }
            checkpoint = event.position.next
        }
        return Self.stop(try await retryingTransient("the batch's checkpoint") { try await apply([], from: checkpoint, to: end) }, expected: checkpoint)
    }

    /// The step a batch ends with when `outcome` wrote nothing; nil when it applied.
    private static func stop(_ outcome: Outcome, expected: LogPosition) -> Step? {
        switch outcome {
        case .applied: nil
        case .checkpointMoved: .checkpointMoved(expected: expected)
        case .retired: .retired
        }
    }
}
