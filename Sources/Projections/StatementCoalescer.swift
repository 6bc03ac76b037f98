import EventSourcing

/// One write of a batch, as the runner sends it.
public enum PlannedWrite: Hashable, Sendable {
    case statement(SQLStatement)
    /// Rows for `COPY table (columns) FROM STDIN`, in text format (nil is NULL).
    case copy(table: String, columns: [String], rows: [[String?]])
}

/// Turns a batch's statements into few round trips: runs of the same plain single-row INSERT
/// become one COPY, runs of the same INSERT with a conflict clause one multi-row INSERT, runs of
/// the same UPDATE by a unique key one `UPDATE ... FROM unnest(...)` (`UpdateShape`).
///
/// With a `TableOrder`, a batch's statements are first grouped by table, parents before children
/// (see `TableOrder`); then only consecutive statements with identical SQL are merged, so each
/// table's writes keep the order the projector gave. A run becomes a COPY only when it has no `ON CONFLICT` clause and every value is
/// a bare parameter (COPY applies no expression); `DO UPDATE` is never merged, since one statement
/// may not update the same row twice.
public enum StatementCoalescer {
    /// PostgreSQL's limit on parameters in one statement.
    static let maximumParameters = 65_535
    static let maximumRows = 1000
    /// Shorter runs are not worth a COPY's extra round trip.
    static let minimumCopyRows = 8

    public static func plan(_ statements: [SQLStatement], order: TableOrder? = nil) -> [PlannedWrite] {
        let statements = order?.arrange(statements) ?? statements
        var result: [PlannedWrite] = []
        var index = 0
        while index < statements.count {
            let first = statements[index]
            var end = index + 1
            while end < statements.count, statements[end].sql == first.sql, statements[end].parameters.count == first.parameters.count {
                end += 1
            }
            let run = statements[index..<end]
            index = end
            guard let shape = InsertShape(first.sql), !first.parameters.isEmpty else {
                if run.count > 1, let keys = order?.keys, let update = UpdateShape(first.sql), let key = update.keyParameters(keys) {
                    result += merge(run, update, key: key, types: keys.columnTypes[update.table]!)
                } else {
                    result += run.map(PlannedWrite.statement)
                }
                continue
            }
            // The runner checks COPY's stored count against its rows (a trigger may drop one);
            // another expected count is left to the statement to check.
            if run.count >= minimumCopyRows, run.allSatisfy({ ($0.expectedRows ?? 1) == 1 }), let copy = shape.copyColumns {
                result.append(.copy(
                    table: copy.table, columns: copy.columns,
                    rows: run.map { statement in copy.parameterIndexes.map { statement.parameters[$0].text } }))
            } else {
                let width = first.parameters.count
                let limit = max(1, min(maximumRows, maximumParameters / width))
                var start = run.startIndex
                while start < run.endIndex {
                    let stop = min(start + limit, run.endIndex)
                    result.append(.statement(stop - start == 1 ? run[start] : shape.merge(run[start..<stop], width: width)))
                    start = stop
                }
            }
        }
        return result
    }

    /// A run of updates as few `UpdateShape` statements: a chunk ends before a key it already holds
    /// (so a row's updates keep their order) or at `maximumRows`; a chunk of one stays as it was.
    static func merge(_ run: ArraySlice<SQLStatement>, _ shape: UpdateShape, key: [Int], types: [String: String]) -> [PlannedWrite] {
        var result: [PlannedWrite] = []
        var start = run.startIndex
        var seen: Set<[SQLValue]> = []
        func flush(to end: Int) {
            let chunk = run[start..<end]
            result.append(.statement(chunk.count == 1 ? chunk.first! : shape.merge(chunk, types: types)))
            start = end
            seen = []
        }
        for index in run.indices {
            let values = key.map { run[index].parameters[$0] }
            if seen.contains(values) || index - start == maximumRows { flush(to: index) }
            seen.insert(values)
        }
        flush(to: run.endIndex)
        return result
    }
}
