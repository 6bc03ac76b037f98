import Foundation

/// One parameter of a SQL statement, typed so the runner can bind it without guessing.
public enum SQLValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case text(String)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case uuid(UUID)
    case timestamp(Timestamp)
    /// JSON text for a `json` or `jsonb` column.
    case json(String)
    case bytes([UInt8])

    /// A text parameter, or `null` when `value` is nil.
    public static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    /// A uuid parameter, or `null` when `value` is nil.
    public static func uuid(_ value: UUID?) -> SQLValue { value.map(SQLValue.uuid) ?? .null }
    /// A timestamp parameter, or `null` when `value` is nil.
    public static func timestamp(_ value: Timestamp?) -> SQLValue { value.map(SQLValue.timestamp) ?? .null }

    /// The value as PostgreSQL's text input format reads it; nil for `null`.
    public var text: String? {
        switch self {
        case .null: nil
        case .text(let value), .json(let value): value
        case .integer(let value): String(value)
        case .double(let value): value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-Infinity" : "Infinity") : "\(value)"
        case .bool(let value): value ? "true" : "false"
        case .uuid(let value): value.lowercasedText
        case .timestamp(let value): value.description
        case .bytes(let value):
            "\\x" + value.lowercaseHex
        }
    }

    /// The kind of value, never the value itself: parameters may hold personal data.
    public var description: String {
        switch self {
        case .null: "null"
        case .text: "text"
        case .integer: "integer"
        case .double: "double"
        case .bool: "bool"
        case .uuid: "uuid"
        case .timestamp: "timestamp"
        case .json: "json"
        case .bytes: "bytes"
        }
    }
}

/// A statement a projector emits: SQL text with `$1`, `$2`, ... and its parameters in order.
public struct SQLStatement: Hashable, Sendable, CustomStringConvertible {
    public var sql: String
    public var parameters: [SQLValue]
    /// The rows the statement must affect, when the projector knows: an `UPDATE ... WHERE id = $1
    /// AND status = $2` that moves one row from the state its event says it left must find that
    /// row, or the read model no longer agrees with the events, and the runner stops there.
    public var expectedRows: Int?

    public init(_ sql: String, _ parameters: [SQLValue] = [], expectedRows: Int? = nil) {
        self.sql = sql
        self.parameters = parameters
        self.expectedRows = expectedRows
    }

    /// The SQL, the kinds of its parameters (never their values) and the rows it expects.
    public var description: String {
        let kinds = parameters.isEmpty ? "" : " -- [\(parameters.map(\.description).joined(separator: ", "))]"
        return sql + kinds + (expectedRows.map { " -- expects \($0) row\($0 == 1 ? "" : "s")" } ?? "")
    }
}
