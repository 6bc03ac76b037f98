import EventSourcing

/// One write of a batch, as the runner sends it.
public enum PlannedWrite: Hashable, Sendable {
    case statement(SQLStatement)
    /// Rows for `COPY table (columns) FROM STDIN`, in text format (nil is NULL).
    case copy(table: String, columns: [String], rows: [[String?]])
}

/// Turns a batch's statements into few round trips: runs of the same plain single-row INSERT
/// become one COPY, runs of the same INSERT with a conflict clause one multi-row INSERT.
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
            guard let shape = InsertShape(first.sql), !first.parameters.isEmpty else {
                result.append(.statement(first))
                index += 1
                continue
            }
            var end = index + 1
            while end < statements.count, statements[end].sql == first.sql, statements[end].parameters.count == first.parameters.count {
                end += 1
            }
            let run = statements[index..<end]
            if run.count >= minimumCopyRows, let copy = shape.copyColumns {
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
            index = end
        }
        return result
    }
}
