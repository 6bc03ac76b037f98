/// The place of an event in the whole log: 0 for the first event ever appended, then +1 per event,
/// with no gaps, in commit order.
public struct LogPosition: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt64) { rawValue = value }

    /// The position before any event: reading `$all` from here reads everything.
    public static let start = LogPosition(0)

    public var next: LogPosition { LogPosition(rawValue + 1) }
    public var description: String { String(rawValue) }
    public static func < (lhs: LogPosition, rhs: LogPosition) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The place of an event in its stream: 0 for the stream's first event, then +1 per event.
public struct StreamVersion: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt64) { rawValue = value }

    public var next: StreamVersion { StreamVersion(rawValue + 1) }
    public var description: String { String(rawValue) }
    public static func < (lhs: StreamVersion, rhs: StreamVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What an append expects of its stream; a mismatch is `AppendResult.conflict`, and nothing is written.
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// Append whatever the stream holds.
    case any
    /// The stream must have no events.
    case noStream
    /// The stream must have at least one event.
    case streamExists
    /// The stream's last event must have exactly this version.
    case exact(StreamVersion)

    /// Whether a stream whose last version is `current` (nil when empty) satisfies the expectation.
    public func isSatisfied(by current: StreamVersion?) -> Bool {
        switch self {
        case .any: true
        case .noStream: current == nil
        case .streamExists: current != nil
        case .exact(let version): current == version
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .streamExists: "stream exists"
        case .exact(let version): "version \(version)"
        }
    }
}
