import EventSourcing
import Foundation

/// At most one active conversation per user, under concurrent commands.
///
/// A move into `active` first claims the user's active slot (`User.ActiveClaim`, appended to the
/// user's stream with its exact version), then appends to the conversation's stream. A move out of
/// `active` appends to the conversation first, then releases the slot. So in log order a
/// conversation's activation always follows the end of the previous one, and the projection's
/// unique index on active conversations never sees two. `Specs/migue.md` gives the argument in full.
extension Context {
    func moveConversation(_ command: Conversation.Command, id: UUID) async throws -> [WrittenBatch] {
        let stream = MigueStream.conversation(id)
        let ours = Migue.activationID(command: envelope.id)
        var written: [WrittenBatch] = []
        for attempt in 0..<service.maxAttempts {
            try await backOff(before: attempt)
            let conversation = try await load(Conversation.self, stream)
            let userID: UUID? =
                switch command {
                case .start(let start): start.userID
                case .changeStatus: conversation.state.started?.userID
                }
            let user = try await userID.asyncMap { try await load(User.self, MigueStream.user($0)) }
            let events: [Conversation.Event]
            do {
                events = try decide(Conversation.self, command, conversation.state)
            } catch {
                if let userID, let user, user.state.activeConversation?.activationID == ours {
                    _ = try await release(userID, User.ActiveClaim(conversationID: id, activationID: ours), batch: "abandon")
                }
                throw error
            }
            guard let userID, let user else {
                throw Rejected(rejection: CommandRejection(Conversation.Rejection.notStarted(id)))
            }
            guard user.state.profile != nil else {
                throw Rejected(rejection: CommandRejection(User.Rejection.notRegistered(userID)))
            }
            if let activation = events.activation {
                let claim = User.ActiveClaim(conversationID: id, activationID: activation)
                let holderEnded = try await hasEnded(user.state.activeConversation, besides: claim, current: conversation)
                let claimEvents = try decide(
                    User.self, .claimActiveConversation(userID: userID, claim: claim, holderEnded: holderEnded, at: at),
                    user.state)
                if !claimEvents.isEmpty {
                    guard let batch = try await append(claimEvents, after: user, to: MigueStream.user(userID), batch: "claim")
                    else { continue }
                    written.append(batch)
                }
            }
            guard let batch = try await append(events, after: conversation, to: stream, batch: "conversation")
            else { continue }
            written.append(batch)
            if let ended = events.endedActivation(from: conversation.state) {
                written += try await release(userID, User.ActiveClaim(conversationID: id, activationID: ended), batch: "release")
            }
            return written
        }
        throw ContentionError(stream: stream, attempts: service.maxAttempts)
    }

    /// Releases the user's slot if it is still held by an activation that `command`'s conversation
    /// has ended: the release an earlier submission stopped before (contention, a crash), which
    /// comes after the batch that marks the command as submitted. Not when that submission wrote
    /// its release: its ids are taken, and the slot is another command's business then.
    func releaseLeftHeld(by command: MigueCommand, earlier: [WrittenBatch]) async throws -> [WrittenBatch] {
        guard case .changeConversationStatus(let change) = command,
            !earlier.contains(where: { $0.eventTypes.contains(User.Event.releasedType) })
        else { return [] }
        let conversation = try await load(Conversation.self, MigueStream.conversation(change.conversationID)).state
        guard let userID = conversation.started?.userID else { return [] }
        let user = try await load(User.self, MigueStream.user(userID)).state
        guard let held = user.activeConversation, held.conversationID == change.conversationID,
            conversation.endedActivations.contains(held.activationID)
        else { return [] }
        return try await release(userID, held, batch: "release")
    }

    /// Whether the activation holding the slot is over: it appeared in its conversation and ended.
    private func hasEnded(_ held: User.ActiveClaim?, besides claim: User.ActiveClaim, current: Loaded<Conversation>)
        async throws -> Bool
    {
        guard let held, held != claim else { return false }
        let holder =
            held.conversationID == claim.conversationID
            ? current.state : try await load(Conversation.self, MigueStream.conversation(held.conversationID)).state
        return holder.endedActivations.contains(held.activationID)
    }

    /// Frees the user's active slot if `claim` still holds it.
    private func release(_ userID: UUID, _ claim: User.ActiveClaim, batch label: String) async throws -> [WrittenBatch] {
        try await decideAndAppend(
            User.self, .releaseActiveConversation(userID: userID, claim: claim, at: at), to: MigueStream.user(userID),
            batch: label)
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
