import EventSourcing
import Foundation
import Testing
@testable import Migue

/// The SQL of messaging windows, flow sessions and call logs.
@Suite struct ProjectorWhatsAppTests {
    typealias F = Fixture
    static let window = Migue.windowID(userID: F.userID)

    static func refreshed(from: Timestamp?, fep: Timestamp? = nil) -> MessagingWindow.Refreshed {
        MessagingWindow.Refreshed(
            windowID: window, userID: F.userID, phoneNumber: F.phone, messageID: F.id("m"), lastUserMessageID: "wamid.1",
            fromExpiresAt: from, windowOpenedAt: F.t0, windowExpiresAt: F.time(1440), fromFreeEntryPointExpiresAt: nil,
            freeEntryPointExpiresAt: fep, at: F.time(1))
    }

    @Test func aFirstWindowIsInsertedWithNothingSentYet() throws {
        let event = MessagingWindow.Event.opened(Self.refreshed(from: nil, fep: F.time(4320)))
        #expect(try Projector.statements(for: ProjectorTests.recorded(event, in: MigueStream.window(F.userID))) == [SQLStatement(
            "INSERT INTO messaging_windows (id, user_id, phone_number, window_opened_at, window_expires_at, "
                + "last_user_message_id, proactive_messages_sent_today, last_proactive_sent_at, free_entry_point_expires_at, "
                + "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $8, $8)",
            [.uuid(Self.window), .uuid(F.userID), .text(F.phone), .timestamp(F.t0), .timestamp(F.time(1440)), .text("wamid.1"),
             .timestamp(F.time(4320)), .timestamp(F.time(1))], expectedRows: 1)])
    }

    @Test func aReopenedOrExtendedWindowUpdatesOnlyTheEndItLeaves() {
        let expected = [SQLStatement(
            "UPDATE messaging_windows SET window_opened_at = $3, window_expires_at = $4, last_user_message_id = $5, "
                + "free_entry_point_expires_at = $6, updated_at = $7 WHERE id = $1 AND window_expires_at = $2",
            [.uuid(Self.window), .timestamp(F.time(-60)), .timestamp(F.t0), .timestamp(F.time(1440)), .text("wamid.1"), .null,
             .timestamp(F.time(1))], expectedRows: 1)]
        #expect(Projector.statements(for: MessagingWindow.Event.opened(Self.refreshed(from: F.time(-60)))) == expected)
        #expect(Projector.statements(for: MessagingWindow.Event.extended(Self.refreshed(from: F.time(-60)))) == expected)
    }

    @Test func aProactiveMessageMovesTheCountItLeaves() {
        let event = MessagingWindow.Event.proactiveSent(MessagingWindow.ProactiveSent(
            windowID: Self.window, userID: F.userID, messageID: F.id("p"), allowedBy: .serviceWindow, fromSentToday: 3,
            sentToday: 4, fromLastProactiveSentAt: F.time(10), sentAt: F.time(20), at: F.time(21)))
        #expect(Projector.statements(for: event) == [SQLStatement(
            "UPDATE messaging_windows SET proactive_messages_sent_today = $4, last_proactive_sent_at = $5, "
                + "updated_at = $6 WHERE id = $1 AND proactive_messages_sent_today = $2 "
                + "AND last_proactive_sent_at IS NOT DISTINCT FROM $3::timestamptz",
            [.uuid(Self.window), .integer(3), .timestamp(F.time(10)), .integer(4), .timestamp(F.time(20)), .timestamp(F.time(21))], expectedRows: 1)])
    }

    @Test func aFlowIsInsertedPendingWithItsExpiry() throws {
        let flow = Migue.flowSessionID(flowToken: "tok")
        let event = FlowSession.Event.created(FlowSession.Created(
            flowSessionID: flow, flowToken: "tok", userID: F.userID, conversationID: F.id("c"), flowID: "booking",
            flowType: .dataExchange, sessionData: ["step": 1], status: .pending, expiresAt: F.time(1440), createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(event, in: MigueStream.flow(flow))) == [SQLStatement(
            "INSERT INTO flow_sessions (id, user_id, conversation_id, flow_id, flow_token, flow_type, session_data, "
                + "response_data, status, created_at, updated_at, completed_at, expires_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $9, NULL, $10)",
            [.uuid(flow), .uuid(F.userID), .uuid(F.id("c")), .text("booking"), .text("tok"), .text("data_exchange"),
             .json(#"{"step":1}"#), .text("pending"), .timestamp(F.t0), .timestamp(F.time(1440))], expectedRows: 1)])
    }

    @Test func completingAFlowSetsItsResponseAndTime() {
        let flow = F.id("flow")
        let completed = FlowSession.Event.statusChanged(FlowSession.StatusChanged(
            flowSessionID: flow, from: .inProgress, to: .completed, responseData: ["ok": true], completedAt: F.time(9),
            changedAt: F.time(9)))
        #expect(Projector.statements(for: completed) == [SQLStatement(
            "UPDATE flow_sessions SET status = $3, updated_at = $4, completed_at = $5, response_data = $6 "
                + "WHERE id = $1 AND status = $2",
            [.uuid(flow), .text("in_progress"), .text("completed"), .timestamp(F.time(9)), .timestamp(F.time(9)),
             .json(#"{"ok":true}"#)], expectedRows: 1)])
        let expired = FlowSession.Event.statusChanged(FlowSession.StatusChanged(
            flowSessionID: flow, from: .pending, to: .expired, changedAt: F.time(1440)))
        #expect(Projector.statements(for: expired) == [SQLStatement(
            "UPDATE flow_sessions SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
            [.uuid(flow), .text("pending"), .text("expired"), .timestamp(F.time(1440))], expectedRows: 1)])
    }

    @Test func aCallIsInsertedInitiatedAndMovedFromTheStatusItLeaves() throws {
        let call = Migue.callLogID(callID: "wacid.1")
        let initiated = CallLog.Event.initiated(CallLog.Initiated(
            callLogID: call, callID: "wacid.1", userID: F.userID, conversationID: nil, direction: .outbound,
            status: .initiated, timestamp: F.time(-1), createdAt: F.t0))
        #expect(try Projector.statements(for: ProjectorTests.recorded(initiated, in: MigueStream.call(call))) == [SQLStatement(
            "INSERT INTO call_logs (id, user_id, conversation_id, call_id, direction, status, duration_seconds, "
                + "end_reason, timestamp, created_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7, $8)",
            [.uuid(call), .uuid(F.userID), .null, .text("wacid.1"), .text("outbound"), .text("initiated"),
             .timestamp(F.time(-1)), .timestamp(F.t0)], expectedRows: 1)])
        let ended = CallLog.Event.statusChanged(CallLog.StatusChanged(
            callLogID: call, from: .accepted, to: .ended, durationSeconds: 95, endReason: .completed, changedAt: F.time(3)))
        #expect(Projector.statements(for: ended) == [SQLStatement(
            "UPDATE call_logs SET status = $3, duration_seconds = $4, end_reason = $5 WHERE id = $1 AND status = $2",
            [.uuid(call), .text("accepted"), .text("ended"), .integer(95), .text("completed")], expectedRows: 1)])
    }
}
