import EventSourcing
import Foundation

/// Recording a message, and the user's messaging window it opens, extends or is checked against.
///
/// The window's events go first (batch `window`), then the message (batch `message`). Deciding
/// the window again for the same message changes nothing (a user's message no later than the last
/// one; a proactive message whose window event this command already stored, even on another day),
/// so a command that stopped between the two appends completes when submitted again, and a retry
/// after a conflict appends the window once.
extension Context {
    func recordMessage(_ record: Message.Record) async throws -> [WrittenBatch] {
        let conversation = try await load(Conversation.self, MigueStream.conversation(record.conversationID))
        guard let userID = conversation.state.started?.userID else {
            throw Rejected(rejection: CommandRejection(Conversation.Rejection.notStarted(record.conversationID)))
        }
        let stream = MigueStream.message(record.messageID)
        var written: [WrittenBatch] = []
        for attempt in 0..<service.maxAttempts {
            try await backOff(before: attempt)
            let message = try await load(Message.self, stream)
            let events = try decide(Message.self, .record(record), message.state)
            // Recorded by another command: this one reports the window batch it wrote, in this
            // submission (before a conflict) or in an earlier one that stopped before its message.
            if events.isEmpty {
                guard written.isEmpty, let window = try await storedBatch("window") else { return written }
                return [window]
            }
            if written.isEmpty, let command = try await windowCommand(for: record, userID: userID), try await !windowBatchStored(command) {
                written += try await decideAndAppend(MessagingWindow.self, command, to: MigueStream.window(userID), batch: "window")
            }
            guard let batch = try await append(events, after: message, to: stream, batch: "message") else { continue }
            return written + [batch]
        }
        throw ContentionError(stream: stream, attempts: service.maxAttempts)
    }

    /// Whether this command counted its proactive message in the window before it stopped. The
    /// window's own memory of it (`countedToday`) ends with the UTC day, and a later proactive
    /// message would then make it refuse this one as out of order: the command's window event in
    /// the log is what says.
    private func windowBatchStored(_ command: MessagingWindow.Command) async throws -> Bool {
        guard case .sendProactive = command else { return false }
        return try await store.position(of: eventID(batch: "window", index: 0)) != nil
    }

    /// What the message means to its user's window: a user's message, a proactive one, or nothing.
    private func windowCommand(for record: Message.Record, userID: UUID) async throws -> MessagingWindow.Command? {
        switch record.direction {
        case .inbound:
            guard let phone = try await load(User.self, MigueStream.user(userID)).state.profile?.phoneNumber else {
                throw Rejected(rejection: CommandRejection(User.Rejection.notRegistered(userID)))
            }
            return .receive(MessagingWindow.Receive(
                userID: userID, phoneNumber: phone, messageID: record.messageID,
                userMessageID: record.waMessageID ?? record.messageID.lowercasedText, timestamp: record.timestamp,
                freeEntryPoint: record.freeEntryPoint, at: at))
        case .outbound:
            guard record.proactive else { return nil }
            return .sendProactive(MessagingWindow.SendProactive(
                userID: userID, messageID: record.messageID, timestamp: record.timestamp, at: at))
        }
    }
}
