import Foundation
import Postgres

/// An order-independent fingerprint of every table of a schema: row count and a hash of the rows
/// sorted by their own hashes, so two schemas compare row for row without moving the rows.
public struct TableFingerprint: Sendable, Equatable, Encodable {
    public var table: String
    public var rows: Int
    public var hash: String

    /// The base tables `schema` holds in the transaction's snapshot, by name, each with the name
    /// that reaches the same table now.
    ///
    /// A name in SQL text is resolved against the latest catalog, not the snapshot: after a swap
    /// committed during a repeatable-read transaction, `migue.users` would be the new version's
    /// table. The catalog rows read here are the snapshot's, and `oid::regclass` names the same
    /// table however it is called now.
    static func tables(of schema: String, connection: Connection) throws -> [(name: String, qualified: String)] {
        try connection.query(
            """
            SELECT c.relname, c.oid::regclass::text AS qualified FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname
            """, [schema]
        ).map { (try $0.decode("relname"), try $0.decode("qualified")) }
    }

    /// The fingerprint of every base table of `schema`, by table name, as the transaction's
    /// snapshot holds it.
    public static func of(schema: String, connection: Connection) throws -> [String: TableFingerprint] {
        var result: [String: TableFingerprint] = [:]
        for (name, qualified) in try tables(of: schema, connection: connection) {
            let row = try connection.query(
                """
                SELECT count(*) AS rows, coalesce(md5(string_agg(h, '' ORDER BY h)), '') AS hash
                FROM (SELECT md5(t::text) AS h FROM \(qualified) t) hashed
                """)[0]
            result[name] = TableFingerprint(table: name, rows: try row.decode("rows"), hash: try row.decode("hash"))
        }
        return result
    }

    /// The row count of every base table of `schema`, by table name: cheaper than a fingerprint
    /// when only sizes matter (status, a rebuild's check inside its swap).
    public static func rowCounts(schema: String, connection: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (name, qualified) in try tables(of: schema, connection: connection) {
            counts[name] = try connection.query("SELECT count(*) AS n FROM \(qualified)")[0].decode("n", as: Int.self)
        }
        return counts
    }
}
