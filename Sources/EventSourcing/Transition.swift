import Foundation

/// One state transition, read from an event that carries the state it leaves and the one it enters.
///
/// Events that move a state machine write `from` and `to` in their payload (Specs/migue.md), so an
/// audit is a read of the log, not a re-computation.
public struct Transition: Hashable, Sendable, Encodable {
    public var position: LogPosition
    public var at: Timestamp
    /// The aggregate: the stream's category and id.
    public var category: String
    public var id: String
    public var eventType: String
    public var from: String
    public var to: String
    public var actor: String
    /// The command that caused it (the event's causation id).
    public var command: UUID?
    public var correlation: UUID?

    /// The transition `event` records, or nil when its payload has no `from` and `to` strings.
    public init?(_ event: RecordedEvent) {
        guard let payload = JSONValue(parsing: event.payload), case .object(let fields) = payload,
            case .string(let from) = fields["from"], case .string(let to) = fields["to"]
        else { return nil }
        position = event.position
        at = event.recordedAt
        category = event.stream.category
        id = event.stream.id
        eventType = event.type
        self.from = from
        self.to = to
        actor = event.metadata.actor
        command = event.metadata.causationID
        correlation = event.metadata.correlationID
    }

    private enum CodingKeys: String, CodingKey {
        case position, at, category, id, eventType, from, to, actor, command, correlation
    }

    /// Ids as lowercase text, as stream names, `parley submit` and `log dump` print them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(at, forKey: .at)
        try container.encode(category, forKey: .category)
        try container.encode(id, forKey: .id)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(actor, forKey: .actor)
        try container.encodeIfPresent(command?.lowercasedText, forKey: .command)
        try container.encodeIfPresent(correlation?.lowercasedText, forKey: .correlation)
    }

    /// The audit's filter: which aggregates and when.
    public struct Filter: Sendable {
        /// Categories starting with this, e.g. `migue.` for a product, `migue.reminder` for one aggregate type.
        public var categoryPrefix: String
        public var id: String?
        public var since: Timestamp?
        public var until: Timestamp?

        public init(categoryPrefix: String = "", id: String? = nil, since: Timestamp? = nil, until: Timestamp? = nil) {
            self.categoryPrefix = categoryPrefix
            self.id = id
            self.since = since
            self.until = until
        }

        public func admits(_ event: RecordedEvent) -> Bool {
            guard event.stream.category.hasPrefix(categoryPrefix) else { return false }
            if let id, event.stream.id != id { return false }
            if let since, event.recordedAt < since { return false }
            if let until, event.recordedAt > until { return false }
            return true
        }
    }
}
