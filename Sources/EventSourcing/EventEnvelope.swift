import Foundation

/// Who or what caused an event, and in answer to what.
public struct EventMetadata: Hashable, Sendable {
    /// The conversation of commands this event belongs to (often the first command's id).
    public var correlationID: UUID?
    /// The command or event that directly caused this one.
    public var causationID: UUID?
    /// Who issued the command: a user, a webhook, a scheduler, an operator.
    public var actor: String
    /// Any further metadata the caller keeps with the event (usually a JSON object); empty when none.
    public var custom: [UInt8]

    public init(correlationID: UUID? = nil, causationID: UUID? = nil, actor: String, custom: [UInt8] = []) {
        self.correlationID = correlationID
        self.causationID = causationID
        self.actor = actor
        self.custom = custom
    }
}

/// An event to append: everything but the places the log gives it.
public struct ProposedEvent: Hashable, Sendable {
    /// Globally unique; appending an id the log already holds is a no-op that reports the original.
    public var id: UUID
    /// The stable name of the event type, e.g. `reminder.status-changed`.
    public var type: String
    /// The version of the payload's schema for this type, from 1.
    public var schemaVersion: UInt16
    /// When it happened, from the command, never from the clock.
    public var recordedAt: Timestamp
    public var metadata: EventMetadata
    /// The event's data, usually JSON.
    public var payload: [UInt8]

    public init(
        id: UUID, type: String, schemaVersion: UInt16 = 1, recordedAt: Timestamp, metadata: EventMetadata,
        payload: [UInt8]
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.recordedAt = recordedAt
        self.metadata = metadata
        self.payload = payload
    }
}

/// An event as stored: the proposed event with its stream, stream version and log position.
public struct RecordedEvent: Hashable, Sendable {
    public var position: LogPosition
    public var stream: StreamName
    public var version: StreamVersion
    public var event: ProposedEvent

    public init(position: LogPosition, stream: StreamName, version: StreamVersion, event: ProposedEvent) {
        self.position = position
        self.stream = stream
        self.version = version
        self.event = event
    }

    public var id: UUID { event.id }
    public var type: String { event.type }
    public var schemaVersion: UInt16 { event.schemaVersion }
    public var recordedAt: Timestamp { event.recordedAt }
    public var metadata: EventMetadata { event.metadata }
    public var payload: [UInt8] { event.payload }
}
