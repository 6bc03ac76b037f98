/// The rows of one result, copied out of libpq in text format.
public struct Rows: Sendable, RandomAccessCollection {
    /// Column names, in order.
    public let columns: [String]
    /// Rows changed by an INSERT, UPDATE, DELETE, COPY or similar command.
    public let affectedRows: Int
    private let values: [[String?]]

    init(copying result: OpaquePointer) {
        let columnCount = LibPQ.columnCount(result)
        columns = (0..<columnCount).map { LibPQ.columnName(result, $0) }
        values = (0..<LibPQ.rowCount(result)).map { row in
            (0..<columnCount).map { column in
                LibPQ.isNull(result, row, column) ? nil : LibPQ.value(result, row, column)
            }
        }
        affectedRows = LibPQ.affectedRows(result)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public subscript(position: Int) -> Row {
        Row(index: position, columns: columns, values: values[position])
    }
}

/// One row of a result; values decode by column name with errors naming the column and row.
public struct Row: Sendable {
    /// The row's index in its result, counted from 0.
    public let index: Int
    public let columns: [String]
    /// The text of each column, nil for NULL.
    public let values: [String?]

    /// The text of `column`, nil when NULL or when there is no such column.
    public subscript(column: String) -> String? {
        columns.firstIndex(of: column).flatMap { values[$0] }
    }

    /// Decodes `column` as `type`; NULL, a missing column or bad text is an error.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let position = columns.firstIndex(of: column) else {
            throw PostgresError(kind: .decoding, message: "row \(index) has no column \(column) (columns: \(columns.joined(separator: ", ")))")
        }
        guard let text = values[position] else {
            throw PostgresError(kind: .decoding, message: "row \(index) column \(column) is NULL, expected \(T.self)")
        }
        guard let value = T(postgresText: text) else {
            throw PostgresError(kind: .decoding, message: "row \(index) column \(column) is not a valid \(T.self)")
        }
        return value
    }

    /// Decodes `column` as `type`, nil when NULL.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T? {
        guard let position = columns.firstIndex(of: column), values[position] != nil else {
            if columns.contains(column) { return nil }
            throw PostgresError(kind: .decoding, message: "row \(index) has no column \(column) (columns: \(columns.joined(separator: ", ")))")
        }
        return try decode(column, as: type)
    }
}
