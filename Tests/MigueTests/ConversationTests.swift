import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct ConversationTests {
    typealias F = Fixture
    typealias Status = Conversation.Status
    static let conversation = F.id("conversation")
    static let activation = F.id("activation")
    static let later = F.id("later-activation")

    static func started(_ status: Status = .active, wa: String? = nil) -> Conversation.Event {
        .started(Conversation.Started(
            conversationID: conversation, userID: F.userID, waConversationID: wa, status: status,
            activationID: status == .active ? activation : nil, startedAt: F.t0))
    }

    static func change(_ to: Status, at minute: Int64 = 5) -> Conversation.Command {
        .changeStatus(Conversation.ChangeStatus(conversationID: conversation, to: to, activationID: later, at: F.time(minute)))
    }

    @Test func startsActiveWithItsActivation() {
        given(Conversation.self)
            .when(.start(Conversation.Start(
                conversationID: Self.conversation, userID: F.userID, waConversationID: "wa-1", activationID: Self.activation, at: F.t0)))
            .then([Self.started(wa: "wa-1")])
    }

    @Test(arguments: [Status.archived, .closed])
    func startsInAnotherStatusWithoutAnActivation(status: Status) {
        given(Conversation.self)
            .when(.start(Conversation.Start(
                conversationID: Self.conversation, userID: F.userID, status: status, activationID: Self.activation, at: F.t0)))
            .then([Self.started(status)])
    }

    @Test func startsOnce() {
        given(Conversation.self, Self.started())
            .when(.start(Conversation.Start(conversationID: Self.conversation, userID: F.userID, activationID: Self.later, at: F.t0)))
            .thenRejects(.alreadyStarted(Self.conversation))
    }

    @Test func aWhatsAppIdHoldsAtMost64Characters() {
        let fits = String(repeating: "é", count: 64)
        let long = String(repeating: "w", count: 65)
        given(Conversation.self)
            .when(.start(Conversation.Start(conversationID: Self.conversation, userID: F.userID, waConversationID: fits, activationID: Self.activation, at: F.t0)))
            .then([Self.started(wa: fits)])
        given(Conversation.self)
            .when(.start(Conversation.Start(conversationID: Self.conversation, userID: F.userID, waConversationID: long, activationID: Self.activation, at: F.t0)))
            .thenRejects(.waConversationIDTooLong(long))
    }

    @Test(arguments: [(Status.active, Status.archived), (.active, .closed), (.archived, .closed)])
    func movesOutOfAStatus(from: Status, to: Status) {
        let history: [Conversation.Event] = from == .active ? [Self.started()] : [Self.started(from)]
        Given<Conversation>(events: history).when(Self.change(to))
            .then([.statusChanged(Conversation.StatusChanged(
                conversationID: Self.conversation, userID: F.userID, from: from, to: to, activationID: nil, changedAt: F.time(5)))],
                again: .failure(.invalidTransition(Self.conversation, from: to, to: to)))
    }

    @Test func reactivatesAnArchivedConversationWithANewActivation() {
        given(Conversation.self, Self.started(.archived)).when(Self.change(.active))
            .then([.statusChanged(Conversation.StatusChanged(
                conversationID: Self.conversation, userID: F.userID, from: .archived, to: .active, activationID: Self.later,
                changedAt: F.time(5)))])
    }

    @Test(arguments: [(Status.active, Status.active), (.archived, .archived), (.closed, .active), (.closed, .archived), (.closed, .closed)])
    func rejectsEveryOtherMove(from: Status, to: Status) {
        given(Conversation.self, Self.started(from)).when(Self.change(to))
            .thenRejects(.invalidTransition(Self.conversation, from: from, to: to))
    }

    @Test func onlyAStartedConversationMoves() {
        given(Conversation.self).when(Self.change(.archived)).thenRejects(.notStarted(Self.conversation))
    }

    @Test func endedActivationsAreRemembered() {
        let state = Conversation.fold([
            Self.started(),
            .statusChanged(Conversation.StatusChanged(
                conversationID: Self.conversation, userID: F.userID, from: .active, to: .archived, changedAt: F.time(1))),
            .statusChanged(Conversation.StatusChanged(
                conversationID: Self.conversation, userID: F.userID, from: .archived, to: .active, activationID: Self.later,
                changedAt: F.time(2))),
        ])
        #expect(state.status == .active)
        #expect(state.activation == Self.later)
        #expect(state.endedActivations == [Self.activation])
    }

    @Test func theRejectionNamesBothStates() {
        #expect(Conversation.Rejection.invalidTransition(Self.conversation, from: .closed, to: .active).description
            == "conversation \(Self.conversation.uuidString.lowercased().prefix(8))...: cannot go from closed to active")
    }
}
