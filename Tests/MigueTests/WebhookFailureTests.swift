import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct WebhookFailureTests {
    typealias F = Fixture
    typealias Status = WebhookFailure.Status
    static let failure = F.id("failure")
    static let payload: JSONValue = ["entry": [["id": "123", "changes": [["value": ["messages": [["id": "wamid.9"]]]]]]], "big": .double(12.5)]

    static let recorded = WebhookFailure.Event.recorded(WebhookFailure.Recorded(
        webhookFailureID: failure, requestID: "req-1", phoneNumber: "573001234567", waMessageID: "wamid.9",
        rawPayload: payload, errorMessage: "database unavailable", errorCode: "57P01", status: .pending, retryCount: 0,
        createdAt: F.t0))

    static func moved(_ from: Status, _ to: Status, retries: (Int32, Int32), error: String? = nil, code: String? = nil, at minute: Int64 = 5)
        -> WebhookFailure.Event
    {
        .statusChanged(WebhookFailure.StatusChanged(
            webhookFailureID: failure, from: from, to: to, fromRetryCount: retries.0, retryCount: retries.1,
            errorMessage: error, errorCode: code, changedAt: F.time(minute)))
    }

    static func history(_ status: Status) -> [WebhookFailure.Event] {
        switch status {
        case .pending: [recorded]
        case .retrying: [recorded, moved(.pending, .retrying, retries: (0, 1), at: 1)]
        case .resolved, .abandoned: [recorded, moved(.pending, status, retries: (0, 0), at: 1)]
        }
    }

    static func change(_ to: Status, error: String? = nil, code: String? = nil) -> WebhookFailure.Command {
        .changeStatus(WebhookFailure.ChangeStatus(webhookFailureID: failure, to: to, errorMessage: error, errorCode: code, at: F.time(5)))
    }

    /// `retry_count` is an INT: the retry that would pass 2,147,483,647 is refused, the one reaching it is not.
    @Test func theRetryCountStopsAtTheLargestInt() {
        let almost = [Self.recorded, Self.moved(.pending, .retrying, retries: (0, .max - 1), at: 1),
                      Self.moved(.retrying, .pending, retries: (.max - 1, .max - 1), error: "down", at: 2)]
        Given<WebhookFailure>(events: almost).when(Self.change(.retrying))
            .then([Self.moved(.pending, .retrying, retries: (.max - 1, .max))])
        let full = almost + [Self.moved(.pending, .retrying, retries: (.max - 1, .max), at: 3),
                             Self.moved(.retrying, .pending, retries: (.max, .max), error: "down", at: 4)]
        Given<WebhookFailure>(events: full).when(Self.change(.retrying)).thenRejects(.tooManyRetries(Self.failure))
        #expect(WebhookFailure.Rejection.tooManyRetries(Self.failure).description
            == "webhook failure \(Self.failure.uuidString.lowercased().prefix(8))...: retry_count would not fit an INT column")
    }

    @Test func recordsTheFailureWithItsPayloadAsGivenAndAPhoneAsCarried() {
        given(WebhookFailure.self)
            .when(.record(WebhookFailure.Record(
                webhookFailureID: Self.failure, requestID: "req-1", phoneNumber: "573001234567", waMessageID: "wamid.9",
                rawPayload: Self.payload, errorMessage: "database unavailable", errorCode: "57P01", at: F.t0)))
            .then([Self.recorded])
    }

    /// The state keeps what the row keeps: a failed retry's error replaces the recorded one, and
    /// a change that gives none leaves it.
    @Test func theStateKeepsTheErrorOfTheLastFailedRetryAsTheRowDoes() {
        let retried = Self.moved(.pending, .retrying, retries: (0, 1), at: 1)
        let failedAgain = Self.moved(.retrying, .pending, retries: (1, 1), error: "timeout", code: nil, at: 2)
        let resolved = Self.moved(.pending, .resolved, retries: (1, 1), at: 3)
        let state = [Self.recorded, retried, failedAgain, resolved].reduce(WebhookFailure.initial, WebhookFailure.evolve)
        guard case .recorded(var expected) = Self.recorded else { return }
        expected.errorMessage = "timeout"
        expected.errorCode = nil
        guard case .statusChanged(let last) = resolved else { return }
        #expect(state == WebhookFailure.State(recorded: expected, status: .resolved, retryCount: 1, lastChange: last))
    }

    @Test func recordsOnce() {
        given(WebhookFailure.self, Self.recorded)
            .when(.record(WebhookFailure.Record(
                webhookFailureID: Self.failure, requestID: "r", phoneNumber: "p", rawPayload: [:], errorMessage: "e", at: F.t0)))
            .thenRejects(.alreadyRecorded(Self.failure))
    }

    @Test func retryCountCountsTheMovesIntoRetrying() {
        let twice = Self.history(.retrying) + [Self.moved(.retrying, .pending, retries: (1, 1), error: "still down", at: 2)]
        Given<WebhookFailure>(events: twice).when(Self.change(.retrying))
            .then([Self.moved(.pending, .retrying, retries: (1, 2))])
        Given<WebhookFailure>(events: Self.history(.retrying)).when(Self.change(.pending, error: "still down", code: "57P03"))
            .then([Self.moved(.retrying, .pending, retries: (1, 1), error: "still down", code: "57P03")])
    }

    @Test(arguments: [(Status.pending, Status.resolved), (.pending, .abandoned), (.retrying, .resolved), (.retrying, .abandoned)])
    func endsFromPendingOrRetrying(from: Status, to: Status) {
        let retries: Int32 = from == .retrying ? 1 : 0
        Given<WebhookFailure>(events: Self.history(from)).when(Self.change(to))
            .then([Self.moved(from, to, retries: (retries, retries))], again: .failure(.invalidTransition(Self.failure, from: to, to: to)))
    }

    @Test(arguments: [Status.retrying, .resolved, .abandoned])
    func anErrorGoesOnlyWithAFailedRetry(to: Status) {
        given(WebhookFailure.self, Self.recorded).when(Self.change(to, error: "e"))
            .thenRejects(.errorOnlyWhenBackToPending(Self.failure, to: to))
    }

    /// A failed retry's error replaces the stored one whole, so a code needs its message.
    @Test func aFailedRetrysCodeComesWithItsMessage() {
        Given<WebhookFailure>(events: Self.history(.retrying)).when(Self.change(.pending, code: "57P03"))
            .thenRejects(.codeWithoutMessage(Self.failure))
        #expect(WebhookFailure.Rejection.codeWithoutMessage(Self.failure).description.hasSuffix(
            "error_code needs its error_message (an error replaces the stored message and code)"))
    }

    static let forbidden: [(Status, Status)] = Status.allCases.flatMap { from in Status.allCases.map { (from, $0) } }
        .filter { !WebhookFailure.transitions.contains([$0.0, $0.1]) }

    @Test(arguments: forbidden)
    func rejectsEveryOtherMoveNamingBothStates(from: Status, to: Status) {
        Given<WebhookFailure>(events: Self.history(from)).when(Self.change(to))
            .thenRejects(.invalidTransition(Self.failure, from: from, to: to))
    }

    @Test func tenMovesAreForbidden() {
        #expect(Self.forbidden.count == 10)
    }

    @Test func onlyARecordedFailureMoves() {
        given(WebhookFailure.self).when(Self.change(.retrying)).thenRejects(.notRecorded(Self.failure))
    }
}
