import EventSourcing
import Foundation

extension User {
    public enum Event: MigueEvent {
        /// `migue.user.registered` v1.
        case registered(Registered)
        /// `migue.user.profile-changed` v1: the profile after the change.
        case profileChanged(ProfileChanged)
        /// `migue.user.active-conversation-claimed` v1.
        case activeConversationClaimed(ClaimChanged)
        /// `migue.user.active-conversation-released` v1.
        case activeConversationReleased(ClaimChanged)

        public var type: String {
            switch self {
            case .registered: "migue.user.registered"
            case .profileChanged: "migue.user.profile-changed"
            case .activeConversationClaimed: "migue.user.active-conversation-claimed"
            case .activeConversationReleased: Self.releasedType
            }
        }

        /// The type name of `activeConversationReleased`.
        static let releasedType = "migue.user.active-conversation-released"

        public var schemaVersion: UInt16 {
            switch self {
            case .registered, .profileChanged, .activeConversationClaimed, .activeConversationReleased: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .registered(let body): EventJSON.encode(body)
            case .profileChanged(let body): EventJSON.encode(body)
            case .activeConversationClaimed(let body), .activeConversationReleased(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.user.registered":
                self = .registered(try EventJSON.decode(Registered.self, type: type, version: version, payload: payload))
            case "migue.user.profile-changed":
                self = .profileChanged(
                    try EventJSON.decode(ProfileChanged.self, type: type, version: version, payload: payload))
            case "migue.user.active-conversation-claimed":
                self = .activeConversationClaimed(
                    try EventJSON.decode(ClaimChanged.self, type: type, version: version, payload: payload))
            case "migue.user.active-conversation-released":
                self = .activeConversationReleased(
                    try EventJSON.decode(ClaimChanged.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Registered: Hashable, Sendable, Codable {
        public var userID: UUID
        public var phoneNumber: String
        public var name: String?
        public var preferences: JSONValue?
        public var registeredAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", phoneNumber = "phone_number", name, preferences, registeredAt = "registered_at"
        }
    }

    public struct ProfileChanged: Hashable, Sendable, Codable {
        public var userID: UUID
        public var name: String?
        public var preferences: JSONValue?
        public var changedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", name, preferences, changedAt = "changed_at"
        }
    }

    /// A claim of the active slot (or its release); `replaced` is the ended claim a new one took over.
    public struct ClaimChanged: Hashable, Sendable, Codable {
        public var userID: UUID
        public var claim: ActiveClaim
        public var replaced: ActiveClaim?
        public var at: Timestamp

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", claim, replaced, at
        }
    }
}
