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

    /// A rejection carrying a domain rejection's readable text.
    public init(_ rejection: some Error & CustomStringConvertible) {
        self.init(rejection.description)
    }

    public var description: String { field.map { "\($0): \(reason)" } ?? reason }
}
