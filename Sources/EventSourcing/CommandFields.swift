import Foundation

/// The fields of one JSON object of a command, read one by one; each mistake becomes a
/// `CommandRejection` naming the field's path.
///
/// Strings may not contain U+0000 (PostgreSQL text cannot hold it). `finish()` refuses the fields
/// nobody read, so a misspelt optional field is an error, not silently ignored.
public struct CommandFields: Sendable {
    public let path: String
    private let members: [String: JSONValue]
    /// The keys read that the object has (a key read twice appears twice); a short list is
    /// cheaper than a set for the dozen fields of a command.
    private var read: [String] = []

    public init(_ members: [String: JSONValue], path: String) {
        self.members = members
        self.path = path
    }

    /// The fields of `value`, which must be an object.
    public init(object value: JSONValue, path: String) throws(CommandRejection) {
        guard case .object(let members) = value else {
            throw CommandRejection(field: path.isEmpty ? nil : path, "expected an object, found \(value.kind)")
        }
        self.init(members, path: path)
    }

    /// The path of `key` for rejections, e.g. `data.title`.
    public func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Whether the object has `key`, even with `null`.
    public func has(_ key: String) -> Bool { members[key] != nil }

    /// The raw value of `key`; nil when absent or `null`.
    public mutating func optionalJSON(_ key: String) -> JSONValue? {
        guard let value = members[key] else { return nil }
        read.append(key)
        return value == .null ? nil : value
    }

    public mutating func json(_ key: String) throws(CommandRejection) -> JSONValue {
        guard let value = optionalJSON(key) else { throw CommandRejection(field: field(key), "is required") }
        return value
    }

    public mutating func optionalString(_ key: String) throws(CommandRejection) -> String? {
        guard let value = optionalJSON(key) else { return nil }
        guard case .string(let text) = value else {
            throw CommandRejection(field: field(key), "expected a string, found \(value.kind)")
        }
        guard !text.utf8.contains(0) else {
            throw CommandRejection(field: field(key), "contains U+0000, which PostgreSQL text cannot store")
        }
        return text
    }

    public mutating func string(_ key: String) throws(CommandRejection) -> String {
        guard let text = try optionalString(key) else { throw CommandRejection(field: field(key), "is required") }
        return text
    }

    /// A string that must not be empty.
    public mutating func name(_ key: String) throws(CommandRejection) -> String {
        let text = try string(key)
        guard !text.isEmpty else { throw CommandRejection(field: field(key), "must not be empty") }
        return text
    }

    /// A string that, when given, is not empty: an identifier such as WhatsApp's message id.
    public mutating func optionalName(_ key: String) throws(CommandRejection) -> String? {
        guard let text = try optionalString(key) else { return nil }
        guard !text.isEmpty else { throw CommandRejection(field: field(key), "must not be empty") }
        return text
    }

    public mutating func optionalUUID(_ key: String) throws(CommandRejection) -> UUID? {
        guard let text = try optionalString(key) else { return nil }
        guard let id = UUID(text: text) else { throw CommandRejection(field: field(key), "expected a UUID") }
        return id
    }

    public mutating func uuid(_ key: String) throws(CommandRejection) -> UUID {
        guard let id = try optionalUUID(key) else { throw CommandRejection(field: field(key), "is required") }
        return id
    }

    /// The earliest time PostgreSQL's `timestamptz` reads back as written: 0001-01-01T00:00:00Z.
    public static let earliestTime = Timestamp(microsecondsSinceEpoch: -62_135_596_800_000_000)
    /// The latest time RFC 3339 writes (four year digits): times a decider derives from it (an
    /// expiry days later) stay far inside PostgreSQL's and `Timestamp`'s range.
    public static let latestTime = Timestamp(microsecondsSinceEpoch: 253_402_300_799_999_999)

