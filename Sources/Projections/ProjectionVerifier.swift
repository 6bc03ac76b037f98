import EventSourcing
import Foundation
import Logging
import Postgres

/// Rebuilds a projection into a scratch schema and compares it, table by table, with the live one.
public struct ProjectionVerifier: Sendable {
    public let builder: SchemaBuilder

    public init(builder: SchemaBuilder) { self.builder = builder }

    /// One table's comparison.
    public struct Table: Sendable, Equatable, Encodable {
        public var table: String
        public var liveRows: Int
        public var rebuiltRows: Int
        public var matches: Bool
    }

    /// What `verify` found.
    public struct Outcome: Sendable, Encodable {
        public var projection: String
        public var schema: String
        /// The checkpoint both sides were compared at.
        public var position: LogPosition
        public var tables: [Table]
        public var matches: Bool { tables.allSatisfy(\.matches) }
    }

    /// Fingerprints the live schema at its checkpoint (one consistent snapshot), rebuilds the
    /// same prefix of the log into a scratch schema, fingerprints it, drops it, and compares.
    /// `progress` gets the rebuild's checkpoint and the position it rebuilds up to.
    public func verify(progress: (_ next: LogPosition, _ until: LogPosition) -> Void = { _, _ in }) async throws -> Outcome {
        let projection = builder.projection
        let admin = try DatabaseSession(builder.conninfo, logger: builder.logger)
        let (schema, position, live) = try await admin.run { connection in
            try connection.transaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                guard let active = try Rebuilder.activeCheckpoint(of: projection.name, connection: connection) else {
                    throw SchemaBuilder.Refusal(description: "projection \(projection.name) has no active version: run parley project first")
                }
                return (active.schema, active.position, try TableFingerprint.of(schema: active.schema, connection: connection))
            }
        }
        // A live version past this log's end was projected from another log: rebuilding the
        // shorter prefix would report every difference but not why.
        let head = try await builder.store.head()
        guard position <= head else { throw CheckpointPastHead(projection: projection.name, checkpoint: position, head: head) }
        let scratch = "\(projection.schema)_verify_\(UUID().uuidString.lowercased().prefix(8))"
        try await admin.run { connection in
            try sweep(connection: connection)
            try connection.execute("SELECT pg_advisory_lock($1, hashtext($2))", [Self.scratchLockClass, scratch])
        }
        let rebuilt: [String: TableFingerprint]
        do {
            try await builder.build(into: scratch, until: position, replace: false, for: .verify) { progress($0, position) }
            rebuilt = try await admin.run { connection in try TableFingerprint.of(schema: scratch, connection: connection) }
        } catch {
            _ = try? await admin.run { connection in try Self.discard(scratch, connection: connection) }
            throw error
        }
        try await admin.run { connection in try Self.discard(scratch, connection: connection) }
        let tables = Set(live.keys).union(rebuilt.keys).sorted().map { name in
            Table(
                table: name, liveRows: live[name]?.rows ?? 0, rebuiltRows: rebuilt[name]?.rows ?? 0,
                matches: live[name] != nil && rebuilt[name] != nil && live[name]?.hash == rebuilt[name]?.hash
                    && live[name]?.rows == rebuilt[name]?.rows)
        }
        return Outcome(projection: projection.name, schema: schema, position: position, tables: tables)
    }

    /// The first key of the advisory lock a verify holds on its scratch schema ("pvfy"); the
    /// second is the schema name's `hashtext`.
    static let scratchLockClass: Int32 = 0x7076_6679

    /// Drops the scratch schema `name`, then lets go of its advisory lock (held by `connection`).
    private static func discard(_ name: String, connection: Connection) throws {
        try connection.execute("DROP SCHEMA IF EXISTS \(ProjectionRunner.quoted(name)) CASCADE")
        try connection.execute("SELECT pg_advisory_unlock($1, hashtext($2))", [scratchLockClass, name])
    }

    /// Drops the scratch schemas of verifies that ended without dropping them (Ctrl-C, a crash):
    /// a running verify holds its schema's advisory lock for as long as its session lives, so a
    /// scratch schema whose lock can be taken has no owner left.
    /// Returns the schemas it dropped.
    @discardableResult
    func sweep(connection: Connection) throws -> [String] {
        let pattern = "^\(builder.projection.schema)_verify_[0-9a-f]{8}$"
        let names = try connection.query("SELECT nspname FROM pg_namespace WHERE nspname ~ $1 ORDER BY nspname", [pattern])
            .map { row -> String in try row.decode("nspname") }
        var dropped: [String] = []
        for name in names {
            let claimed = try connection.query("SELECT pg_try_advisory_lock($1, hashtext($2)) AS claimed", [Self.scratchLockClass, name])
            guard try claimed[0].decode("claimed", as: Bool.self) else { continue }
            try Self.discard(name, connection: connection)
            builder.logger.notice("dropped \(name), the scratch schema of a verify that was interrupted")
            dropped.append(name)
        }
        return dropped
    }
}
