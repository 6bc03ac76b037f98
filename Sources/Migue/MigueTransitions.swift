import EventSourcing

/// The moves of migue's state machines, read back from the log through each aggregate's own
/// event decoder (with its upcasters), for `parley audit`.
public enum MigueTransitions {
    /// The categories whose streams move through states; no other category holds a transition.
    public static let categories = [
        "migue.conversation", "migue.reminder", "migue.flow", "migue.call", "migue.scheduledmessage", "migue.webhookfailure",
    ]

    /// The move `event` records, or nil when it records none (a creation, a reschedule, or an
    /// event of another category). An event of these categories that this code cannot read (an
    /// unknown type, a schema version from the future, a payload that does not decode) is an
    /// error, never passed over.
    public static func transition(of event: RecordedEvent) throws(EventDecodingError) -> Transition? {
        func move<S: RawRepresentable<String>>(_ from: S, _ to: S) -> Transition {
            Transition(event, from: from.rawValue, to: to.rawValue)
        }
        switch event.stream.category {
        case "migue.conversation":
            if case .statusChanged(let change) = try Conversation.Event(event) { return move(change.from, change.to) }
        case "migue.reminder":
            if case .statusChanged(let change) = try Reminder.Event(event) { return move(change.from, change.to) }
        case "migue.flow":
            if case .statusChanged(let change) = try FlowSession.Event(event) { return move(change.from, change.to) }
        case "migue.call":
            if case .statusChanged(let change) = try CallLog.Event(event) { return move(change.from, change.to) }
        case "migue.scheduledmessage":
            if case .statusChanged(let change) = try ScheduledMessage.Event(event) { return move(change.from, change.to) }
        case "migue.webhookfailure":
            if case .statusChanged(let change) = try WebhookFailure.Event(event) { return move(change.from, change.to) }
        default:
            return nil
        }
        return nil
    }
}
