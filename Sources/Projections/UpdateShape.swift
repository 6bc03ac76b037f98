import EventSourcing
import Postgres

/// An `UPDATE table SET column = $n, ... WHERE column = $n AND ...` of bare parameters, each used
/// once: a run of them can go as one `UPDATE ... FROM unnest(<one array per parameter>)`.
///
/// One statement applies the run's updates in no particular order, so it is used only where order
/// cannot matter: the `WHERE` names every column of a unique key (so distinct key values are
/// distinct rows, and a chunk never holds one key twice), no `SET` column belongs to a unique index
/// or exclusion constraint (no transient conflict between two rows of the run), and the table has
/// no trigger of its own. What each row ends up holding is then what the single statements write.
struct UpdateShape {
    let table: String
    /// Each `SET` column with the index of the parameter it takes.
    let assignments: [(column: String, parameter: Int)]
    /// Each `WHERE` column with the index of the parameter it is compared with.
    let conditions: [(column: String, parameter: Int)]

    init?(_ sql: String) {
        guard sql.hasPrefix("UPDATE "), !sql.contains(where: { "'\"();:".contains($0) }),
            let set = sql.range(of: " SET "), let whereClause = sql.range(of: " WHERE ")
        else { return nil }
        let table = sql[sql.index(sql.startIndex, offsetBy: 7)..<set.lowerBound].trimmingWhitespace()
        guard Self.isIdentifier(table),
            let assignments = Self.pairs(sql[set.upperBound..<whereClause.lowerBound].split(separator: ",")),
            let conditions = Self.pairs(sql[whereClause.upperBound...].split(separator: " AND "))
        else { return nil }
        let used = (assignments + conditions).map(\.parameter)
        guard used.sorted() == Array(0..<used.count) else { return nil }
        self.table = table
        self.assignments = assignments
        self.conditions = conditions
    }

    /// `column = $n` each, or nil when one is anything else.
    private static func pairs(_ parts: [Substring]) -> [(column: String, parameter: Int)]? {
        var pairs: [(column: String, parameter: Int)] = []
        for part in parts {
            let sides = part.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard sides.count == 2, isIdentifier(sides[0]), sides[1].hasPrefix("$"), let number = Int(sides[1].dropFirst()), number >= 1
            else { return nil }
            pairs.append((sides[0], number - 1))
        }
        return pairs.isEmpty ? nil : pairs
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }

    /// The parameter indexes of a unique key the `WHERE` names, when the rules above allow a run
    /// to be merged; nil otherwise.
    func keyParameters(_ keys: TableKeys) -> [Int]? {
        guard !keys.unmergeable.contains(table), let types = keys.columnTypes[table],
            (assignments + conditions).allSatisfy({ types[$0.column] != nil }),
            assignments.allSatisfy({ !(keys.constrainedColumns[table] ?? []).contains($0.column) })
        else { return nil }
        let named = Set(conditions.map(\.column))
        guard let key = keys.uniqueKeys[table]?.first(where: { $0.isSubset(of: named) }) else { return nil }
        return conditions.filter { key.contains($0.column) }.map(\.parameter)
    }

    /// One statement applying every update of `run`, whose rows have distinct keys.
    func merge(_ run: ArraySlice<SQLStatement>, types: [String: String]) -> SQLStatement {
        let width = assignments.count + conditions.count
        var columnOf = [String](repeating: "", count: width)
        for pair in assignments + conditions { columnOf[pair.parameter] = pair.column }
        let arrays = (0..<width).map { "$\($0 + 1)::\(types[columnOf[$0]]!)[]" }.joined(separator: ", ")
        let names = (0..<width).map { "p\($0 + 1)" }.joined(separator: ", ")
        let set = assignments.map { "\($0.column) = parley_new.p\($0.parameter + 1)" }.joined(separator: ", ")
        let match = conditions.map { "parley_row.\($0.column) = parley_new.p\($0.parameter + 1)" }.joined(separator: " AND ")
        let sql = "UPDATE \(table) AS parley_row SET \(set) FROM unnest(\(arrays)) AS parley_new(\(names)) WHERE \(match)"
        let parameters = (0..<width).map { index in
            SQLValue.text(PostgresArray(run.map { $0.parameters[index].text }).postgresText)
        }
        // Each statement of the chunk has another key, so their expected rows add up (when all say).
        let expected = run.allSatisfy { $0.expectedRows != nil } ? run.reduce(0) { $0 + $1.expectedRows! } : nil
        return SQLStatement(sql, parameters, expectedRows: expected)
    }
}
