import EventSourcing

/// Payloads encoded while a command is prepared, for the events it produces if its stream is new.
///
/// Most commands create a stream (a message, a reminder, a location). What they append then
/// depends on the command alone, so preparing, which runs ahead on another core, decides them
/// against the initial state and encodes the payloads. The handler still decides on the state it
/// loads; it takes a prepared payload only for an event equal to the one prepared, so the bytes
/// are always those `payload` would write.
struct PreparedPayloads: Sendable {
    private var entries: [(event: any MigueEvent, payload: [UInt8])] = []

    init() {}

    init(_ command: MigueCommand) {
        entries = command.eventsOnANewStream.map { ($0, $0.payload) }
    }

    /// The prepared payload of `event`, when one was prepared for an equal event.
    func payload<Event: MigueEvent>(of event: Event) -> [UInt8]? {
        for entry in entries {
            if let prepared = entry.event as? Event, prepared == event { return entry.payload }
        }
        return nil
    }
}

extension MigueCommand {
    /// The events this command produces on its main stream when that stream is new; empty for the
    /// commands that move an existing stream or touch several.
    var eventsOnANewStream: [any MigueEvent] {
        switch self {
        case .registerUser(let register): (try? User.decide(.register(register), User.initial)) ?? []
        case .recordMessage(let record): (try? Message.decide(.record(record), Message.initial)) ?? []
        case .createReminder(let create): (try? Reminder.decide(.create(create), Reminder.initial)) ?? []
        case .createFlow(let create): (try? FlowSession.decide(.create(create), FlowSession.initial)) ?? []
        case .initiateCall(let initiate): (try? CallLog.decide(.initiate(initiate), CallLog.initial)) ?? []
        case .recordInteraction(let record): (try? Interaction.decide(.record(record), Interaction.initial)) ?? []
        case .recordLocation(let record): (try? Location.decide(.record(record), Location.initial)) ?? []
        case .recordMemory(let record): (try? Memory.decide(.record(record), Memory.initial)) ?? []
        case .recordAIUsage(let record): (try? AIUsage.decide(.record(record), AIUsage.initial)) ?? []
        case .scheduleMessage(let schedule): (try? ScheduledMessage.decide(.schedule(schedule), ScheduledMessage.initial)) ?? []
        case .recordWebhookFailure(let record): (try? WebhookFailure.decide(.record(record), WebhookFailure.initial)) ?? []
        case .updateProfile, .startConversation, .changeConversationStatus, .changeReminderStatus, .rescheduleReminder, .changeFlowStatus,
            .changeCallStatus, .changeScheduledMessageStatus, .changeWebhookFailureStatus:
            []
        }
    }
}
