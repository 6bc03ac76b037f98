import EventSourcing

extension Migue {
    /// The state of the migue aggregate `stream` names, at `point`, folded by its decider's `evolve`.
    ///
    /// `events` are the stream's events in version order (all of them, or at least those up to the
    /// point); older event versions are upcast as they are decoded, exactly as the service reads them.
    public static func state(of stream: StreamName, events: [RecordedEvent], at point: StatePoint = .head) throws
        -> StateSnapshot
    {
        switch stream.category {
        case "migue.user": try snapshot(User.self, stream, events, point)
        case "migue.conversation": try snapshot(Conversation.self, stream, events, point)
        case "migue.message": try snapshot(Message.self, stream, events, point)
        case "migue.reminder": try snapshot(Reminder.self, stream, events, point)
        case "migue.sendtoken": try snapshot(SendToken.self, stream, events, point)
        case "migue.window": try snapshot(MessagingWindow.self, stream, events, point)
        case "migue.flow": try snapshot(FlowSession.self, stream, events, point)
        case "migue.call": try snapshot(CallLog.self, stream, events, point)
        case "migue.interaction": try snapshot(Interaction.self, stream, events, point)
        case "migue.location": try snapshot(Location.self, stream, events, point)
        case "migue.memory": try snapshot(Memory.self, stream, events, point)
        case "migue.aiusage": try snapshot(AIUsage.self, stream, events, point)
        case "migue.scheduledmessage": try snapshot(ScheduledMessage.self, stream, events, point)
        case "migue.webhookfailure": try snapshot(WebhookFailure.self, stream, events, point)
        default: throw StateInspectionError.unknownCategory(stream.category, known: MigueStream.categories)
        }
    }

    private static func snapshot<D: Decider>(_: D.Type, _ stream: StreamName, _ events: [RecordedEvent], _ point: StatePoint)
        throws -> StateSnapshot where D.Event: MigueEvent, D.State: Encodable
    {
        try D.snapshot(of: stream, events: events, at: point) { try D.Event($0) }
    }
}