    public mutating func optionalTimestamp(_ key: String) throws(CommandRejection) -> Timestamp? {
        guard let value = optionalJSON(key) else { return nil }
        guard case .string(let text) = value, let time = Timestamp(rfc3339: text) else {
            throw CommandRejection(field: field(key), "expected an RFC 3339 time")
        }
        guard time >= Self.earliestTime else {
            throw CommandRejection(field: field(key), "must not be before 0001-01-01T00:00:00Z")
        }
        guard time <= Self.latestTime else {
            throw CommandRejection(field: field(key), "must not be after 9999-12-31T23:59:59.999999Z")
        }
        return time
    }

    public mutating func timestamp(_ key: String) throws(CommandRejection) -> Timestamp {
        guard let time = try optionalTimestamp(key) else { throw CommandRejection(field: field(key), "is required") }
        return time
    }

    /// One of the raw values of `T`.
    public mutating func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type)
        throws(CommandRejection) -> T? where T.RawValue == String
    {
        guard let text = try optionalString(key) else { return nil }
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw CommandRejection(field: field(key), "expected one of \(names)")
        }
        return value
    }

    public mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type)
        throws(CommandRejection) -> T where T.RawValue == String
    {
        guard let value = try optionalChoice(key, type) else { throw CommandRejection(field: field(key), "is required") }
        return value
    }

    /// Any JSON value except one holding U+0000 in a string; nil when absent or `null`.
    public mutating func optionalDocument(_ key: String) throws(CommandRejection) -> JSONValue? {
        guard let value = optionalJSON(key) else { return nil }
        guard !value.containsNUL else {
            throw CommandRejection(field: field(key), "contains U+0000, which PostgreSQL jsonb cannot store")
        }
        return value
    }

    /// Refuses the fields that were not read.
    ///
    /// The key comes from the input: one that is not a short plain name (letters, digits, `_`) is
    /// quoted and cut like any quoted name, so it cannot forge a line of output.
    public func finish() throws(CommandRejection) {
        if let unknown = members.keys.filter({ !read.contains($0) }).sorted().first {
            let plain = unknown.count <= 32 && !unknown.isEmpty
                && unknown.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
            throw CommandRejection(field: field(plain ? unknown : CommandRejection.quoted(unknown)), "is not a field of this command")
        }
    }
}

/// Why a command was refused: the field at fault, when there is one, and the rule it broke.
///
/// Printed as `field: rule` (`data.scheduled_time: expected an RFC 3339 time`) or just the rule
/// (`reminder 7f3e...: cannot go from sent to pending`). A rejected command appends nothing.
public struct CommandRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The JSON path of the field, e.g. `data.scheduled_time`; nil for a rule about the whole command.
    public var field: String?
    /// The rule, in words.
    public var reason: String

    public init(field: String? = nil, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    /// A rejection carrying a domain rejection's readable text, and the field it is about when it
    /// names one (`FieldRejection`).
    public init(_ rejection: some Error & CustomStringConvertible) {
        if let fielded = rejection as? any FieldRejection, let (field, rule) = fielded.fieldAtFault {
            self.init(field: field, rule)
        } else {
            self.init(rejection.description)
        }
    }

    public var description: String { field.map { "\($0): \(reason)" } ?? reason }

    /// A name from a command, for a rejection to quote: its first `limit` characters as a JSON
    /// string (a newline or quote in it cannot break the message's line), then `...` when cut.
    public static func quoted(_ text: String, limit: Int = 32) -> String {
        JSONValue.string(String(text.prefix(limit))).encoded + (text.count > limit ? "..." : "")
    }
}

extension String {
    /// Whether the text holds a Unicode control character (U+0000 to U+001F, U+007F to U+009F):
    /// a newline, a carriage return or an escape, which would break or forge a line of a report.
    public var holdsControlCharacter: Bool {
        unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// A decider's rejection that can be about one field of the command, so that `CommandRejection`
/// names it (`data.phone_number: is not E.164 ...`) as it names a field the parsing refused.
public protocol FieldRejection: CustomStringConvertible {
    /// The field's JSON path and the rule it broke; nil when the rejection is about the command.
    var fieldAtFault: (field: String, rule: String)? { get }
}
