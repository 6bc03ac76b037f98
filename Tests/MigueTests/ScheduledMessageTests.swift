import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct ScheduledMessageTests {
    typealias F = Fixture
    typealias Status = ScheduledMessage.Status
    static let message = F.id("scheduled")

    static let scheduled = ScheduledMessage.Event.scheduled(ScheduledMessage.Scheduled(
        scheduledMessageID: message, userID: F.userID, conversationID: nil, phoneNumber: F.phone, message: "Buenos días",
        scheduledAt: F.time(60), status: .pending, metadata: ["origin": "cron"], createdAt: F.t0))

    static func history(_ status: Status) -> [ScheduledMessage.Event] {
        status == .pending ? [scheduled] : [scheduled, .statusChanged(ScheduledMessage.StatusChanged(
            scheduledMessageID: message, from: .pending, to: status, sentAt: status == .sent ? F.time(60) : nil,
            errorMessage: status == .failed ? "timeout" : nil, changedAt: F.time(60)))]
    }

    static func change(_ to: Status, error: String? = nil) -> ScheduledMessage.Command {
        .changeStatus(ScheduledMessage.ChangeStatus(scheduledMessageID: message, to: to, errorMessage: error, at: F.time(61)))
    }

    @Test func schedulesAPendingMessage() {
        given(ScheduledMessage.self)
            .when(.schedule(ScheduledMessage.Schedule(
                scheduledMessageID: Self.message, userID: F.userID, phoneNumber: F.phone, message: "Buenos días",
                scheduledAt: F.time(60), metadata: ["origin": "cron"], at: F.t0)))
            .then([Self.scheduled])
    }

    @Test(arguments: ["3001234567", "+0573001234567", "+57 300", ""])
    func thePhoneNumberIsE164(phone: String) {
        given(ScheduledMessage.self)
            .when(.schedule(ScheduledMessage.Schedule(
                scheduledMessageID: Self.message, phoneNumber: phone, message: "m", scheduledAt: F.t0, at: F.t0)))
            .thenRejects(.invalidPhoneNumber(phone))
    }

    /// `parley state` shows what the row shows: the status, and the error of the last move.
    @Test func theStateKeepsTheLastMoveWithWhatItSet() {
        let state = Self.history(.failed).reduce(ScheduledMessage.initial, ScheduledMessage.evolve)
        guard case .scheduled(let scheduled) = Self.scheduled, case .statusChanged(let last) = Self.history(.failed)[1] else { return }
        #expect(state == ScheduledMessage.State(scheduled: scheduled, status: .failed, lastChange: last))
        #expect(last.errorMessage == "timeout")
    }

    @Test func schedulesOnce() {
        given(ScheduledMessage.self, Self.scheduled)
            .when(.schedule(ScheduledMessage.Schedule(
                scheduledMessageID: Self.message, phoneNumber: F.phone, message: "m", scheduledAt: F.t0, at: F.t0)))
            .thenRejects(.alreadyScheduled(Self.message))
    }

    @Test func sendingSetsTheTimeItWasSent() {
        given(ScheduledMessage.self, Self.scheduled).when(Self.change(.sent))
            .then([.statusChanged(ScheduledMessage.StatusChanged(
                scheduledMessageID: Self.message, from: .pending, to: .sent, sentAt: F.time(61), changedAt: F.time(61)))],
                again: .failure(.invalidTransition(Self.message, from: .sent, to: .sent)))
    }

    @Test func failingRecordsTheError() {
        given(ScheduledMessage.self, Self.scheduled).when(Self.change(.failed, error: "131047 re-engagement message"))
            .then([.statusChanged(ScheduledMessage.StatusChanged(
                scheduledMessageID: Self.message, from: .pending, to: .failed, errorMessage: "131047 re-engagement message",
                changedAt: F.time(61)))])
    }

    @Test func failingNeedsAnError() {
        given(ScheduledMessage.self, Self.scheduled).when(Self.change(.failed)).thenRejects(.errorMessageRequired(Self.message))
    }

    @Test func anErrorGoesOnlyWithFailed() {
        given(ScheduledMessage.self, Self.scheduled).when(Self.change(.sent, error: "x"))
            .thenRejects(.errorMessageOnlyWhenFailed(Self.message, to: .sent))
    }

    static let forbidden: [(Status, Status)] = Status.allCases.flatMap { from in Status.allCases.map { (from, $0) } }
        .filter { !ScheduledMessage.transitions.contains([$0.0, $0.1]) }

    @Test(arguments: forbidden)
    func rejectsEveryOtherMoveNamingBothStates(from: Status, to: Status) {
        Given<ScheduledMessage>(events: Self.history(from)).when(Self.change(to, error: to == .failed ? "e" : nil))
            .thenRejects(.invalidTransition(Self.message, from: from, to: to))
    }

    @Test func sevenMovesAreForbidden() {
        #expect(Self.forbidden.count == 7)
    }

    @Test func onlyAScheduledMessageMoves() {
        given(ScheduledMessage.self).when(Self.change(.sent)).thenRejects(.notScheduled(Self.message))
    }
}
