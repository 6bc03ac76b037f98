import EventSourcing
import Foundation

extension ScheduledMessage {
    public enum Event: MigueEvent {
        /// `migue.scheduled-message.scheduled` v1.
        case scheduled(Scheduled)
        /// `migue.scheduled-message.status-changed` v1: from one status to another.
        case statusChanged(StatusChanged)

        public var type: String {
            switch self {
            case .scheduled: "migue.scheduled-message.scheduled"
            case .statusChanged: "migue.scheduled-message.status-changed"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .scheduled, .statusChanged: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .scheduled(let body): EventJSON.encode(body)
            case .statusChanged(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.scheduled-message.scheduled":
                self = .scheduled(try EventJSON.decode(Scheduled.self, type: type, version: version, payload: payload))
            case "migue.scheduled-message.status-changed":
                self = .statusChanged(
                    try EventJSON.decode(StatusChanged.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Scheduled: Hashable, Sendable, Codable {
        public var scheduledMessageID: UUID
        public var userID: UUID?
        public var conversationID: UUID?
        public var phoneNumber: String
        public var message: String
        public var scheduledAt: Timestamp
        public var status: Status
        public var metadata: JSONValue?
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case scheduledMessageID = "scheduled_message_id", userID = "user_id", conversationID = "conversation_id",
                phoneNumber = "phone_number", message, scheduledAt = "scheduled_at", status, metadata,
                createdAt = "created_at"
        }
    }

    public struct StatusChanged: Hashable, Sendable, Codable {
        public var scheduledMessageID: UUID
        public var from: Status
        public var to: Status
        /// Set when `to` is sent.
        public var sentAt: Timestamp?
        /// Set when `to` is failed.
        public var errorMessage: String?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case scheduledMessageID = "scheduled_message_id", from, to, sentAt = "sent_at", errorMessage = "error_message",
                changedAt = "changed_at"
        }
    }
}
