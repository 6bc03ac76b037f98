import EventSourcing
import Foundation

extension MessagingWindow {
    public enum Event: MigueEvent {
        /// `migue.window.opened` v1: a user's message found no window open and opened one.
        case opened(Refreshed)
        /// `migue.window.extended` v1: a user's message moved the end of the open window.
        case extended(Refreshed)
        /// `migue.window.proactive-sent` v1: a proactive message was allowed and counted.
        case proactiveSent(ProactiveSent)

        public var type: String {
            switch self {
            case .opened: "migue.window.opened"
            case .extended: "migue.window.extended"
            case .proactiveSent: "migue.window.proactive-sent"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .opened, .extended, .proactiveSent: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .opened(let body), .extended(let body): EventJSON.encode(body)
            case .proactiveSent(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.window.opened":
                self = .opened(try EventJSON.decode(Refreshed.self, type: type, version: version, payload: payload))
            case "migue.window.extended":
                self = .extended(try EventJSON.decode(Refreshed.self, type: type, version: version, payload: payload))
            case "migue.window.proactive-sent":
                self = .proactiveSent(
                    try EventJSON.decode(ProactiveSent.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    /// The window after a user's message, with the ends it had before (`from_…`, absent the first time).
    public struct Refreshed: Hashable, Sendable, Codable {
        public var windowID: UUID
        public var userID: UUID
        public var phoneNumber: String
        public var messageID: UUID
        public var lastUserMessageID: String
        public var fromExpiresAt: Timestamp?
        public var windowOpenedAt: Timestamp
        public var windowExpiresAt: Timestamp
        public var fromFreeEntryPointExpiresAt: Timestamp?
        public var freeEntryPointExpiresAt: Timestamp?
        public var at: Timestamp

        enum CodingKeys: String, CodingKey {
            case windowID = "window_id", userID = "user_id", phoneNumber = "phone_number", messageID = "message_id",
                lastUserMessageID = "last_user_message_id", fromExpiresAt = "from_window_expires_at",
                windowOpenedAt = "window_opened_at", windowExpiresAt = "window_expires_at",
                fromFreeEntryPointExpiresAt = "from_free_entry_point_expires_at",
                freeEntryPointExpiresAt = "free_entry_point_expires_at", at
        }
    }

    /// A proactive message counted: the day's count and last send before and after it.
    public struct ProactiveSent: Hashable, Sendable, Codable {
        public var windowID: UUID
        public var userID: UUID
        public var messageID: UUID
        public var allowedBy: Allowance
        public var fromSentToday: Int32
        public var sentToday: Int32
        public var fromLastProactiveSentAt: Timestamp?
        public var sentAt: Timestamp
        public var at: Timestamp

        enum CodingKeys: String, CodingKey {
            case windowID = "window_id", userID = "user_id", messageID = "message_id", allowedBy = "allowed_by",
                fromSentToday = "from_proactive_messages_sent_today", sentToday = "proactive_messages_sent_today",
                fromLastProactiveSentAt = "from_last_proactive_sent_at", sentAt = "last_proactive_sent_at", at
        }
    }
}
