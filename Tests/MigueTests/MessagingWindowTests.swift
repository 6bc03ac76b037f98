import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct MessagingWindowTests {
    typealias F = Fixture
    typealias W = MessagingWindow
    static let window = Migue.windowID(userID: F.userID)
    static let hour: Int64 = 60

    static func receive(_ wa: String, at minute: Int64, freeEntryPoint: Bool = false) -> W.Command {
        .receive(W.Receive(
            userID: F.userID, phoneNumber: F.phone, messageID: Migue.messageID(waMessageID: wa), userMessageID: wa,
            timestamp: F.time(minute), freeEntryPoint: freeEntryPoint, at: F.time(minute + 1)))
    }

    static func refreshed(
        _ wa: String, at minute: Int64, openedAt: Int64, from: Int64? = nil, fep: Int64? = nil, fromFEP: Int64? = nil
    ) -> W.Refreshed {
        W.Refreshed(
            windowID: window, userID: F.userID, phoneNumber: F.phone, messageID: Migue.messageID(waMessageID: wa),
            lastUserMessageID: wa, fromExpiresAt: from.map(F.time), windowOpenedAt: F.time(openedAt),
            windowExpiresAt: F.time(minute + 24 * hour), fromFreeEntryPointExpiresAt: fromFEP.map(F.time),
            freeEntryPointExpiresAt: fep.map(F.time), at: F.time(minute + 1))
    }

    static let first = W.Event.opened(refreshed("wamid.1", at: 0, openedAt: 0))

    static func proactive(_ name: String, at minute: Int64) -> W.Command {
        .sendProactive(W.SendProactive(userID: F.userID, messageID: F.id(name), timestamp: F.time(minute), at: F.time(minute)))
    }

    static func sent(
        _ name: String, at minute: Int64, by allowance: W.Allowance = .serviceWindow, from: (Int32, Int64?) = (0, nil),
        count: Int32 = 1
    ) -> W.Event {
        .proactiveSent(W.ProactiveSent(
            windowID: window, userID: F.userID, messageID: F.id(name), allowedBy: allowance, fromSentToday: from.0,
            sentToday: count, fromLastProactiveSentAt: from.1.map(F.time), sentAt: F.time(minute), at: F.time(minute)))
    }

    @Test func aUsersFirstMessageOpensTheWindowFor24Hours() {
        given(W.self).when(Self.receive("wamid.1", at: 0)).then([Self.first])
    }

    @Test func aLaterMessageInsideTheWindowExtendsItAndKeepsWhenItOpened() {
        given(W.self, Self.first).when(Self.receive("wamid.2", at: 5 * Self.hour))
            .then([.extended(Self.refreshed("wamid.2", at: 5 * Self.hour, openedAt: 0, from: 24 * Self.hour))])
    }

    @Test(arguments: [24 * hour, 30 * hour])
    func aMessageAfterTheWindowClosedOpensANewOne(minute: Int64) {
        given(W.self, Self.first).when(Self.receive("wamid.2", at: minute))
            .then([.opened(Self.refreshed("wamid.2", at: minute, openedAt: minute, from: 24 * Self.hour))])
    }

    @Test(arguments: [("wamid.0", -10), ("wamid.1", 0)] as [(String, Int64)])
    func aLateMessageOrTheLastOneAgainChangesNothing(wa: String, minute: Int64) {
        given(W.self, Self.first).when(Self.receive(wa, at: minute)).then([])
    }

    /// WhatsApp's timestamps count whole seconds: two messages of one second are both the user's.
    @Test func anotherMessageOfTheSameSecondMovesTheWindowAndOpensItsFreeEntryPoint() {
        given(W.self, Self.first).when(Self.receive("wamid.2", at: 0, freeEntryPoint: true))
            .then([.extended(Self.refreshed("wamid.2", at: 0, openedAt: 0, from: 24 * Self.hour, fep: 72 * Self.hour))])
    }

    @Test func aFreeEntryPointOpensFor72Hours() {
        given(W.self).when(Self.receive("wamid.1", at: 0, freeEntryPoint: true))
            .then([.opened(Self.refreshed("wamid.1", at: 0, openedAt: 0, fep: 72 * Self.hour))])
    }

    @Test func aLaterMessageKeepsAnOpenFreeEntryPoint() {
        let opened = W.Event.opened(Self.refreshed("wamid.1", at: 0, openedAt: 0, fep: 72 * Self.hour))
        given(W.self, opened).when(Self.receive("wamid.2", at: Self.hour))
            .then([.extended(Self.refreshed(
                "wamid.2", at: Self.hour, openedAt: 0, from: 24 * Self.hour, fep: 72 * Self.hour, fromFEP: 72 * Self.hour))])
    }

    @Test func aProactiveMessageInsideTheWindowIsCounted() {
        given(W.self, Self.first).when(Self.proactive("p1", at: 60)).then([Self.sent("p1", at: 60)])
    }

    @Test func theCountGrowsWithinADayAndStartsAgainTheNextDay() {
        let one = Self.sent("p1", at: 60)
        given(W.self, Self.first, one).when(Self.proactive("p2", at: 120))
            .then([Self.sent("p2", at: 120, from: (1, 60), count: 2)])
        // F.t0 is 10:00 UTC, so 20 hours later is 06:00 the next day, inside the same window.
        given(W.self, Self.first, one).when(Self.proactive("p3", at: 20 * Self.hour))
            .then([Self.sent("p3", at: 20 * Self.hour, from: (1, 60), count: 1)])
    }

    @Test func theSameProactiveMessageIsCountedOnce() {
        given(W.self, Self.first, Self.sent("p1", at: 60)).when(Self.proactive("p1", at: 60)).then([])
    }

    @Test func aFreeEntryPointAllowsAProactiveMessageAfterTheWindow() {
        let opened = W.Event.opened(Self.refreshed("wamid.1", at: 0, openedAt: 0, fep: 72 * Self.hour))
        given(W.self, opened).when(Self.proactive("p1", at: 48 * Self.hour))
            .then([Self.sent("p1", at: 48 * Self.hour, by: .freeEntryPoint)])
    }

    @Test(arguments: [24 * hour, 100 * hour])
    func aProactiveMessageOutsideEveryWindowIsRefused(minute: Int64) {
        given(W.self, Self.first).when(Self.proactive("p1", at: minute))
            .thenRejects(.closed(user: F.userID, at: F.time(minute), closedAt: F.time(24 * Self.hour)))
        let fep = W.Event.opened(Self.refreshed("wamid.1", at: 0, openedAt: 0, fep: 72 * Self.hour))
        given(W.self, fep).when(Self.proactive("p1", at: 72 * Self.hour))
            .thenRejects(.closed(user: F.userID, at: F.time(72 * Self.hour), closedAt: F.time(72 * Self.hour)))
        #expect(W.Rejection.closed(user: F.userID, at: F.time(72 * Self.hour), closedAt: F.time(72 * Self.hour)).description
            .hasSuffix("(the last one closed at 2026-11-25T10:00:00.000000Z)"))
    }

    /// A proactive message timestamped before the user's window opened is refused: the user had not
    /// written then (migue knows the latest window only, as its row does).
    @Test func aProactiveMessageBeforeTheWindowOpenedIsRefused() {
        given(W.self, Self.first).when(Self.proactive("p1", at: -60))
            .thenRejects(.beforeOpened(user: F.userID, at: F.time(-60), openedAt: F.t0))
        #expect(W.Rejection.beforeOpened(user: F.userID, at: F.time(-60), openedAt: F.t0).description
            == "user \(F.userID.uuidString.lowercased().prefix(8))...: a proactive message at 2026-11-22T09:00:00.000000Z "
            + "is before the user's window opened, at 2026-11-22T10:00:00.000000Z")
    }

    /// Before a later service window opened, the free entry point that was open then allows it.
    @Test func theFreeEntryPointCoversTheTimeBeforeALaterWindow() {
        let fep = W.Event.opened(Self.refreshed("wamid.1", at: 0, openedAt: 0, fep: 72 * Self.hour))
        let reopened = W.Event.opened(Self.refreshed(
            "wamid.2", at: 48 * Self.hour, openedAt: 48 * Self.hour, from: 24 * Self.hour, fep: 72 * Self.hour, fromFEP: 72 * Self.hour))
        given(W.self, fep, reopened).when(Self.proactive("p1", at: 30 * Self.hour))
            .then([Self.sent("p1", at: 30 * Self.hour, by: .freeEntryPoint)])
    }

    @Test func aUserWhoNeverWroteGetsNoProactiveMessage() {
        given(W.self).when(Self.proactive("p1", at: 0)).thenRejects(.closed(user: F.userID, at: F.t0, closedAt: nil))
        #expect(W.Rejection.closed(user: F.userID, at: F.t0, closedAt: nil).description
            == "user \(F.userID.uuidString.lowercased().prefix(8))...: no customer service window or free entry point "
            + "is open at 2026-11-22T10:00:00.000000Z (the user never wrote)")
    }

    @Test func proactiveMessagesAreCountedInTimeOrder() {
        given(W.self, Self.first, Self.sent("p1", at: 60)).when(Self.proactive("p2", at: 59))
            .thenRejects(.beforeLastProactive(user: F.userID, at: F.time(59), last: F.time(60)))
    }

    @Test func utcDaysStartAtMidnight() {
        #expect(utcDay(Timestamp(rfc3339: "1970-01-01T23:59:59.999999Z")!) == 0)
        #expect(utcDay(Timestamp(rfc3339: "1970-01-02T00:00:00Z")!) == 1)
        #expect(utcDay(Timestamp(rfc3339: "1969-12-31T23:59:59Z")!) == -1)
    }

    /// A window another tool wrote at the very start of time folds, and a message then opens anew.
    @Test func aWindowAtTheStartOfTimeFoldsWithoutTrapping() throws {
        var refreshed = Self.refreshed("wamid.0", at: 0, openedAt: 0)
        refreshed.windowExpiresAt = Timestamp(microsecondsSinceEpoch: .min)
        let state = W.fold([.opened(refreshed)])
        #expect(state.lastUserMessageAt == Timestamp(microsecondsSinceEpoch: .min))
        let events = try W.decide(Self.receive("wamid.1", at: 0), state)
        #expect(events.map(\.type) == ["migue.window.opened"])
    }
}
