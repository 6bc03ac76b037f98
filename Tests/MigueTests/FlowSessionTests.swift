import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct FlowSessionTests {
    typealias F = Fixture
    typealias Status = FlowSession.Status
    static let token = "flow-token-1"
    static let flow = Migue.flowSessionID(flowToken: token)

    static let created = FlowSession.Event.created(FlowSession.Created(
        flowSessionID: flow, flowToken: token, userID: F.userID, conversationID: nil, flowID: "appointment",
        flowType: .navigate, sessionData: .object([:]), status: .pending, expiresAt: F.time(24 * 60), createdAt: F.t0))

    /// The history that leaves the flow in `status` (moves made at minute 1 and 2, expiry at 24 hours).
    static func history(_ status: Status) -> [FlowSession.Event] {
        let move = { (from: Status, to: Status, minute: Int64) in
            FlowSession.Event.statusChanged(FlowSession.StatusChanged(
                flowSessionID: flow, from: from, to: to, completedAt: to == .completed ? F.time(minute) : nil,
                changedAt: F.time(minute)))
        }
        switch status {
        case .pending: return [created]
        case .inProgress: return [created, move(.pending, .inProgress, 1)]
        case .expired: return [created, move(.pending, .expired, 24 * 60)]
        case .completed, .failed: return [created, move(.pending, .inProgress, 1), move(.inProgress, status, 2)]
        }
    }

    /// A move made at a time that suits `to`: before the expiry, or at it for `expired`.
    static func change(_ to: Status, response: JSONValue? = nil, at minute: Int64? = nil) -> FlowSession.Command {
        .changeStatus(FlowSession.ChangeStatus(
            flowSessionID: flow, to: to, responseData: response, at: F.time(minute ?? (to == .expired ? 24 * 60 : 3))))
    }

    /// `parley state` shows what the row shows: the status, and the response and time of the last move.
    @Test func theStateKeepsTheLastMoveWithWhatItSet() {
        let completed = FlowSession.Event.statusChanged(FlowSession.StatusChanged(
            flowSessionID: Self.flow, from: .inProgress, to: .completed, responseData: ["date": "2026-12-01"],
            completedAt: F.time(2), changedAt: F.time(2)))
        let state = (Self.history(.inProgress) + [completed]).reduce(FlowSession.initial, FlowSession.evolve)
        guard case .created(let created) = Self.created, case .statusChanged(let last) = completed else { return }
        #expect(state == FlowSession.State(created: created, status: .completed, lastChange: last))
    }

    @Test func createsAPendingFlowExpiringInADayByDefault() {
        given(FlowSession.self)
            .when(.create(FlowSession.Create(flowToken: Self.token, userID: F.userID, flowID: "appointment", flowType: .navigate, at: F.t0)))
            .then([Self.created])
    }

    @Test func keepsTheGivenSessionDataAndExpiry() {
        let create = FlowSession.Create(
            flowToken: Self.token, userID: F.userID, conversationID: F.id("c"), flowID: "booking", flowType: .dataExchange,
            sessionData: ["step": "date"], expiresAt: F.time(30), at: F.t0)
        given(FlowSession.self).when(.create(create)).then([.created(FlowSession.Created(
            flowSessionID: Self.flow, flowToken: Self.token, userID: F.userID, conversationID: F.id("c"), flowID: "booking",
            flowType: .dataExchange, sessionData: ["step": "date"], status: .pending, expiresAt: F.time(30), createdAt: F.t0))])
    }

    @Test(arguments: [0, -1] as [Int64])
    func aFlowMustExpireAfterItIsCreated(minute: Int64) {
        given(FlowSession.self)
            .when(.create(FlowSession.Create(
                flowToken: Self.token, userID: F.userID, flowID: "f", flowType: .navigate, expiresAt: F.time(minute), at: F.t0)))
            .thenRejects(.expiresBeforeCreation(Self.flow, expiresAt: F.time(minute), createdAt: F.t0))
    }

    @Test func aTokenIsUsedOnce() {
        given(FlowSession.self, Self.created)
            .when(.create(FlowSession.Create(flowToken: Self.token, userID: F.userID, flowID: "other", flowType: .navigate, at: F.time(5))))
            .thenRejects(.alreadyCreated(Self.flow, flowToken: Self.token))
    }

    /// The moves of Specs/migue.md, written out rather than read from the table under test.
    static let allowed: [(Status, Status)] = [
        (.pending, .inProgress), (.pending, .completed), (.pending, .expired), (.pending, .failed),
        (.inProgress, .completed), (.inProgress, .expired), (.inProgress, .failed),
    ]

    @Test func theTableHoldsExactlyTheSpecifiedMoves() {
        #expect(FlowSession.transitions == Set(Self.allowed.map { [$0.0, $0.1] }))
    }

    @Test(arguments: allowed)
    func makesEveryAllowedMove(from: Status, to: Status) {
        let change = Self.change(to)
        guard case .changeStatus(let command) = change else { return }
        Given<FlowSession>(events: Self.history(from)).when(change)
            .then([.statusChanged(FlowSession.StatusChanged(
                flowSessionID: Self.flow, from: from, to: to, completedAt: to == .completed ? command.at : nil,
                changedAt: command.at))], again: .failure(.invalidTransition(Self.flow, from: to, to: to)))
    }

    static let forbidden: [(Status, Status)] = Status.allCases.flatMap { from in Status.allCases.map { (from, $0) } }
        .filter { !FlowSession.transitions.contains([$0.0, $0.1]) }

    @Test(arguments: forbidden)
    func rejectsEveryOtherMoveNamingBothStates(from: Status, to: Status) {
        Given<FlowSession>(events: Self.history(from)).when(Self.change(to))
            .thenRejects(.invalidTransition(Self.flow, from: from, to: to))
    }

    @Test func eighteenMovesAreForbidden() {
        #expect(Self.forbidden.count == 18)
    }

    @Test func completingRecordsTheResponseAndTheTime() {
        Given<FlowSession>(events: Self.history(.inProgress)).when(Self.change(.completed, response: ["date": "2026-12-01"]))
            .then([.statusChanged(FlowSession.StatusChanged(
                flowSessionID: Self.flow, from: .inProgress, to: .completed, responseData: ["date": "2026-12-01"],
                completedAt: F.time(3), changedAt: F.time(3)))])
    }

    @Test(arguments: [Status.inProgress, .expired, .failed])
    func aResponseGoesOnlyWithCompleted(to: Status) {
        given(FlowSession.self, Self.created).when(Self.change(to, response: ["a": 1]))
            .thenRejects(.responseOnlyWhenCompleted(Self.flow, to: to))
    }

    @Test(arguments: [Status.inProgress, .completed], [24 * 60, 25 * 60] as [Int64])
    func anExpiredFlowCannotOpenOrComplete(to: Status, minute: Int64) {
        given(FlowSession.self, Self.created).when(Self.change(to, at: minute))
            .thenRejects(.expired(Self.flow, to: to, at: F.time(minute), expiresAt: F.time(24 * 60)))
    }

    @Test func aFlowExpiresOnlyOnceItsTimeHasCome() {
        given(FlowSession.self, Self.created).when(Self.change(.expired, at: 24 * 60 - 1))
            .thenRejects(.notYetExpired(Self.flow, at: F.time(24 * 60 - 1), expiresAt: F.time(24 * 60)))
    }

    @Test func aFlowFailsAtAnyTime() {
        given(FlowSession.self, Self.created).when(Self.change(.failed, at: 48 * 60))
            .then([.statusChanged(FlowSession.StatusChanged(
                flowSessionID: Self.flow, from: .pending, to: .failed, changedAt: F.time(48 * 60)))])
    }

    @Test func onlyACreatedFlowMoves() {
        given(FlowSession.self).when(Self.change(.completed)).thenRejects(.notCreated(Self.flow))
        #expect(FlowSession.Rejection.invalidTransition(Self.flow, from: .expired, to: .completed).description
            == "flow session \(Self.flow.uuidString.lowercased().prefix(8))...: cannot go from expired to completed")
    }
}
