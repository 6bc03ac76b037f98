import Foundation

/// A point in a stream's history: where `parley state` stops folding.
public enum StatePoint: Hashable, Sendable, CustomStringConvertible {
    /// Every event the stream holds.
    case head
    /// The events at log positions before this one.
    case before(LogPosition)
    /// The events recorded at or before this time: the stream's prefix up to its first event
    /// recorded later (a stream's times may go backwards when commands come late; the fold never
    /// skips an event to take a later one).
    case asOf(Timestamp)

    /// The events of `events` (one stream, in version order) that this point keeps.
    public func prefix(of events: [RecordedEvent]) -> ArraySlice<RecordedEvent> {
        switch self {
        case .head: events[...]
        case .before(let position): events.prefix { $0.position < position }
        case .asOf(let time): events.prefix { $0.recordedAt <= time }
        }
    }

    public var description: String {
        switch self {
        case .head: "now"
        case .before(let position): "before position \(position)"
        case .asOf(let time): "as of \(time)"
        }
    }
}

/// An aggregate's state as of some point, with the place in the log it reflects.
public struct StateSnapshot: Hashable, Sendable, Encodable {
    public var stream: StreamName
    /// The version and position of the last event folded in, and when it was recorded.
    public var version: StreamVersion
    public var position: LogPosition
    public var recordedAt: Timestamp
    /// How many events were folded.
    public var events: Int
    /// The state as JSON, as the aggregate's state type encodes itself.
    public var state: JSONValue

    public init(
        stream: StreamName, version: StreamVersion, position: LogPosition, recordedAt: Timestamp, events: Int,
        state: JSONValue
    ) {
        self.stream = stream
        self.version = version
        self.position = position
        self.recordedAt = recordedAt
        self.events = events
        self.state = state
    }

    enum CodingKeys: String, CodingKey {
        case stream, version, position, recordedAt = "recorded_at", events, state
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stream.description, forKey: .stream)
        try container.encode(version, forKey: .version)
        try container.encode(position, forKey: .position)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(events, forKey: .events)
        try container.encode(state, forKey: .state)
    }
}

/// Why a stream's state cannot be shown.
public enum StateInspectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No product here folds streams of this category.
    case unknownCategory(String, known: [String])
    /// The stream has no events before the point.
    case noEvents(StreamName, StatePoint)
    /// An event of another stream was passed in.
    case foreignEvent(StreamName, found: StreamName)
    /// The state did not encode as JSON.
    case unencodable(StreamName, reason: String)

    public var description: String {
        switch self {
        case .unknownCategory(let category, let known):
            "\(category) is not a category with a state here; known: \(known.joined(separator: ", "))"
        case .noEvents(let stream, .head): "stream \(stream) has no events"
        case .noEvents(let stream, let point): "stream \(stream) has no events \(point)"
        case .foreignEvent(let stream, let found): "an event of \(found) is not one of \(stream)"
        case .unencodable(let stream, let reason): "the state of \(stream) does not encode as JSON: \(reason)"
        }
    }
}

extension Decider where State: Encodable {
    /// The state of `stream` at `point`: its events up to there, decoded by `decode` and folded by `evolve`.
    public static func snapshot(
        of stream: StreamName, events: [RecordedEvent], at point: StatePoint,
        decode: (RecordedEvent) throws -> Event
    ) throws -> StateSnapshot {
        let kept = point.prefix(of: events)
        guard let last = kept.last else { throw StateInspectionError.noEvents(stream, point) }
        if let other = kept.first(where: { $0.stream != stream }) {
            throw StateInspectionError.foreignEvent(stream, found: other.stream)
        }
        let state = fold(try kept.map { event throws(UnreadableEvent) in try event.decoded(by: decode) })
        // Built as a value, not text parsed back: a state may nest as deep as a command's
        // `preferences` (512) and more, which the parser refuses.
        let json: JSONValue
        do {
            json = try JSONValueEncoder().encodeValue(state)
        } catch let error as EncodingError {
            throw StateInspectionError.unencodable(stream, reason: Self.reason(error))
        }
        return StateSnapshot(
            stream: stream, version: last.version, position: last.position, recordedAt: last.recordedAt,
            events: kept.count, state: json)
    }

    /// Where and why, without the value itself, which may hold a user's data.
    private static func reason(_ error: EncodingError) -> String {
        guard case .invalidValue(_, let context) = error else { return "an encoding error" }
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return "\(context.debugDescription)\(path.isEmpty ? "" : " at \(path)")"
    }
}
