import EventSourcing
import Foundation

extension CallLog {
    public enum Event: MigueEvent {
        /// `migue.call.initiated` v1.
        case initiated(Initiated)
        /// `migue.call.status-changed` v1: from one status to another.
        case statusChanged(StatusChanged)

        public var type: String {
            switch self {
            case .initiated: "migue.call.initiated"
            case .statusChanged: "migue.call.status-changed"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .initiated, .statusChanged: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .initiated(let body): EventJSON.encode(body)
            case .statusChanged(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.call.initiated":
                self = .initiated(try EventJSON.decode(Initiated.self, type: type, version: version, payload: payload))
            case "migue.call.status-changed":
                self = .statusChanged(
                    try EventJSON.decode(StatusChanged.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Initiated: Hashable, Sendable, Codable {
        public var callLogID: UUID
        public var callID: String
        public var userID: UUID
        public var conversationID: UUID?
        public var direction: Direction
        public var status: Status
        public var timestamp: Timestamp
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case callLogID = "call_log_id", callID = "call_id", userID = "user_id", conversationID = "conversation_id",
                direction, status, timestamp, createdAt = "created_at"
        }
    }

    public struct StatusChanged: Hashable, Sendable, Codable {
        public var callLogID: UUID
        public var from: Status
        public var to: Status
        public var durationSeconds: Int32?
        public var endReason: EndReason?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case callLogID = "call_log_id", from, to, durationSeconds = "duration_seconds", endReason = "end_reason",
                changedAt = "changed_at"
        }
    }
}
