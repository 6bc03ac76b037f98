/// How one parameter travels to the server.
public enum PostgresBinding: Sendable, Equatable {
    /// Text the server parses for the type it infers from the statement (`$1::uuid`, a column).
    case text(String)
    /// Bytes in the type's binary wire format, with the type's OID (17 for `bytea`).
    case binary([UInt8], typeOID: UInt32)
}

/// A Swift value sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    /// The text PostgreSQL parses for this value, e.g. `t` for true.
    var postgresText: String { get }
    /// How the value is sent; text unless the type sends its binary format.
    var postgresBinding: PostgresBinding { get }
}

extension PostgresEncodable {
    public var postgresBinding: PostgresBinding { .text(postgresText) }
}

/// A Swift value read from PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    /// Parses the server's text; nil when it is not a valid value of this type.
    init?(postgresText: String)
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self }
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

/// Decodes only: a column holding a position or a count that cannot be negative reads as an
/// error naming the column, not a trap, when it is.
extension UInt64: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self ? "t" : "f" }
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}
