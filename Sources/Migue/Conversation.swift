import EventSourcing
import Foundation

/// A conversation between a user and the assistant: active, archived or closed.
///
/// Moving into `active` is also claimed in the user's stream (see `User.ActiveClaim`), which keeps
/// at most one conversation per user active; `MigueService` does both appends.
public enum Conversation: Decider {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case active, archived, closed
    }

    public struct State: Hashable, Sendable, Encodable {
        public var started: Started?
        public var status: Status?
        /// The activation holding the conversation active, when it is.
        public var activation: UUID?
        /// Activations that ended: a user's claim naming one of them is stale and may be taken over.
        public var endedActivations: Set<UUID> = []

        enum CodingKeys: String, CodingKey {
            case started, status, activation, endedActivations = "ended_activations"
        }

        /// As synthesised, but the ended activations in order, so equal states give equal JSON.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(started, forKey: .started)
            try container.encodeIfPresent(status, forKey: .status)
            try container.encodeIfPresent(activation, forKey: .activation)
            try container.encode(endedActivations.sorted { $0.uuidString < $1.uuidString }, forKey: .endedActivations)
        }
    }

    public enum Command: Hashable, Sendable {
        case start(Start)
        case changeStatus(ChangeStatus)
    }

    public struct Start: Hashable, Sendable {
        public var conversationID: UUID
        public var userID: UUID
        public var waConversationID: String?
        public var status: Status
        /// The id this command's move into `active` takes, when it starts active.
        public var activationID: UUID
        public var at: Timestamp

        public init(
            conversationID: UUID, userID: UUID, waConversationID: String? = nil, status: Status = .active,
            activationID: UUID, at: Timestamp
        ) {
            self.conversationID = conversationID
            self.userID = userID
            self.waConversationID = waConversationID
            self.status = status
            self.activationID = activationID
            self.at = at
        }
    }

    public struct ChangeStatus: Hashable, Sendable {
        public var conversationID: UUID
        public var to: Status
        public var activationID: UUID
        public var at: Timestamp

        public init(conversationID: UUID, to: Status, activationID: UUID, at: Timestamp) {
            self.conversationID = conversationID
            self.to = to
            self.activationID = activationID
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyStarted(UUID)
        case notStarted(UUID)
        case waConversationIDTooLong(String)
        case invalidTransition(UUID, from: Status, to: Status)
        case ofAnotherUser(UUID, user: UUID)

        public var description: String {
            switch self {
            case .alreadyStarted(let id): "conversation \(short(id)): already started"
            case .notStarted(let id): "conversation \(short(id)): not started"
            case .waConversationIDTooLong(let wa):
                "wa_conversation_id \(CommandRejection.quoted(wa, limit: 16)) is longer than \(Migue.maxWhatsAppIDLength) characters"
            case .invalidTransition(let id, let from, let to):
                "conversation \(short(id)): cannot go from \(from.rawValue) to \(to.rawValue)"
            case .ofAnotherUser(let id, let user): "conversation \(short(id)): is not a conversation of user \(short(user))"
            }
        }
    }

    /// The moves a conversation may make; `closed` is final.
    public static let transitions: Set<[Status]> = [
        [.active, .archived], [.active, .closed], [.archived, .active], [.archived, .closed],
    ]

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .start(let start):
            guard state.started == nil else { throw .alreadyStarted(start.conversationID) }
            guard !exceeds(start.waConversationID, Migue.maxWhatsAppIDLength) else {
                throw .waConversationIDTooLong(start.waConversationID ?? "")
            }
            return [.started(Started(
                conversationID: start.conversationID, userID: start.userID, waConversationID: start.waConversationID,
                status: start.status, activationID: start.status == .active ? start.activationID : nil,
                startedAt: start.at))]
        case .changeStatus(let change):
            guard let started = state.started, let from = state.status else { throw .notStarted(change.conversationID) }
            guard transitions.contains([from, change.to]) else {
                throw .invalidTransition(change.conversationID, from: from, to: change.to)
            }
            return [.statusChanged(StatusChanged(
                conversationID: change.conversationID, userID: started.userID, from: from, to: change.to,
                activationID: change.to == .active ? change.activationID : nil, changedAt: change.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        var state = state
        switch event {
        case .started(let started):
            state.started = started
            state.status = started.status
            state.activation = started.activationID
        case .statusChanged(let change):
            if let ended = state.activation, change.to != .active { state.endedActivations.insert(ended) }
            state.status = change.to
            state.activation = change.activationID
        }
        return state
    }
}

extension [Conversation.Event] {
    /// The activation these events move their conversation into, if they do.
    var activation: UUID? {
        lazy.compactMap { event in
            switch event {
            case .started(let started): started.activationID
            case .statusChanged(let change): change.activationID
            }
        }.first
    }

    /// The activation these events end, given the state before them.
    func endedActivation(from state: Conversation.State) -> UUID? {
        contains { if case .statusChanged(let change) = $0 { change.from == .active } else { false } }
            ? state.activation : nil
    }
}
