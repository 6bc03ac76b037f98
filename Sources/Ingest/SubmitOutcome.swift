import EventSourcing
import Foundation

/// What became of one submitted command, as `parley submit` reports it: a text line or a JSON object.
public struct SubmitOutcome: Hashable, Sendable {
    /// The input line (from 1), or the command's place in an import.
    public var line: Int
    public var commandID: UUID?
    public var result: CommandResult

    public init(line: Int, commandID: UUID?, result: CommandResult) {
        self.line = line
        self.commandID = commandID
        self.result = result
    }

    public enum Status: String, Sendable, Encodable {
        /// At least one new event was appended.
        case appended
        /// Everything was already stored by an earlier submission of the same command id.
        case duplicate
        /// Accepted with nothing to record (a redelivered WhatsApp message, a profile already so).
        case unchanged
        case rejected
    }

    public var status: Status {
        switch result {
        case .rejected: .rejected
        case .accepted(let batches) where batches.isEmpty: .unchanged
        case .accepted(let batches): batches.contains { !$0.isDuplicate } ? .appended : .duplicate
        }
    }

    /// One event the command wrote or found written.
    public struct Event: Hashable, Sendable, Encodable {
        public var type: String
        public var stream: String
        public var position: UInt64
        public var version: UInt64
        public var alreadyStored: Bool

        enum CodingKeys: String, CodingKey {
            case type, stream, position, version
            case alreadyStored = "already_stored"
        }
    }

    /// Every event of the accepted batches, in append order.
    public var events: [Event] {
        guard case .accepted(let batches) = result else { return [] }
        return batches.flatMap { written in
            written.eventTypes.enumerated().map { offset, type in
                Event(
                    type: type, stream: written.stream.description, position: written.batch.first.rawValue + UInt64(offset),
                    version: written.batch.firstVersion.rawValue + UInt64(offset), alreadyStored: written.isDuplicate)
            }
        }
    }

    /// The count of events this command appended now (not those already stored).
    public var appendedEvents: Int { events.count { !$0.alreadyStored } }

    /// `line 12: <what happened>`, e.g. `line 12: reminder 7f3e...: cannot go from sent to pending`.
    public var text: String {
        switch result {
        case .rejected(let rejection):
            return "line \(line): \(rejection)"
        case .accepted(let batches) where batches.isEmpty:
            return "line \(line): accepted, nothing to record"
        case .accepted(let batches):
            let prefix = status == .duplicate ? "already stored:" : "appended"
            let parts = batches.map { written in
                let places = written.batch.first == written.batch.last
                    ? "at \(written.batch.first.rawValue)" : "at \(written.batch.first.rawValue)-\(written.batch.last.rawValue)"
                let again = written.isDuplicate && status == .appended ? " (already stored)" : ""
                return "\(written.eventTypes.joined(separator: ", ")) \(places) in \(written.stream)\(again)"
            }
            return "line \(line): \(prefix) \(parts.joined(separator: "; "))"
        }
    }
}

extension SubmitOutcome: Encodable {
    enum CodingKeys: String, CodingKey {
        case line, status, positions, events, field, message
        case commandID = "command_id"
    }

    /// `{"line", "command_id", "status", "positions", "events"}`, or for a rejection
    /// `{"line", "command_id", "status", "field", "message"}`; an unknown command id is `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(commandID?.lowercasedText, forKey: .commandID)
        try container.encode(status, forKey: .status)
        switch result {
        case .rejected(let rejection):
            try container.encode(rejection.field, forKey: .field)
            try container.encode(rejection.reason, forKey: .message)
        case .accepted:
            let events = events
            try container.encode(events.map(\.position), forKey: .positions)
            try container.encode(events, forKey: .events)
        }
    }
}
