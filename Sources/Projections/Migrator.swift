import Foundation
import Logging
import Postgres

/// Applies `migrations/<schema>/NNNN_*.sql` files in order and records them in `parley.migrations`.
///
/// Each pending file runs in its own transaction together with its record, so a file is either
/// applied and recorded or not at all. Before anything runs, every applied file is compared with its
/// recorded SHA-256; a changed or missing one stops the run, naming the file, and so does a pending
/// file holding `COMMIT`, `BEGIN` or the like (`MigrationFile.transactionControl`) or a function
/// body naming its own schema (`MigrationFile.schemaInRoutineBody`). A session advisory
/// lock keeps two migrators from applying the same files at once.
public struct Migrator {
    public let connection: Connection
    public let files: [MigrationFile]
    let logger: Logger

    /// A file and where it stands in the database.
    public struct Entry: Sendable, Equatable, Encodable {
        /// `changed`, `missing` and `out-of-order` are what `listing` reports where `status` throws:
        /// an applied file whose bytes changed, one no longer in the folder, a pending file that
        /// sorts before an applied one.
        public enum State: String, Sendable, Encodable {
            case applied, pending, changed, missing
            case outOfOrder = "out-of-order"
        }
        public var schema: String
        public var file: String
        public var state: State
        public var checksum: String
        /// When it was applied, as the server prints it; nil while pending.
        public var appliedAt: String?
        /// How long applying it took, in milliseconds; nil while pending.
        public var durationMs: Int?

        public var name: String { "\(schema)/\(file)" }
    }

    public init(connection: Connection, files: [MigrationFile], logger: Logger) {
        self.connection = connection
        self.files = files
        self.logger = logger
    }

    /// Every file, applied ones first in the order they were applied, then the pending ones in order;
    /// with `schema`, only the files recorded in that schema and this migrator's files.
    ///
    /// Throws when an applied file changed, disappeared, or a pending file sorts before an applied one.
    public func status(schema: String? = nil) throws(MigrationError) -> [Entry] {
        let (entries, problem) = try listing(schema: schema)
        if let problem { throw problem }
        return entries
    }

    /// As `status`, but a changed, missing or out-of-order file is listed in that state, and the
    /// first such problem is returned beside the list instead of thrown (`parley migrate --status`).
    public func listing(schema: String? = nil) throws(MigrationError) -> (entries: [Entry], problem: MigrationError?) {
        let applied = try appliedRecords().filter { record in schema.map { record.schema == $0 } ?? true }
        var entries: [Entry] = []
        var problems: [MigrationError] = []
        for var record in applied {
            if let file = files.first(where: { $0.schema == record.schema && $0.fileName == record.file }) {
                if file.checksum != record.checksum {
                    problems.append(.changed(file: record.name, recorded: record.checksum, current: file.checksum))
                    record.state = .changed
                }
            } else {
                problems.append(.missing(file: record.name))
                record.state = .missing
            }
            entries.append(record)
        }
        let appliedNames = Set(applied.map(\.name))
        for file in files where !appliedNames.contains(file.name) {
            var state = Entry.State.pending
            if let later = applied.first(where: { $0.schema == file.schema && $0.file > file.fileName }) {
                problems.append(.outOfOrder(pending: file.name, applied: later.name))
                state = .outOfOrder
            }
            entries.append(Entry(schema: file.schema, file: file.fileName, state: state, checksum: file.checksum))
        }
        return (entries, problems.first)
    }

    /// Applies every pending file in order and returns the entries of those it applied; each is
    /// also handed to `onApplied` once committed, so a caller can say what stays applied when a
    /// later file fails.
    @discardableResult
    public func migrate(onApplied: (Entry) -> Void = { _ in }) throws(MigrationError) -> [Entry] {
        try withLock { () throws(MigrationError) -> [Entry] in
            let pending = try status().filter { $0.state == .pending }
                .compactMap { entry in files.first(where: { $0.name == entry.name }) }
            for file in pending {
                if let control = file.transactionControl {
                    throw .controlsTransaction(file: file.name, line: control.line, statement: control.statement)
                }
                try file.checkRoutineBodies()
            }
            var applied: [Entry] = []
            for file in pending {
                applied.append(try apply(file))
                onApplied(applied[applied.count - 1])
            }
            return applied
        }
    }

    private func apply(_ file: MigrationFile) throws(MigrationError) -> Entry {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let appliedAt = try connection.transaction { connection -> String in
                // A file that ends the transaction and begins another is caught by the id changing.
                let transaction = try connection.query("SELECT pg_current_xact_id()::text AS id")[0].decode("id", as: String.self)
                try connection.executeScript(file.sql, name: file.name)
                guard connection.isInTransaction,
                    try connection.query("SELECT pg_current_xact_id_if_assigned()::text AS id")[0].decodeIfPresent("id", as: String.self) == transaction
                else { throw MigrationError.endsTransaction(file: file.name) }
                // In the transaction, so that nothing is left to fail once the file is committed.
                try connection.execute("RESET search_path")
                let rows = try connection.query(
                    """
                    INSERT INTO parley.migrations (schema_name, file_name, checksum, duration_ms)
                    VALUES ($1, $2, $3, $4) RETURNING applied_at::text AS applied_at, duration_ms
                    """,
                    [file.schema, file.fileName, file.checksum, Self.milliseconds(clock.now - started)]
                )
                return try rows[0].decode("applied_at")
            }
            logger.info("applied migration", metadata: ["file": "\(file.name)"])
            return Entry(
                schema: file.schema, file: file.fileName, state: .applied, checksum: file.checksum, appliedAt: appliedAt,
                durationMs: Self.milliseconds(clock.now - started)
            )
        } catch let error as MigrationError {
            throw error
        } catch let error as PostgresError {
            throw .failed(file: file.name, error: error)
        } catch {
            throw .failed(file: file.name, error: PostgresError(kind: .usage, message: "\(error)"))
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// The recorded files in the order they were applied; none before `parley.migrations` exists.
    private func appliedRecords() throws(MigrationError) -> [Entry] {
        do {
            let present = try connection.query("SELECT to_regclass('parley.migrations') IS NOT NULL AS present")
            guard try present[0].decode("present", as: Bool.self) else { return [] }
            let rows = try connection.query(
                """
                SELECT schema_name, file_name, checksum, applied_at::text AS applied_at, duration_ms
                FROM parley.migrations ORDER BY applied_at, schema_name = 'parley' DESC, schema_name, file_name
                """
            )
            return try rows.map { row throws(PostgresError) in
                Entry(
                    schema: try row.decode("schema_name"), file: try row.decode("file_name"), state: .applied,
                    checksum: try row.decode("checksum"), appliedAt: try row.decode("applied_at"),
                    durationMs: try row.decode("duration_ms")
                )
            }
        } catch {
            throw .bookkeeping(action: "reading the applied migrations from parley.migrations", error: error)
        }
    }

    /// Runs `body` holding the migrations' session advisory lock.
    private func withLock<T>(_ body: () throws(MigrationError) -> T) throws(MigrationError) -> T {
        do {
            try connection.execute("SELECT pg_advisory_lock($1)", [Self.lockKey])
        } catch {
            throw .bookkeeping(action: "taking the migrations' advisory lock", error: error)
        }
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        return try body()
    }

    /// The advisory lock key: the bytes of "parleymg" as a big-endian 64-bit integer.
    static let lockKey: Int64 = 0x7061_726c_6579_6d67
}
