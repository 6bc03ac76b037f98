import Foundation

/// One state transition: an event that moved an aggregate from one state to another.
///
/// Events that move a state machine carry the state they leave and the one they enter
/// (Specs/migue.md), so an audit is a read of the log, not a re-computation. The product's own
/// decoder reads them (`MigueTransitions`), so its upcasters apply and an event it cannot read is
/// an error.
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

    /// The move from `from` to `to` that `event` records.
    public init(_ event: RecordedEvent, from: String, to: String) {
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
