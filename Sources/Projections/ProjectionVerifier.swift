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
    public func verify() async throws -> Outcome {
        let projection = builder.projection
        let admin = try DatabaseSession(builder.conninfo, logger: builder.logger)
        let (schema, position, live) = try await admin.run { connection in
            try connection.transaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                let rows = try connection.query(
                    """
                    SELECT v.schema_name, c.next_position FROM parley.projection_versions v
                    JOIN parley.projection_checkpoints c USING (projection, version)
                    WHERE v.projection = $1 AND v.status = 'active'
                    """, [projection.name])
                guard let row = rows.first else {
                    throw SchemaBuilder.Refusal(description: "projection \(projection.name) has no active version: run parley project first")
                }
                let schema: String = try row.decode("schema_name")
                let position = LogPosition(UInt64(try row.decode("next_position", as: Int64.self)))
                return (schema, position, try TableFingerprint.of(schema: schema, connection: connection))
            }
        }
        let scratch = "\(projection.schema)_verify_\(UUID().uuidString.lowercased().prefix(8))"
        let rebuilt: [String: TableFingerprint]
        do {
            try await builder.build(into: scratch, until: position, replace: false)
            rebuilt = try await admin.run { connection in try TableFingerprint.of(schema: scratch, connection: connection) }
        } catch {
            try? await builder.drop(scratch)
            throw error
        }
        try await builder.drop(scratch)
        let tables = Set(live.keys).union(rebuilt.keys).sorted().map { name in
            Table(
                table: name, liveRows: live[name]?.rows ?? 0, rebuiltRows: rebuilt[name]?.rows ?? 0,
                matches: live[name] != nil && rebuilt[name] != nil && live[name]?.hash == rebuilt[name]?.hash
                    && live[name]?.rows == rebuilt[name]?.rows)
        }
        return Outcome(projection: projection.name, schema: schema, position: position, tables: tables)
    }
}
