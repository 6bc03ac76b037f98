import EventSourcing
import Foundation

extension Reminder {
    public enum Event: MigueEvent {
        /// `migue.reminder.created` v1: a reminder, pending.
        case created(Created)
        /// `migue.reminder.status-changed` v1: from one status to another.
        case statusChanged(StatusChanged)
        /// `migue.reminder.rescheduled` v1: a pending reminder moved to another time.
        case rescheduled(Rescheduled)

        public var type: String {
            switch self {
            case .created: "migue.reminder.created"
            case .statusChanged: "migue.reminder.status-changed"
            case .rescheduled: "migue.reminder.rescheduled"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .created, .statusChanged, .rescheduled: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .created(let body): EventJSON.encode(body)
            case .statusChanged(let body): EventJSON.encode(body)
            case .rescheduled(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.reminder.created":
                self = .created(try EventJSON.decode(Created.self, type: type, version: version, payload: payload))
            case "migue.reminder.status-changed":
                self = .statusChanged(
                    try EventJSON.decode(StatusChanged.self, type: type, version: version, payload: payload))
            case "migue.reminder.rescheduled":
                self = .rescheduled(try EventJSON.decode(Rescheduled.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Created: Hashable, Sendable, Codable {
        public var reminderID: UUID
        public var userID: UUID
        public var title: String
        public var description: String?
        public var scheduledTime: Timestamp
        public var status: Status
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case reminderID = "reminder_id", userID = "user_id", title, description,
                scheduledTime = "scheduled_time", status, createdAt = "created_at"
        }
    }

    public struct StatusChanged: Hashable, Sendable, Codable {
        public var reminderID: UUID
        public var from: Status
        public var to: Status
        /// Set when `to` is `sent` and the sender gave a token.
        public var sendToken: UUID?
        /// Set when the move into `pending` reschedules it.
        public var scheduledTime: Timestamp?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case reminderID = "reminder_id", from, to, sendToken = "send_token", scheduledTime = "scheduled_time",
                changedAt = "changed_at"
        }
    }

    /// The time it leaves and the one it takes; no `from` and `to`, so an audit of status
    /// transitions does not list it.
    public struct Rescheduled: Hashable, Sendable, Codable {
        public var reminderID: UUID
        public var previousScheduledTime: Timestamp
        public var scheduledTime: Timestamp
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case reminderID = "reminder_id", previousScheduledTime = "previous_scheduled_time",
                scheduledTime = "scheduled_time", changedAt = "changed_at"
        }
    }
}
