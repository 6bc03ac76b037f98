import EventSourcing
import Foundation

extension FlowSession {
    public enum Event: MigueEvent {
        /// `migue.flow.created` v1.
        case created(Created)
        /// `migue.flow.status-changed` v1: from one status to another.
        case statusChanged(StatusChanged)

        public var type: String {
            switch self {
            case .created: "migue.flow.created"
            case .statusChanged: "migue.flow.status-changed"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .created, .statusChanged: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .created(let body): EventJSON.encode(body)
            case .statusChanged(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.flow.created":
                self = .created(try EventJSON.decode(Created.self, type: type, version: version, payload: payload))
            case "migue.flow.status-changed":
                self = .statusChanged(
                    try EventJSON.decode(StatusChanged.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Created: Hashable, Sendable, Codable {
        public var flowSessionID: UUID
        public var flowToken: String
        public var userID: UUID
        public var conversationID: UUID?
        public var flowID: String
        public var flowType: FlowType
        public var sessionData: JSONValue
        public var status: Status
        public var expiresAt: Timestamp
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case flowSessionID = "flow_session_id", flowToken = "flow_token", userID = "user_id",
                conversationID = "conversation_id", flowID = "flow_id", flowType = "flow_type",
                sessionData = "session_data", status, expiresAt = "expires_at", createdAt = "created_at"
        }
    }

    public struct StatusChanged: Hashable, Sendable, Codable {
        public var flowSessionID: UUID
        public var from: Status
        public var to: Status
        /// What the user submitted, when `to` is completed and the command gave it.
        public var responseData: JSONValue?
        /// Set when `to` is completed: the row's `completed_at`.
        public var completedAt: Timestamp?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case flowSessionID = "flow_session_id", from, to, responseData = "response_data",
                completedAt = "completed_at", changedAt = "changed_at"
        }
    }
}
