import EventSourcing
import Foundation

/// A user's WhatsApp customer service window, after WhatsApp's published 24-hour rule.
///
/// A message from the user opens the window, or extends it, until 24 hours after that message; a
/// message that arrived through a free entry point (a click-to-WhatsApp ad or a Page button) also
/// opens a 72-hour free entry point window. A proactive message (one the business starts) may be
/// sent only while one of the two is open, and is counted per UTC day. One stream per user, written
/// by `MigueService` as part of recording the message; `Specs/migue.md` gives the rules.
public enum MessagingWindow: Decider {
    /// How long a user's message keeps the customer service window open, in seconds.
    public static let serviceWindowSeconds: Int64 = 24 * 3600
    /// How long a free entry point stays open after the user's message, in seconds.
    public static let freeEntryPointSeconds: Int64 = 72 * 3600

    /// Which open window allowed a proactive message.
    public enum Allowance: String, Hashable, Sendable, Codable, CaseIterable {
        case serviceWindow = "service_window", freeEntryPoint = "free_entry_point"
    }

    public struct State: Hashable, Sendable, Encodable {
        public var phoneNumber: String?
        public var openedAt: Timestamp?
        public var expiresAt: Timestamp?
        public var lastUserMessageAt: Timestamp?
        /// The user's message that moved the window last (its `wa_message_id`, else migue's id).
        public var lastUserMessageID: String?
        public var freeEntryPointExpiresAt: Timestamp?
        public var sentToday: Int32 = 0
        public var lastProactiveSentAt: Timestamp?
        /// The proactive messages counted on the day of `lastProactiveSentAt`.
        public var countedToday: Set<UUID> = []
        /// The window's id, kept from its first event so that deciding does not derive it again.
        public var windowID: UUID?

        enum CodingKeys: String, CodingKey {
            case phoneNumber = "phone_number", openedAt = "window_opened_at", expiresAt = "window_expires_at",
                lastUserMessageAt = "last_user_message_at", lastUserMessageID = "last_user_message_id", freeEntryPointExpiresAt = "free_entry_point_expires_at",
                sentToday = "proactive_messages_sent_today", lastProactiveSentAt = "last_proactive_sent_at",
                countedToday = "counted_today"
        }

