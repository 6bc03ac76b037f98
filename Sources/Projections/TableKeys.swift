import Postgres

/// What the catalog says about a schema's tables that decides whether a run of `UPDATE`s may be
/// sent as one statement (`UpdateShape`): column types, unique keys, triggers.
public struct TableKeys: Sendable, Equatable {
    /// Per table, each column's type as a cast names it (`uuid`, `timestamp with time zone`, or
    /// the bare name of a type of the schema itself, which the runner's `search_path` finds).
    public var columnTypes: [String: [String: String]]
    /// Per table, the columns of each unique index on plain columns without a predicate: equal
    /// values in all of them mean the same row.
    public var uniqueKeys: [String: [Set<String>]]
    /// Per table, every column a unique index or exclusion constraint reads: its key columns, and
    /// those of its expressions and of a partial index's predicate (`WHERE status = 'active'`).
    public var constrainedColumns: [String: Set<String>]
    /// Tables whose updates are never merged: those with triggers of their own (foreign-key
    /// triggers do not count), or with a unique index on an expression.
    public var unmergeable: Set<String>

    public init(
        columnTypes: [String: [String: String]] = [:], uniqueKeys: [String: [Set<String>]] = [:],
        constrainedColumns: [String: Set<String>] = [:], unmergeable: Set<String> = []
    ) {
        self.columnTypes = columnTypes
        self.uniqueKeys = uniqueKeys
        self.constrainedColumns = constrainedColumns
        self.unmergeable = unmergeable
    }

    /// Reads the tables of `schema`.
    ///
    /// A column's type is named without its modifier, so that a merged update casts to the
    /// unconstrained type and the assignment to the column checks the length as a single
    /// statement's would; `character` and `bit` are named `bpchar` and `varbit`, since without a
    /// length they mean length 1, and a cast to them cuts `'abc'` to `'a'` without a word.
    public static func of(schema: String, connection: Connection) throws -> TableKeys {
        var keys = TableKeys()
        for row in try connection.query(
            """
            SELECT c.relname AS table_name, a.attname AS column_name,
                   CASE WHEN t.typnamespace = n.oid THEN quote_ident(t.typname)
                        WHEN t.oid = 'bpchar'::regtype THEN 'bpchar' WHEN t.oid = 'bpchar[]'::regtype THEN 'bpchar[]'
                        WHEN t.oid = 'bit'::regtype THEN 'varbit' WHEN t.oid = 'bit[]'::regtype THEN 'varbit[]'
                        ELSE format_type(t.oid, NULL) END AS type_name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
            """, [schema])
        {
            keys.columnTypes[try row.decode("table_name"), default: [:]][try row.decode("column_name")] = try row.decode("type_name")
        }
        for row in try connection.query(
            """
            SELECT c.relname AS table_name, i.indexprs IS NOT NULL AS expressions, i.indpred IS NULL AND i.indisunique AS key,
                   array_to_string(ARRAY(SELECT a.attname FROM pg_attribute a
                       WHERE a.attrelid = c.oid AND a.attnum = ANY(i.indkey) ORDER BY a.attname), ',') AS columns,
                   array_to_string(ARRAY(SELECT a.attname FROM pg_depend d
                       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                       WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                         AND d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid > 0), ',') AS read_columns
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND (i.indisunique OR i.indisexclusion)
            """, [schema])
        {
            let table: String = try row.decode("table_name")
            let columns = Set(try row.decode("columns", as: String.self).split(separator: ",").map(String.init))
            let read = try row.decode("read_columns", as: String.self).split(separator: ",").map(String.init)
            keys.constrainedColumns[table, default: []].formUnion(columns.union(read))
            if try row.decode("expressions", as: Bool.self) {
                keys.unmergeable.insert(table)
            } else if try row.decode("key", as: Bool.self) {
                keys.uniqueKeys[table, default: []].append(columns)
            }
        }
        keys.unmergeable.formUnion(try connection.query(
            """
            SELECT DISTINCT c.relname AS table_name FROM pg_trigger g
            JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND NOT g.tgisinternal
            """, [schema]).map { try $0.decode("table_name", as: String.self) })
        return keys
    }
}
