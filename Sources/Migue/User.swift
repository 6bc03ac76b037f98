import EventSourcing
import Foundation

/// A migue user: a WhatsApp phone number with a profile, and which conversation is active.
///
/// The user's stream is also where "at most one active conversation" is decided: a conversation
/// becomes active only after its activation is claimed here with the stream's exact version.
public enum User: Decider {
    /// The active conversation and the activation (one command's move into `active`) holding it.
    public struct ActiveClaim: Hashable, Sendable, Codable {
        public var conversationID: UUID
        public var activationID: UUID

        public init(conversationID: UUID, activationID: UUID) {
            self.conversationID = conversationID
            self.activationID = activationID
        }

        enum CodingKeys: String, CodingKey {
            case conversationID = "conversation_id", activationID = "activation_id"
        }
    }

    public struct State: Hashable, Sendable, Encodable {
        public var profile: Registered?
        public var activeConversation: ActiveClaim?

        enum CodingKeys: String, CodingKey {
            case profile, activeConversation = "active_conversation"
        }
    }

    public enum Command: Hashable, Sendable {
        case register(Register)
        case updateProfile(UpdateProfile)
        /// Claims the active slot for a conversation about to become active. `holderEnded` says the
        /// current holder's activation is over (read from its conversation's stream).
        case claimActiveConversation(userID: UUID, claim: ActiveClaim, holderEnded: Bool, at: Timestamp)
        /// Frees the active slot if `claim` still holds it.
        case releaseActiveConversation(userID: UUID, claim: ActiveClaim, at: Timestamp)
    }

    public struct Register: Hashable, Sendable {
        public var phoneNumber: String
        public var name: String?
        public var preferences: JSONValue?
        public var at: Timestamp

        public init(phoneNumber: String, name: String? = nil, preferences: JSONValue? = nil, at: Timestamp) {
            self.phoneNumber = phoneNumber
            self.name = name
            self.preferences = preferences
            self.at = at
        }

        public var userID: UUID { Migue.userID(phoneNumber: phoneNumber) }
    }

    public struct UpdateProfile: Hashable, Sendable {
        public var userID: UUID
        /// The new name; nil leaves it, `.some(nil)` clears it.
        public var name: String??
        /// The new preferences; nil leaves them, `.some(nil)` clears them.
        public var preferences: JSONValue??
        public var at: Timestamp

        public init(userID: UUID, name: String?? = nil, preferences: JSONValue?? = nil, at: Timestamp) {
            self.userID = userID
            self.name = name
            self.preferences = preferences
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, FieldRejection {
        case invalidPhoneNumber(String)
        case alreadyRegistered(UUID)
        case notRegistered(UUID)
        case anotherConversationActive(user: UUID, conversation: UUID)

        public var description: String {
            switch self {
            case .invalidPhoneNumber: "phone_number \(User.notE164)"
            case .alreadyRegistered(let user): "user \(short(user)): already registered"
            case .notRegistered(let user): "user \(short(user)): not registered"
            case .anotherConversationActive(let user, let conversation):
                "user \(short(user)): conversation \(short(conversation)) is already active"
            }
        }

        public var fieldAtFault: (field: String, rule: String)? {
            guard case .invalidPhoneNumber = self else { return nil }
            return ("data.phone_number", User.notE164)
        }
    }

    public static var initial: State { State() }

    /// Whether the row would keep the same bytes. Swift's `==` on text is canonical equivalence,
    /// while the table stores bytes: an NFD "José" replacing an NFC one is a change.
    private static func sameBytes(_ one: String?, _ other: String?) -> Bool {
        guard let one, let other else { return one == nil && other == nil }
        return one.utf8.elementsEqual(other.utf8)
    }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .register(let register):
            guard isE164(register.phoneNumber) else { throw .invalidPhoneNumber(register.phoneNumber) }
            guard state.profile == nil else { throw .alreadyRegistered(register.userID) }
            return [.registered(Registered(
                userID: register.userID, phoneNumber: register.phoneNumber, name: register.name,
                preferences: register.preferences, registeredAt: register.at))]
        case .updateProfile(let update):
            guard let profile = state.profile else { throw .notRegistered(update.userID) }
            let name = update.name ?? profile.name
            let preferences = update.preferences ?? profile.preferences
            guard !sameBytes(name, profile.name) || !sameBytes(preferences?.encoded, profile.preferences?.encoded) else { return [] }
            return [.profileChanged(ProfileChanged(
                userID: update.userID, name: name, preferences: preferences, changedAt: update.at))]
        case .claimActiveConversation(let userID, let claim, let holderEnded, let at):
            guard state.profile != nil else { throw .notRegistered(userID) }
            guard let held = state.activeConversation else {
                return [.activeConversationClaimed(ClaimChanged(userID: userID, claim: claim, replaced: nil, at: at))]
            }
            if held == claim { return [] }
            guard holderEnded else { throw .anotherConversationActive(user: userID, conversation: held.conversationID) }
            return [.activeConversationClaimed(ClaimChanged(userID: userID, claim: claim, replaced: held, at: at))]
        case .releaseActiveConversation(let userID, let claim, let at):
            guard state.activeConversation == claim else { return [] }
            return [.activeConversationReleased(ClaimChanged(userID: userID, claim: claim, replaced: nil, at: at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .registered(let registered):
            state.profile = registered
        case .profileChanged(let change):
            state.profile?.name = change.name
            state.profile?.preferences = change.preferences
        case .activeConversationClaimed(let change):
            state.activeConversation = change.claim
        case .activeConversationReleased:
            state.activeConversation = nil
        }
        return state
    }

    /// The rule a phone number breaks when it is not E.164.
    static let notE164 = "is not E.164 (a + and 8 to 15 digits, the first not 0)"

    /// Whether `text` matches `^[+][1-9][0-9]{7,14}$`, the seed's `chk_phone_e164`.
    public static func isE164(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (9...16).contains(scalars.count), scalars[0] == "+", ("1"..."9").contains(scalars[1]) else { return false }
        return scalars.dropFirst(2).allSatisfy { ("0"..."9").contains($0) }
    }
}
