/// An error from PostgreSQL or from talking to it, matchable by its SQLSTATE `code`.
///
/// `description` is safe to log: it never contains a query parameter, a row value from the
/// server's DETAIL, or a password. `debugDescription` adds the detail for deliberate debugging.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Where the failure happened.
    public enum Kind: String, Sendable {
        /// Opening a connection, or the connection broke.
        case connection
        /// The server rejected a statement.
        case query
        /// A result value did not decode as the caller asked.
        case decoding
        /// COPY, transactions and other protocol sequences used out of order.
        case usage
    }

    public var kind: Kind
    /// The SQLSTATE, when the server sent one.
    public var code: SQLState?
    /// The server's (or libpq's) primary message, with parameter values removed.
    public var message: String
    /// The server's DETAIL, which may quote row values: only in `debugDescription`.
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var schema: String?
    public var table: String?
    public var column: String?
    /// What Parley was doing, e.g. `connecting to host=/tmp port=5432 dbname=parley`.
    public var context: String?

    public init(
        kind: Kind, code: SQLState? = nil, message: String, detail: String? = nil, hint: String? = nil,
        constraint: String? = nil, schema: String? = nil, table: String? = nil, column: String? = nil,
        context: String? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.schema = schema
        self.table = table
        self.column = column
        self.context = context
    }

    public var description: String {
        var parts: [String] = []
        if let context { parts.append(context) }
        var head = "PostgreSQL \(kind.rawValue) error"
        if let code { head += " \(code)" }
        if let constraint { head += " (constraint \(constraint))" }
        if let table { head += " on \(schema.map { "\($0)." } ?? "")\(table)" }
        if let column { head += " column \(column)" }
        parts.append(head + ": " + message)
        if let hint { parts.append("hint: \(hint)") }
        return parts.joined(separator: "; ")
    }

    public var debugDescription: String {
        description + (detail.map { "; detail: \($0)" } ?? "")
    }

    /// `message` with every parameter value that it quotes replaced by its placeholder (`$1`, ...),
    /// and every element of an array parameter by the element's (`$2[3]`).
    ///
    /// PostgreSQL echoes bad input in messages such as `invalid input syntax for type uuid: "x"`;
    /// for an array parameter it quotes the one element it could not read.
    ///
    /// Longer values go first, so a value that holds another is replaced whole, never in part.
    /// The names in `keeping` (the constraint, table, column and schema the error is about) are
    /// names, not values: they stay whole even when one holds a value (`uniq_active_per_user`).
    static func redacting(_ message: String, parameters: [String?], keeping names: [String] = []) -> String {
        var replacements: [(value: String, placeholder: String)] = []
        for (index, value) in parameters.enumerated() {
            guard let value else { continue }
            let placeholder = "$\(index + 1)"
            replacements.append((value, placeholder))
            for (number, element) in (PostgresArray.elements(ofLiteral: value) ?? []).enumerated() {
                guard let element else { continue }
                replacements.append((element, "\(placeholder)[\(number + 1)]"))
            }
        }
        // Each name, where the server quotes it, is set aside behind a mark no value can hold (text
        // values cannot hold NUL). A name that some value holds is not: the mark could split that
        // value where the message quotes it, and it would then be printed.
        let names = Array(Set(names.filter { name in !name.isEmpty && !replacements.contains { $0.value.contains(name) } }))
            .sorted { $0.count > $1.count }
        let marks = names.indices.map { "\u{0}\($0)\u{0}" }
        var message = message
        for (name, mark) in zip(names, marks) { message = message.replacingAll("\"\(name)\"", with: mark) }
        for (value, placeholder) in replacements.sorted(by: { $0.value.count > $1.value.count }) {
            message = redacting(value, as: placeholder, in: message)
        }
        for (name, mark) in zip(names, marks) { message = message.replacingAll(mark, with: "\"\(name)\"") }
        return message
    }

    /// `message` with `value` replaced by `placeholder` where quoted, and anywhere when it is long
    /// enough (4 characters) not to match ordinary words by chance.
    private static func redacting(_ value: String, as placeholder: String, in message: String) -> String {
        guard !value.isEmpty else { return message }
        let message = message.replacingAll("\"\(value)\"", with: "\"\(placeholder)\"")
        return value.count >= 4 ? message.replacingAll(value, with: placeholder) : message
    }
}

extension PostgresError {
    /// `message` with the content of every double-quoted part replaced by `…`.
    ///
    /// For errors where the values sent are not known one by one (COPY data): the server quotes
    /// offending input, and also names, which the error's own fields (column, table) still carry.
    static func redactingQuotedValues(_ message: String) -> String {
        var result = ""
        var inside = false
        for character in message {
            if character == "\"" {
                result.append(character)
                if !inside { result.append("…") }
                inside.toggle()
            } else if !inside {
                result.append(character)
            }
        }
        return result
    }
}

extension String {
    /// Replaces every occurrence of `target`, without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