        /// As synthesised, but the set of counted messages in order, so equal states give equal JSON.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(phoneNumber, forKey: .phoneNumber)
            try container.encodeIfPresent(openedAt, forKey: .openedAt)
            try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
            try container.encodeIfPresent(lastUserMessageAt, forKey: .lastUserMessageAt)
            try container.encodeIfPresent(lastUserMessageID, forKey: .lastUserMessageID)
            try container.encodeIfPresent(freeEntryPointExpiresAt, forKey: .freeEntryPointExpiresAt)
            try container.encode(sentToday, forKey: .sentToday)
            try container.encodeIfPresent(lastProactiveSentAt, forKey: .lastProactiveSentAt)
            try container.encode(countedToday.sorted { $0.uuidString < $1.uuidString }, forKey: .countedToday)
        }
    }

    public enum Command: Hashable, Sendable {
        case receive(Receive)
        case sendProactive(SendProactive)
    }

    /// A message from the user.
    public struct Receive: Hashable, Sendable {
        public var userID: UUID
        public var phoneNumber: String
        public var messageID: UUID
        /// What `last_user_message_id` records: the WhatsApp id, else migue's message id.
        public var userMessageID: String
        public var timestamp: Timestamp
        public var freeEntryPoint: Bool
        public var at: Timestamp

        public init(
            userID: UUID, phoneNumber: String, messageID: UUID, userMessageID: String, timestamp: Timestamp,
            freeEntryPoint: Bool = false, at: Timestamp
        ) {
            self.userID = userID
            self.phoneNumber = phoneNumber
            self.messageID = messageID
            self.userMessageID = userMessageID
            self.timestamp = timestamp
            self.freeEntryPoint = freeEntryPoint
            self.at = at
        }
    }

    /// A message the business starts, not a reply.
    public struct SendProactive: Hashable, Sendable {
        public var userID: UUID
        public var messageID: UUID
        public var timestamp: Timestamp
        public var at: Timestamp

        public init(userID: UUID, messageID: UUID, timestamp: Timestamp, at: Timestamp) {
            self.userID = userID
            self.messageID = messageID
            self.timestamp = timestamp
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case closed(user: UUID, at: Timestamp, closedAt: Timestamp?)
        case beforeLastProactive(user: UUID, at: Timestamp, last: Timestamp)
        /// Timestamped before the user's window opened (and no free entry point held then).
        case beforeOpened(user: UUID, at: Timestamp, openedAt: Timestamp)

        public var description: String {
            switch self {
            case .closed(let user, let at, let closedAt):
                "user \(short(user)): no customer service window or free entry point is open at \(at) ("
                    + (closedAt.map { "the last one closed at \($0)" } ?? "the user never wrote") + ")"
            case .beforeLastProactive(let user, let at, let last):
                "user \(short(user)): a proactive message at \(at) is before the last one, at \(last)"
            case .beforeOpened(let user, let at, let opened):
                "user \(short(user)): a proactive message at \(at) is before the user's window opened, at \(opened)"
            }
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .receive(let receive):
            // A late message changes nothing, nor does the last one delivered again. WhatsApp stamps
            // whole seconds: another message of the same second moves the window as a later one.
            if let last = state.lastUserMessageAt,
                receive.timestamp < last || (receive.timestamp == last && receive.userMessageID == state.lastUserMessageID)
            {
                return []
            }
            let expiresAt = receive.timestamp.adding(seconds: serviceWindowSeconds)
            var freeEntryPoint = state.freeEntryPointExpiresAt
            if receive.freeEntryPoint {
                let opened = receive.timestamp.adding(seconds: freeEntryPointSeconds)
                freeEntryPoint = max(opened, freeEntryPoint ?? opened)
            }
            let open = state.expiresAt.map { receive.timestamp < $0 } ?? false
            let refreshed = Refreshed(
                windowID: state.windowID ?? Migue.windowID(userID: receive.userID), userID: receive.userID,
                phoneNumber: state.phoneNumber ?? receive.phoneNumber, messageID: receive.messageID,
                lastUserMessageID: receive.userMessageID, fromExpiresAt: state.expiresAt,
                windowOpenedAt: open ? state.openedAt ?? receive.timestamp : receive.timestamp, windowExpiresAt: expiresAt,
                fromFreeEntryPointExpiresAt: state.freeEntryPointExpiresAt, freeEntryPointExpiresAt: freeEntryPoint,
                at: receive.at)
            return [open ? .extended(refreshed) : .opened(refreshed)]
        case .sendProactive(let send):
            if state.countedToday.contains(send.messageID) { return [] }
            let allowance = try allowance(at: send.timestamp, user: send.userID, state)
            if let last = state.lastProactiveSentAt, send.timestamp < last {
                throw .beforeLastProactive(user: send.userID, at: send.timestamp, last: last)
            }
            let sameDay = state.lastProactiveSentAt.map { utcDay($0) == utcDay(send.timestamp) } ?? false
            return [.proactiveSent(ProactiveSent(
                windowID: state.windowID ?? Migue.windowID(userID: send.userID), userID: send.userID, messageID: send.messageID,
                allowedBy: allowance, fromSentToday: state.sentToday, sentToday: sameDay ? state.sentToday + 1 : 1,
                fromLastProactiveSentAt: state.lastProactiveSentAt, sentAt: send.timestamp, at: send.at))]
        }
    }

    /// Which window is open at `time`: the service window from its opening to its expiry, else the
    /// free entry point from the user's message that opened it (72 hours before its expiry).
    /// Only the latest of each is known, as the table keeps it.
    private static func allowance(at time: Timestamp, user: UUID, _ state: State) throws(Rejection) -> Allowance {
        if let opened = state.openedAt, let expires = state.expiresAt, opened <= time, time < expires { return .serviceWindow }
        if let expires = state.freeEntryPointExpiresAt, expires.adding(seconds: -freeEntryPointSeconds) <= time, time < expires {
            return .freeEntryPoint
        }
        if let opened = state.openedAt, time < opened { throw .beforeOpened(user: user, at: time, openedAt: opened) }
        let closes = [state.expiresAt, state.freeEntryPointExpiresAt].compactMap { $0 }
        throw .closed(user: user, at: time, closedAt: closes.max())
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .opened(let refreshed), .extended(let refreshed):
            state.windowID = refreshed.windowID
            state.phoneNumber = refreshed.phoneNumber
            state.openedAt = refreshed.windowOpenedAt
            state.expiresAt = refreshed.windowExpiresAt
            state.lastUserMessageAt = refreshed.windowExpiresAt.adding(seconds: -serviceWindowSeconds)
            state.lastUserMessageID = refreshed.lastUserMessageID
            state.freeEntryPointExpiresAt = refreshed.freeEntryPointExpiresAt
        case .proactiveSent(let sent):
            state.windowID = sent.windowID
            if sent.sentToday == 1 { state.countedToday = [] }
            state.countedToday.insert(sent.messageID)
            state.sentToday = sent.sentToday
            state.lastProactiveSentAt = sent.sentAt
        }
        return state
    }
}
