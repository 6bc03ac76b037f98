import Foundation
import Postgres

/// An order-independent fingerprint of every table of a schema: row count and a hash of the rows
/// sorted by their own hashes, so two schemas compare row for row without moving the rows.
public struct TableFingerprint: Sendable, Equatable, Encodable {
    public var table: String
    public var rows: Int
    public var hash: String

    /// The fingerprint of every base table of `schema`, by table name.
    public static func of(schema: String, connection: Connection) throws -> [String: TableFingerprint] {
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [schema])
        var result: [String: TableFingerprint] = [:]
        for table in tables {
            let name: String = try table.decode("table_name")
            let qualified = ProjectionRunner.quoted(schema) + "." + ProjectionRunner.quoted(name)
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
        let tables = try connection.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [schema])
        var counts: [String: Int] = [:]
        for table in tables {
            let name: String = try table.decode("table_name")
            let qualified = ProjectionRunner.quoted(schema) + "." + ProjectionRunner.quoted(name)
            counts[name] = try connection.query("SELECT count(*) AS n FROM \(qualified)")[0].decode("n", as: Int.self)
        }
        return counts
    }
}
