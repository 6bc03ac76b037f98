import EventSourcing
import Foundation

/// Flows, calls and the record-keeping tables: each command writes one stream, after its references
/// are checked (users and conversations are never removed, so a read is enough).
extension Context {
    func runRecord(_ command: MigueCommand) async throws -> [WrittenBatch] {
        switch command {
        case .createFlow(let create):
            try await requireOwner(user: create.userID, conversation: create.conversationID)
            return try await decideAndAppend(FlowSession.self, .create(create), to: MigueStream.flow(create.flowSessionID), batch: "flow")
        case .changeFlowStatus(let change):
            return try await decideAndAppend(
                FlowSession.self, .changeStatus(change), to: MigueStream.flow(change.flowSessionID), batch: "flow")
        case .initiateCall(let initiate):
            try await requireOwner(user: initiate.userID, conversation: initiate.conversationID)
            return try await decideAndAppend(CallLog.self, .initiate(initiate), to: MigueStream.call(initiate.callLogID), batch: "call")
        case .changeCallStatus(let change):
            return try await decideAndAppend(CallLog.self, .changeStatus(change), to: MigueStream.call(change.callLogID), batch: "call")
        case .recordInteraction(let record):
            try await requireOwner(user: record.userID, conversation: record.conversationID)
            return try await decideAndAppend(
                Interaction.self, .record(record), to: MigueStream.interaction(record.interactionID), batch: "interaction")
        case .recordLocation(let record):
            try await requireOwner(user: record.userID, conversation: record.conversationID)
            return try await decideAndAppend(Location.self, .record(record), to: MigueStream.location(record.locationID), batch: "location")
        case .recordMemory(let record):
            try await requireUser(record.userID)
            return try await decideAndAppend(Memory.self, .record(record), to: MigueStream.memory(record.memoryID), batch: "memory")
        case .recordAIUsage(let record):
            try await requireOwner(user: record.userID, conversation: record.conversationID)
            return try await decideAndAppend(AIUsage.self, .record(record), to: MigueStream.aiUsage(record.usageID), batch: "usage")
        case .scheduleMessage(var schedule):
            // A message of a conversation is its user's, named or not: the row's owner (RLS) and phone.
            if schedule.userID == nil, let conversationID = schedule.conversationID {
                schedule.userID = try await load(Conversation.self, MigueStream.conversation(conversationID)).state.started?.userID
            }
            let user = try await requireOwner(user: schedule.userID, conversation: schedule.conversationID)
            if let user, User.isE164(schedule.phoneNumber), user.phoneNumber != schedule.phoneNumber {
                throw Rejected(rejection: CommandRejection(ScheduledMessage.Rejection.notTheUsersPhone(
                    schedule.scheduledMessageID, user: user.userID, phoneNumber: schedule.phoneNumber)))
            }
            return try await decideAndAppend(
                ScheduledMessage.self, .schedule(schedule), to: MigueStream.scheduledMessage(schedule.scheduledMessageID),
                batch: "scheduled")
        case .changeScheduledMessageStatus(let change):
            return try await decideAndAppend(
                ScheduledMessage.self, .changeStatus(change), to: MigueStream.scheduledMessage(change.scheduledMessageID),
                batch: "scheduled")
        case .recordWebhookFailure(let record):
            return try await decideAndAppend(
                WebhookFailure.self, .record(record), to: MigueStream.webhookFailure(record.webhookFailureID), batch: "failure")
        case .changeWebhookFailureStatus(let change):
            return try await decideAndAppend(
                WebhookFailure.self, .changeStatus(change), to: MigueStream.webhookFailure(change.webhookFailureID),
                batch: "failure")
        case .registerUser, .updateProfile, .startConversation, .changeConversationStatus, .recordMessage, .createReminder,
            .changeReminderStatus, .rescheduleReminder:
            preconditionFailure("\(command) is run by Context.run")
        }
    }

    /// Rejects unless the user (when given) is registered, the conversation (when given) started,
    /// and, when both are given, the conversation is the user's. Returns the user's registration.
    @discardableResult
    func requireOwner(user userID: UUID?, conversation conversationID: UUID?) async throws -> User.Registered? {
        var user: User.Registered?
        if let userID {
            user = try await load(User.self, MigueStream.user(userID)).state.profile
            guard user != nil else { throw Rejected(rejection: CommandRejection(User.Rejection.notRegistered(userID))) }
        }
        if let conversationID {
            guard let started = try await load(Conversation.self, MigueStream.conversation(conversationID)).state.started else {
                throw Rejected(rejection: CommandRejection(Conversation.Rejection.notStarted(conversationID)))
            }
            if let userID, started.userID != userID {
                throw Rejected(rejection: CommandRejection(Conversation.Rejection.ofAnotherUser(conversationID, user: userID)))
            }
        }
        return user
    }
}
