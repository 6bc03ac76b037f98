import EventSourcing
import Foundation

/// A reminder's send token, unique across reminders: its stream records the one reminder holding it.
///
/// The token is claimed before the reminder moves to `sent`. A claim whose reminder then failed to
/// move stays with that reminder: a token is one send attempt's id, so a new attempt brings a new one.
public enum SendToken: Decider {
    public struct State: Hashable, Sendable, Encodable {
        public var holder: UUID?
    }

    public enum Command: Hashable, Sendable {
        case claim(token: UUID, reminderID: UUID, at: Timestamp)
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case taken(UUID, by: UUID)

        public var description: String {
            switch self {
            case .taken(let token, let reminder): "send_token \(short(token)) already belongs to reminder \(short(reminder))"
            }
        }
    }

    public enum Event: MigueEvent {
        /// `migue.send-token.claimed` v1.
        case claimed(Claimed)

        public var type: String {
            switch self {
            case .claimed: "migue.send-token.claimed"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .claimed: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .claimed(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.send-token.claimed":
                self = .claimed(try EventJSON.decode(Claimed.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Claimed: Hashable, Sendable, Codable {
        public var sendToken: UUID
        public var reminderID: UUID
        public var claimedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case sendToken = "send_token", reminderID = "reminder_id", claimedAt = "claimed_at"
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .claim(let token, let reminderID, let at):
            switch state.holder {
            case nil: return [.claimed(Claimed(sendToken: token, reminderID: reminderID, claimedAt: at))]
            case reminderID: return []
            case let holder?: throw .taken(token, by: holder)
            }
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .claimed(let claimed): State(holder: claimed.reminderID)
        }
    }
}
