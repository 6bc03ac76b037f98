import EventSourcing
import Postgres

/// The order in which a batch may write a schema's tables: parents before the tables whose foreign
/// keys reference them.
///
/// Grouping a batch's statements by table in this order, each table's statements kept in their
/// original order, keeps every foreign key satisfied (a parent row is inserted before any child
/// that needs it) and lets runs of inserts become one COPY. Statements that are not plainly about
/// one table (anything with `SELECT`, `FROM` or `JOIN`) and every `DELETE` (which may cascade to,
/// or be needed before, another table's writes) are barriers nothing moves across.
public struct TableOrder: Sendable, Equatable {
    /// Each table's depth in the foreign-key graph: 0 for tables referencing no other table.
    public let ranks: [String: Int]
    /// What decides whether a run of updates may be merged (`UpdateShape`).
    public let keys: TableKeys

    public init(ranks: [String: Int], keys: TableKeys = TableKeys()) {
        self.ranks = ranks
        self.keys = keys
    }

    /// Reads the foreign keys between the tables of `schema`.
    public static func of(schema: String, connection: Connection) throws -> TableOrder {
        let tables = try connection.query(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')",
            [schema]).map { try $0.decode("relname", as: String.self) }
        let edges = try connection.query(
            """
            SELECT child.relname AS child, parent.relname AS parent
            FROM pg_constraint k
            JOIN pg_class child ON child.oid = k.conrelid JOIN pg_namespace n ON n.oid = child.relnamespace
            JOIN pg_class parent ON parent.oid = k.confrelid
            WHERE k.contype = 'f' AND n.nspname = $1 AND parent.relnamespace = child.relnamespace
            """, [schema]).map { (child: try $0.decode("child", as: String.self), parent: try $0.decode("parent", as: String.self)) }
        var ranks = Dictionary(uniqueKeysWithValues: tables.map { ($0, 0) })
        // Longest path from a root; a cycle (not in our schemas) stops growing after |tables| rounds.
        for _ in 0..<tables.count {
            var changed = false
            for edge in edges where edge.child != edge.parent {
                let candidate = (ranks[edge.parent] ?? 0) + 1
                if candidate > ranks[edge.child] ?? 0 {
                    ranks[edge.child] = candidate
                    changed = true
                }
            }
            if !changed { break }
        }
        return TableOrder(ranks: ranks, keys: try TableKeys.of(schema: schema, connection: connection))
    }

    /// `statements` grouped by table within each stretch between barriers.
    func arrange(_ statements: [SQLStatement]) -> [SQLStatement] {
        var result: [SQLStatement] = []
        result.reserveCapacity(statements.count)
        var segment: [(rank: Int, index: Int, statement: SQLStatement)] = []
        func flush() {
            result += segment.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.map(\.statement)
            segment = []
        }
        // A batch repeats a few statement texts many times: read each text once.
        var tables: [String: String?] = [:]
        for (index, statement) in statements.enumerated() {
            let table: String?
            if let known = tables[statement.sql] {
                table = known
            } else {
                table = Self.singleTable(statement.sql)
                tables[statement.sql] = table
            }
            guard let table, let rank = ranks[table] else {
                flush()
                result.append(statement)
                continue
            }
            segment.append((rank, index, statement))
        }
        flush()
        return result
    }

    /// The one table a plain `INSERT INTO t ... VALUES` or `UPDATE t SET ... WHERE` writes, or nil
    /// when the statement may touch other tables.
    static func singleTable(_ sql: String) -> String? {
        let words = sql.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
        guard words.count >= 3 else { return nil }
        let table: Substring
        let rest: ArraySlice<String>
        switch (words[0], words[1]) {
        case ("INSERT", "INTO"):
            table = sql.split(whereSeparator: \.isWhitespace)[2]
            rest = words[3...]
        case ("UPDATE", _):
            table = sql.split(whereSeparator: \.isWhitespace)[1]
            rest = words[2...]
        default:
            return nil
        }
        guard !rest.contains(where: { $0.contains("SELECT") || $0 == "FROM" || $0 == "JOIN" || $0 == "USING" }) else { return nil }
        let name = table.prefix { $0 != "(" }
        guard !name.contains(".") else { return nil }
        return String(name)
    }
}
