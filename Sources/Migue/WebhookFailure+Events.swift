import EventSourcing
import Foundation

extension WebhookFailure {
    public enum Event: MigueEvent {
        /// `migue.webhook-failure.recorded` v1.
        case recorded(Recorded)
        /// `migue.webhook-failure.status-changed` v1: from one status to another, with the retry count.
        case statusChanged(StatusChanged)

        public var type: String {
            switch self {
            case .recorded: "migue.webhook-failure.recorded"
            case .statusChanged: "migue.webhook-failure.status-changed"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .recorded, .statusChanged: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .recorded(let body): EventJSON.encode(body)
            case .statusChanged(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.webhook-failure.recorded":
                self = .recorded(try EventJSON.decode(Recorded.self, type: type, version: version, payload: payload))
            case "migue.webhook-failure.status-changed":
                self = .statusChanged(
                    try EventJSON.decode(StatusChanged.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Recorded: Hashable, Sendable, Codable {
        public var webhookFailureID: UUID
        public var requestID: String
        public var phoneNumber: String
        public var waMessageID: String?
        public var rawPayload: JSONValue
        public var errorMessage: String
        public var errorCode: String?
        public var status: Status
        public var retryCount: Int32
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case webhookFailureID = "webhook_failure_id", requestID = "request_id", phoneNumber = "phone_number",
                waMessageID = "wa_message_id", rawPayload = "raw_payload", errorMessage = "error_message",
                errorCode = "error_code", status, retryCount = "retry_count", createdAt = "created_at"
        }
    }

    public struct StatusChanged: Hashable, Sendable, Codable {
        public var webhookFailureID: UUID
        public var from: Status
        public var to: Status
        public var fromRetryCount: Int32
        public var retryCount: Int32
        /// The error of the failed retry, when `to` is pending and the command gave it.
        public var errorMessage: String?
        public var errorCode: String?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case webhookFailureID = "webhook_failure_id", from, to, fromRetryCount = "from_retry_count",
                retryCount = "retry_count", errorMessage = "error_message", errorCode = "error_code",
                changedAt = "changed_at"
        }
    }
}
