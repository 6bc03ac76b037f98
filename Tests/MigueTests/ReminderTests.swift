import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct ReminderTests {
    typealias F = Fixture
    typealias Status = Reminder.Status
    static let reminder = F.id("reminder")
    static let token = F.id("token")

    static let created = Reminder.Event.created(Reminder.Created(
        reminderID: reminder, userID: F.userID, title: "Llamar a mamá", description: nil, scheduledTime: F.time(60),
        status: .pending, createdAt: F.t0))

    /// The history that leaves the reminder in `status`.
    static func history(_ status: Status) -> [Reminder.Event] {
        let move = { (from: Status, to: Status) in
            Reminder.Event.statusChanged(Reminder.StatusChanged(reminderID: reminder, from: from, to: to, changedAt: F.time(1)))
        }
        return status == .pending ? [created] : [created, move(.pending, status)]
    }

    static func change(_ to: Status, token: UUID? = nil, scheduled: Timestamp? = nil) -> Reminder.Command {
        .changeStatus(Reminder.ChangeStatus(reminderID: reminder, to: to, sendToken: token, scheduledTime: scheduled, at: F.time(2)))
    }

    @Test(arguments: [F.time(60), F.t0])
    func createsAPendingReminderScheduledNoEarlierThanNow(scheduled: Timestamp) {
        given(Reminder.self)
            .when(.create(Reminder.Create(reminderID: Self.reminder, userID: F.userID, title: "t", description: "d", scheduledTime: scheduled, at: F.t0)))
            .then([.created(Reminder.Created(
                reminderID: Self.reminder, userID: F.userID, title: "t", description: "d", scheduledTime: scheduled,
                status: .pending, createdAt: F.t0))])
    }

    @Test func aReminderScheduledBeforeItsCreationIsRejected() {
        let early = F.t0.adding(seconds: -1)
        given(Reminder.self)
            .when(.create(Reminder.Create(reminderID: Self.reminder, userID: F.userID, title: "t", scheduledTime: early, at: F.t0)))
            .thenRejects(.scheduledBeforeCreation(Self.reminder, scheduled: early, created: F.t0))
    }

    @Test func createsOnce() {
        given(Reminder.self, Self.created)
            .when(.create(Reminder.Create(reminderID: Self.reminder, userID: F.userID, title: "t", scheduledTime: F.time(9), at: F.t0)))
            .thenRejects(.alreadyCreated(Self.reminder))
    }

    @Test(arguments: [(Status.pending, Status.sent), (.pending, .cancelled), (.pending, .failed), (.failed, .pending),
                      (.failed, .cancelled), (.cancelled, .pending)])
    func makesEveryMoveTheSeedAllows(from: Status, to: Status) {
        Given<Reminder>(events: Self.history(from)).when(Self.change(to))
            .then([.statusChanged(Reminder.StatusChanged(reminderID: Self.reminder, from: from, to: to, changedAt: F.time(2)))],
                again: .failure(.invalidTransition(Self.reminder, from: to, to: to)))
    }

    static let forbidden: [(Status, Status)] = Status.allCases.flatMap { from in Status.allCases.map { (from, $0) } }
        .filter { !Reminder.transitions.contains([$0.0, $0.1]) }

    @Test(arguments: forbidden)
    func rejectsEveryOtherMoveNamingBothStates(from: Status, to: Status) {
        Given<Reminder>(events: Self.history(from)).when(Self.change(to))
            .thenRejects(.invalidTransition(Self.reminder, from: from, to: to))
    }

    @Test func tenMovesAreForbidden() {
        #expect(Self.forbidden.count == 10)
        #expect(Reminder.Rejection.invalidTransition(Self.reminder, from: .sent, to: .pending).description
            == "reminder \(Self.reminder.uuidString.lowercased().prefix(8))...: cannot go from sent to pending")
    }

    @Test func sendingRecordsItsToken() {
        given(Reminder.self, Self.created).when(Self.change(.sent, token: Self.token))
            .then([.statusChanged(Reminder.StatusChanged(
                reminderID: Self.reminder, from: .pending, to: .sent, sendToken: Self.token, changedAt: F.time(2)))])
    }

    @Test(arguments: [Status.cancelled, .failed])
    func aTokenGoesOnlyWithSent(to: Status) {
        given(Reminder.self, Self.created).when(Self.change(to, token: Self.token))
            .thenRejects(.sendTokenOnlyWhenSent(Self.reminder, to: to))
    }

    @Test func reschedulesWhenMovingBackToPending() {
        Given<Reminder>(events: Self.history(.cancelled)).when(Self.change(.pending, scheduled: F.time(120)))
            .then([.statusChanged(Reminder.StatusChanged(
                reminderID: Self.reminder, from: .cancelled, to: .pending, scheduledTime: F.time(120), changedAt: F.time(2)))])
    }

    @Test func aRescheduleGoesOnlyWithPending() {
        given(Reminder.self, Self.created).when(Self.change(.cancelled, scheduled: F.time(120)))
            .thenRejects(.rescheduleOnlyToPending(Self.reminder, to: .cancelled))
    }

    @Test func aRescheduleKeepsTheCreationCheck() {
        let early = F.t0.adding(seconds: -60)
        Given<Reminder>(events: Self.history(.failed)).when(Self.change(.pending, scheduled: early))
            .thenRejects(.scheduledBeforeCreation(Self.reminder, scheduled: early, created: F.t0))
    }

    static func reschedule(to time: Timestamp) -> Reminder.Command {
        .reschedule(Reminder.Reschedule(reminderID: reminder, scheduledTime: time, at: F.time(3)))
    }

    @Test(arguments: [F.time(30), F.time(120), F.t0])
    func aPendingReminderMovesToAnotherTime(to time: Timestamp) {
        given(Reminder.self, Self.created).when(Self.reschedule(to: time))
            .then([.rescheduled(Reminder.Rescheduled(
                reminderID: Self.reminder, previousScheduledTime: F.time(60), scheduledTime: time, changedAt: F.time(3)))],
                again: .failure(.alreadyScheduledAt(Self.reminder, time)))
    }

    @Test func aRescheduleAfterAMoveBackToPendingStartsFromTheNewTime() {
        let back = Reminder.Event.statusChanged(Reminder.StatusChanged(
            reminderID: Self.reminder, from: .cancelled, to: .pending, scheduledTime: F.time(90), changedAt: F.time(2)))
        Given<Reminder>(events: Self.history(.cancelled) + [back]).when(Self.reschedule(to: F.time(100)))
            .then([.rescheduled(Reminder.Rescheduled(
                reminderID: Self.reminder, previousScheduledTime: F.time(90), scheduledTime: F.time(100), changedAt: F.time(3)))])
    }

    @Test(arguments: [Status.sent, .cancelled, .failed])
    func onlyAPendingReminderIsRescheduled(status: Status) {
        Given<Reminder>(events: Self.history(status)).when(Self.reschedule(to: F.time(120)))
            .thenRejects(.rescheduleOnlyWhenPending(Self.reminder, status: status))
        #expect(Reminder.Rejection.rescheduleOnlyWhenPending(Self.reminder, status: status).description
            == "reminder \(Self.reminder.uuidString.lowercased().prefix(8))...: only a pending reminder is rescheduled, "
                + "this one is \(status.rawValue) (move it to pending with a scheduled_time)")
    }

    @Test func aRescheduleKeepsTheCreationCheckToo() {
        let early = F.t0.adding(seconds: -1)
        given(Reminder.self, Self.created).when(Self.reschedule(to: early))
            .thenRejects(.scheduledBeforeCreation(Self.reminder, scheduled: early, created: F.t0))
        given(Reminder.self).when(Self.reschedule(to: F.time(5))).thenRejects(.notCreated(Self.reminder))
    }

    @Test func onlyACreatedReminderMoves() {
        given(Reminder.self).when(Self.change(.sent)).thenRejects(.notCreated(Self.reminder))
    }

    @Test func aSendTokenBelongsToOneReminder() {
        let other = F.id("other")
        given(SendToken.self).when(.claim(token: Self.token, reminderID: Self.reminder, at: F.t0))
            .then([.claimed(SendToken.Claimed(sendToken: Self.token, reminderID: Self.reminder, claimedAt: F.t0))])
        let claimed = given(SendToken.self, .claimed(SendToken.Claimed(sendToken: Self.token, reminderID: Self.reminder, claimedAt: F.t0)))
        claimed.when(.claim(token: Self.token, reminderID: Self.reminder, at: F.time(1))).then([])
        claimed.when(.claim(token: Self.token, reminderID: other, at: F.time(1))).thenRejects(.taken(Self.token, by: Self.reminder))
    }
}
