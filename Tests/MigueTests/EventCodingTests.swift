import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Every event type: its stable name, its current schema version, and a payload that decodes to itself.
@Suite struct EventCodingTests {
    typealias F = Fixture

    /// `event` has `type` and `version`, decodes to itself at that version, and a later version is an error.
    static func check<E: MigueEvent>(
        _ event: E, _ type: String, version: UInt16 = 1, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let decoded = try? E(type: event.type, version: event.schemaVersion, payload: event.payload)
        #expect(event.type == type, sourceLocation: sourceLocation)
        #expect(event.schemaVersion == version, sourceLocation: sourceLocation)
        #expect(decoded == event, sourceLocation: sourceLocation)
        #expect(throws: EventDecodingError.self, sourceLocation: sourceLocation) {
            try E(type: event.type, version: event.schemaVersion + 1, payload: event.payload)
        }
        #expect(throws: EventDecodingError.self, sourceLocation: sourceLocation) {
            try E(type: type + "-unknown", version: 1, payload: event.payload)
        }
    }

    /// One event of every type, with the type and version it must have.
    static let samples: [(event: any MigueEvent, type: String, version: UInt16)] = {
        var samples: [(event: any MigueEvent, type: String, version: UInt16)] = []
        func add(_ event: any MigueEvent, _ type: String, version: UInt16 = 1) { samples.append((event, type, version)) }
        add(F.registered(), "migue.user.registered")
        add(User.Event.profileChanged(User.ProfileChanged(userID: F.userID, name: "Ana", preferences: ["a": 1], changedAt: F.t0)),
            "migue.user.profile-changed")
        let claim = User.ClaimChanged(userID: F.userID, claim: User.ActiveClaim(conversationID: F.id("c"), activationID: F.id("a")), at: F.t0)
        add(User.Event.activeConversationClaimed(claim), "migue.user.active-conversation-claimed")
        add(User.Event.activeConversationReleased(claim), "migue.user.active-conversation-released")
        add(MessageTests.recorded(MessageTests.record()), "migue.message.recorded", version: 2)
        add(Conversation.Event.started(Conversation.Started(
            conversationID: F.id("c"), userID: F.userID, status: .active, activationID: F.id("a"), startedAt: F.t0)),
            "migue.conversation.started")
        add(Conversation.Event.statusChanged(Conversation.StatusChanged(
            conversationID: F.id("c"), userID: F.userID, from: .active, to: .closed, changedAt: F.t0)),
            "migue.conversation.status-changed")
        add(Reminder.Event.created(Reminder.Created(
            reminderID: F.id("r"), userID: F.userID, title: "t", scheduledTime: F.t0, status: .pending, createdAt: F.t0)),
            "migue.reminder.created")
        add(Reminder.Event.statusChanged(Reminder.StatusChanged(
            reminderID: F.id("r"), from: .pending, to: .sent, sendToken: F.id("t"), changedAt: F.t0)),
            "migue.reminder.status-changed")
        add(Reminder.Event.rescheduled(Reminder.Rescheduled(
            reminderID: F.id("r"), previousScheduledTime: F.t0, scheduledTime: F.time(60), changedAt: F.t0)),
            "migue.reminder.rescheduled")
        add(SendToken.Event.claimed(SendToken.Claimed(sendToken: F.id("t"), reminderID: F.id("r"), claimedAt: F.t0)),
            "migue.send-token.claimed")
        let refreshed = ProjectorWhatsAppTests.refreshed(from: F.time(-5), fep: F.time(100))
        add(MessagingWindow.Event.opened(refreshed), "migue.window.opened")
        add(MessagingWindow.Event.extended(refreshed), "migue.window.extended")
        add(MessagingWindow.Event.proactiveSent(MessagingWindow.ProactiveSent(
            windowID: F.id("w"), userID: F.userID, messageID: F.id("p"), allowedBy: .freeEntryPoint, fromSentToday: 0,
            sentToday: 1, fromLastProactiveSentAt: nil, sentAt: F.t0, at: F.t0)), "migue.window.proactive-sent")
        add(FlowSessionTests.created, "migue.flow.created")
        add(FlowSession.Event.statusChanged(FlowSession.StatusChanged(
            flowSessionID: F.id("f"), from: .inProgress, to: .completed, responseData: ["a": ["b", 1]], completedAt: F.t0,
            changedAt: F.t0)), "migue.flow.status-changed")
        add(CallLogTests.initiated, "migue.call.initiated")
        add(CallLog.Event.statusChanged(CallLog.StatusChanged(
            callLogID: F.id("c"), from: .initiated, to: .rejected, endReason: .userBusy, changedAt: F.t0)),
            "migue.call.status-changed")
        add(RecordTests.tapped(RecordTests.tap(.ctaButtonTap, title: "t", url: "u")), "migue.interaction.recorded")
        add(RecordTests.placed(RecordTests.place(4.6765, -74.0483)), "migue.location.recorded")
        add(MemoryUsageTests.remembered(MemoryUsageTests.remember()), "migue.memory.recorded", version: 2)
        add(MemoryUsageTests.spent(MemoryUsageTests.spend(0.00042)), "migue.ai-usage.recorded")
        add(ScheduledMessageTests.scheduled, "migue.scheduled-message.scheduled")
        add(ScheduledMessageTests.history(.failed)[1], "migue.scheduled-message.status-changed")
        add(WebhookFailureTests.recorded, "migue.webhook-failure.recorded")
        add(WebhookFailureTests.moved(.retrying, .pending, retries: (1, 1), error: "e", code: "c"),
            "migue.webhook-failure.status-changed")
        return samples
    }()

    @Test func everyTypeHasItsNameAndVersionAndDecodesItself() {
        for sample in Self.samples { Self.check(sample.event, sample.type, version: sample.version) }
        #expect(Set(Self.samples.map(\.type)).count == Self.samples.count)
    }

    /// Every type with its version in `Specs/events.md`, and no row for a type that does not exist.
    @Test func theCatalogueListsEveryTypeWithItsVersion() throws {
        let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Specs")
        let catalogue = try String(contentsOf: specs.appendingPathComponent("events.md"), encoding: .utf8)
        let rows = catalogue.split(separator: "\n").filter { $0.hasPrefix("| `migue.") }.map { row in
            row.split(separator: "|").prefix(2).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        #expect(rows.sorted() == Self.samples.map { "`\($0.type)` \($0.version)" }.sorted())
        let migue = try String(contentsOf: specs.appendingPathComponent("migue.md"), encoding: .utf8)
        for sample in Self.samples { #expect(migue.contains("| `\(sample.type)`"), "\(sample.type) is not in migue.md") }
    }

    /// A flow created at the last instant a command may name expires in year 10000: its event
    /// still decodes, in this process and any later one.
    @Test func anExpiryPastTheYear9999DecodesBack() {
        let latest = CommandFields.latestTime
        Self.check(FlowSession.Event.created(FlowSession.Created(
            flowSessionID: F.id("f"), flowToken: "t", userID: F.userID, conversationID: nil, flowID: "appointment",
            flowType: .navigate, sessionData: .object([:]), status: .pending, expiresAt: latest.adding(seconds: 72 * 3600),
            createdAt: latest)), "migue.flow.created")
    }

    @Test func aWindowPayloadIsSortedSnakeCase() {
        let event = MessagingWindow.Event.proactiveSent(MessagingWindow.ProactiveSent(
            windowID: UUID(uuidString: "7f3e0000-0000-4000-8000-000000000001")!, userID: UUID(uuidString: "7f3e0000-0000-4000-8000-000000000002")!,
            messageID: UUID(uuidString: "7f3e0000-0000-4000-8000-000000000003")!, allowedBy: .serviceWindow, fromSentToday: 0,
            sentToday: 1, fromLastProactiveSentAt: nil, sentAt: F.t0, at: F.t0))
        #expect(String(decoding: event.payload, as: UTF8.self) == #"{"allowed_by":"service_window","at":"2026-11-22T10:00:00.000000Z","#
            + #""from_proactive_messages_sent_today":0,"last_proactive_sent_at":"2026-11-22T10:00:00.000000Z","#
            + #""message_id":"7F3E0000-0000-4000-8000-000000000003","proactive_messages_sent_today":1,"#
            + #""user_id":"7F3E0000-0000-4000-8000-000000000002","window_id":"7F3E0000-0000-4000-8000-000000000001"}"#)
    }
}
