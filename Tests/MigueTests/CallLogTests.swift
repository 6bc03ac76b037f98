import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct CallLogTests {
    typealias F = Fixture
    typealias Status = CallLog.Status
    typealias Reason = CallLog.EndReason
    static let callID = "wacid.1"
    static let call = Migue.callLogID(callID: callID)

    static let initiated = CallLog.Event.initiated(CallLog.Initiated(
        callLogID: call, callID: callID, userID: F.userID, conversationID: nil, direction: .inbound, status: .initiated,
        timestamp: F.time(-1), createdAt: F.t0))

    static func history(_ status: Status) -> [CallLog.Event] {
        let move = { (from: Status, to: Status) in
            CallLog.Event.statusChanged(CallLog.StatusChanged(callLogID: call, from: from, to: to, changedAt: F.time(1)))
        }
        switch status {
        case .initiated: return [initiated]
        case .accepted, .rejected, .failed: return [initiated, move(.initiated, status)]
        case .ended: return [initiated, move(.initiated, .accepted), move(.accepted, .ended)]
        }
    }

    static func change(_ to: Status, duration: Int32? = nil, reason: Reason? = nil) -> CallLog.Command {
        .changeStatus(CallLog.ChangeStatus(callLogID: call, to: to, durationSeconds: duration, endReason: reason, at: F.time(2)))
    }

    static func changed(_ from: Status, _ to: Status, duration: Int32? = nil, reason: Reason? = nil) -> CallLog.Event {
        .statusChanged(CallLog.StatusChanged(
            callLogID: call, from: from, to: to, durationSeconds: duration, endReason: reason, changedAt: F.time(2)))
    }

    @Test(arguments: CallLog.Direction.allCases)
    func logsACallInitiatedInEitherDirection(direction: CallLog.Direction) {
        var expected = Self.initiated
        if case .initiated(var body) = expected {
            body.direction = direction
            expected = .initiated(body)
        }
        given(CallLog.self)
            .when(.initiate(CallLog.Initiate(callID: Self.callID, userID: F.userID, direction: direction, timestamp: F.time(-1), at: F.t0)))
            .then([expected])
    }

    /// `parley state` shows what the row shows: the status, and the duration and reason of the last move.
    @Test func theStateKeepsTheLastMoveWithWhatItSet() {
        let ended = Self.changed(.accepted, .ended, duration: 95, reason: .completed)
        let state = [Self.initiated, Self.changed(.initiated, .accepted), ended].reduce(CallLog.initial, CallLog.evolve)
        guard case .initiated(let initiated) = Self.initiated, case .statusChanged(let last) = ended else { return }
        #expect(state == CallLog.State(initiated: initiated, status: .ended, lastChange: last))
    }

    @Test func aCallIdIsLoggedOnce() {
        given(CallLog.self, Self.initiated)
            .when(.initiate(CallLog.Initiate(callID: Self.callID, userID: F.userID, direction: .outbound, timestamp: F.t0, at: F.time(1))))
            .thenRejects(.alreadyLogged(Self.call, callID: Self.callID))
    }

    @Test(arguments: [(Status.initiated, Status.accepted), (.initiated, .rejected), (.initiated, .failed), (.accepted, .ended)])
    func makesEveryAllowedMove(from: Status, to: Status) {
        Given<CallLog>(events: Self.history(from)).when(Self.change(to))
            .then([Self.changed(from, to)], again: .failure(.invalidTransition(Self.call, from: to, to: to)))
    }

    static let forbidden: [(Status, Status)] = Status.allCases.flatMap { from in Status.allCases.map { (from, $0) } }
        .filter { !CallLog.transitions.contains([$0.0, $0.1]) }

    @Test(arguments: forbidden)
    func rejectsEveryOtherMoveNamingBothStates(from: Status, to: Status) {
        Given<CallLog>(events: Self.history(from)).when(Self.change(to))
            .thenRejects(.invalidTransition(Self.call, from: from, to: to))
    }

    @Test func twentyOneMovesAreForbidden() {
        #expect(Self.forbidden.count == 21)
    }

    @Test(arguments: [(Status.ended, Reason.completed), (.rejected, .userDeclined), (.rejected, .userBusy), (.failed, .timeout)])
    func endsWithAReasonThatFits(to: Status, reason: Reason) {
        let from: Status = to == .ended ? .accepted : .initiated
        Given<CallLog>(events: Self.history(from)).when(Self.change(to, reason: reason))
            .then([Self.changed(from, to, reason: reason)])
    }

    static let unfitting: [(Status, Reason)] = [Status.accepted, .ended, .rejected, .failed].flatMap { to in
        Reason.allCases.filter { CallLog.endReasons[to]?.contains($0) != true }.map { (to, $0) }
    }

    /// Pins the table the cases above are read from: widening it would drop cases silently.
    @Test func twelveReasonsDoNotFit() {
        #expect(CallLog.endReasons == [.ended: [.completed], .rejected: [.userDeclined, .userBusy], .failed: [.timeout]])
        #expect(Self.unfitting.count == 12)
    }

    @Test(arguments: unfitting)
    func refusesAReasonThatDoesNotFit(to: Status, reason: Reason) {
        let from: Status = to == .ended ? .accepted : .initiated
        Given<CallLog>(events: Self.history(from)).when(Self.change(to, reason: reason))
            .thenRejects(.endReasonDoesNotFit(Self.call, to: to, reason: reason))
    }

    @Test(arguments: [0, 95, Int32.max])
    func anEndedCallRecordsItsDuration(seconds: Int32) {
        Given<CallLog>(events: Self.history(.accepted)).when(Self.change(.ended, duration: seconds, reason: .completed))
            .then([Self.changed(.accepted, .ended, duration: seconds, reason: .completed)])
    }

    @Test func aDurationIsNotNegative() {
        Given<CallLog>(events: Self.history(.accepted)).when(Self.change(.ended, duration: -1))
            .thenRejects(.negativeDuration(Self.call, -1))
    }

    @Test(arguments: [Status.accepted, .rejected, .failed])
    func onlyAnEndedCallHasADuration(to: Status) {
        given(CallLog.self, Self.initiated).when(Self.change(to, duration: 10))
            .thenRejects(.durationOnlyWhenEnded(Self.call, to: to))
    }

    @Test func onlyALoggedCallMoves() {
        given(CallLog.self).when(Self.change(.accepted)).thenRejects(.notLogged(Self.call))
        #expect(CallLog.Rejection.endReasonDoesNotFit(Self.call, to: .ended, reason: .timeout).description
            == "call \(Self.call.uuidString.lowercased().prefix(8))...: end_reason timeout does not go with status ended")
    }
}
