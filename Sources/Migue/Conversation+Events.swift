import EventSourcing
import Foundation

extension Conversation {
    public enum Event: MigueEvent {
        /// `migue.conversation.started` v1.
        case started(Started)
        /// `migue.conversation.status-changed` v1: from one status to another.
        case statusChanged(StatusChanged)

        public var type: String {
            switch self {
            case .started: "migue.conversation.started"
            case .statusChanged: "migue.conversation.status-changed"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .started, .statusChanged: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .started(let body): EventJSON.encode(body)
            case .statusChanged(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.conversation.started":
                self = .started(try EventJSON.decode(Started.self, type: type, version: version, payload: payload))
            case "migue.conversation.status-changed":
                self = .statusChanged(
                    try EventJSON.decode(StatusChanged.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Started: Hashable, Sendable, Codable {
        public var conversationID: UUID
        public var userID: UUID
        public var waConversationID: String?
        public var status: Status
        /// Set when the conversation starts active.
        public var activationID: UUID?
        public var startedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case conversationID = "conversation_id", userID = "user_id", waConversationID = "wa_conversation_id",
                status, activationID = "activation_id", startedAt = "started_at"
        }
    }

    public struct StatusChanged: Hashable, Sendable, Codable {
        public var conversationID: UUID
        public var userID: UUID
        public var from: Status
        public var to: Status
        /// Set when the conversation moves into `active`.
        public var activationID: UUID?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case conversationID = "conversation_id", userID = "user_id", from, to, activationID = "activation_id",
                changedAt = "changed_at"
        }
    }
}
