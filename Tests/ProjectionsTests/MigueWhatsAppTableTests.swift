import EventSourcing
import Foundation
import Migue
import Postgres
import Testing

/// The story's flow sessions, call logs, interactions and locations, as the runner projected them:
/// every column of every row, after each state machine's moves.
@Suite struct MigueWhatsAppTableTests {
    typealias Story = MigueStory
    static let h = MigueScript.hour

    static func flow(_ token: String) -> String { Migue.flowSessionID(flowToken: token).uuidString.lowercased() }
    static func call(_ callID: String) -> String { Migue.callLogID(callID: callID).uuidString.lowercased() }

    @Test func flowSessions() async throws {
        let connection = try await ProjectedStory.connect()
        func expect(
            _ token: String, user: String, conversation: String?, flowID: String, type: String, session: String, response: Cell,
            status: String, created: Int64, updated: Int64, completed: Int64?, expires: Int64
        ) throws {
            let id = Self.flow(token)
            try connection.expectRow("flow_sessions", id: id, [
                "id": .text(id), "user_id": .text(user), "conversation_id": conversation.map(Cell.text) ?? .null,
                "flow_id": .text(flowID), "flow_token": .text(token), "flow_type": .text(type), "session_data": .json(session),
                "response_data": response, "status": .text(status), "created_at": .time(created), "updated_at": .time(updated),
                "completed_at": completed.map(Cell.time) ?? .null, "expires_at": .time(expires),
            ])
        }
        // pending -> in_progress -> completed: completed_at and response_data set; expires_at 24 hours after creation.
        try expect(
            "tok-booking", user: Story.ana, conversation: Story.anaFirst, flowID: "1234567890", type: "data_exchange",
            session: #"{"screen":"BOOKING","services":["corte","barba"],"step":1}"#,
            response: .json(#"{"date":"2026-12-01","slot":"10:30","services":["corte"],"price":35000}"#),
            status: "completed", created: Self.h, updated: Self.h + 600, completed: Self.h + 600, expires: 25 * Self.h)
        // pending -> expired after its own expires_at: no completion, session_data the default {}.
        try expect(
            "tok-survey", user: Story.ana, conversation: nil, flowID: "survey-1", type: "navigate", session: "{}", response: .null,
            status: "expired", created: Self.h + 10, updated: 3 * Self.h, completed: nil, expires: 2 * Self.h)
        // pending -> completed (a navigate flow) without a response.
        try expect(
            "tok-menu", user: Story.bob, conversation: Story.bobConversation, flowID: "menu", type: "navigate", session: "{}",
            response: .null, status: "completed", created: 2 * Self.h, updated: 2 * Self.h + 40, completed: 2 * Self.h + 40,
            expires: 26 * Self.h)
        try expect(
            "tok-broken", user: Story.bob, conversation: nil, flowID: "signup", type: "data_exchange", session: "[]", response: .null,
            status: "failed", created: 2 * Self.h + 50, updated: 2 * Self.h + 55, completed: nil, expires: 26 * Self.h + 50)
    }

    @Test func callLogs() async throws {
        let connection = try await ProjectedStory.connect()
        func expect(
            _ callID: String, user: String, conversation: String?, direction: String, status: String, duration: String?,
            reason: String?, timestamp: Int64, created: Int64
        ) throws {
            let id = Self.call(callID)
            try connection.expectRow("call_logs", id: id, [
                "id": .text(id), "user_id": .text(user), "conversation_id": conversation.map(Cell.text) ?? .null,
                "call_id": .text(callID), "direction": .text(direction), "status": .text(status),
                "duration_seconds": duration.map(Cell.text) ?? .null, "end_reason": reason.map(Cell.text) ?? .null,
                "timestamp": .time(timestamp), "created_at": .time(created),
            ])
        }
        // initiated -> accepted -> ended, with the time WhatsApp gave rather than the command's.
        try expect(
            "wacid.call-1", user: Story.ana, conversation: Story.anaFirst, direction: "inbound", status: "ended", duration: "290",
            reason: "completed", timestamp: 4 * Self.h, created: 4 * Self.h + 1)
        try expect(
            "wacid.call-2", user: Story.bob, conversation: nil, direction: "outbound", status: "rejected", duration: nil,
            reason: "user_busy", timestamp: 5 * Self.h, created: 5 * Self.h)
        try expect(
            "wacid.call-3", user: Story.ana, conversation: Story.anaSecond, direction: "outbound", status: "failed", duration: nil,
            reason: "timeout", timestamp: 5 * Self.h + 30, created: 5 * Self.h + 30)
    }

    @Test func userInteractions() async throws {
        let connection = try await ProjectedStory.connect()
        let ids = Story.interactions
        func expect(
            _ id: String, user: String, conversation: String?, type: String, title: String? = nil, url: String? = nil,
            metadata: String?, timestamp: Int64, created: Int64
        ) throws {
            try connection.expectRow("user_interactions", id: id, [
                "id": .text(id), "user_id": .text(user), "conversation_id": conversation.map(Cell.text) ?? .null,
                "interaction_type": .text(type), "button_title": title.map(Cell.text) ?? .null,
                "button_url": url.map(Cell.text) ?? .null, "metadata": metadata.map(Cell.json) ?? .null,
                "timestamp": .time(timestamp), "created_at": .time(created),
            ])
        }
        try expect(
            ids.tap, user: Story.ana, conversation: Story.anaFirst, type: "cta_button_tap", title: "Reservar cita",
            url: "https://migue.ai/reservas?ref=wa&utm=nov", metadata: #"{"campaign":"noviembre"}"#, timestamp: 4 * Self.h - 30,
            created: 4 * Self.h)
        try expect(
            ids.flow, user: Story.ana, conversation: Story.anaFirst, type: "flow_completion", metadata: #"{"flow_token":"tok-booking"}"#,
            timestamp: Self.h + 600, created: Self.h + 600)
        try expect(
            ids.accepted, user: Story.ana, conversation: Story.anaFirst, type: "call_accepted", metadata: #"{"call_id":"wacid.call-1"}"#,
            timestamp: 4 * Self.h + 10, created: 4 * Self.h + 10)
        try expect(
            ids.rejected, user: Story.bob, conversation: nil, type: "call_rejected", metadata: nil, timestamp: 5 * Self.h + 20,
            created: 5 * Self.h + 20)
    }

    /// Coordinates keep exactly the decimals given, at the columns' scale of 8, including the range's ends.
    @Test func userLocations() async throws {
        let connection = try await ProjectedStory.connect()
        let ids = Story.locations
        try connection.expectRow("user_locations", id: ids.bogota, [
            "id": .text(ids.bogota), "user_id": .text(Story.ana), "conversation_id": .text(Story.anaFirst),
            "latitude": .text("4.67650000"), "longitude": .text("-74.05480000"), "name": .text("Parque de la 93"),
            "address": .text("Cl. 93A #11A-11, Bogotá"), "timestamp": .time(3 * Self.h - 5), "created_at": .time(3 * Self.h),
        ])
        try connection.expectRow("user_locations", id: ids.corner, [
            "id": .text(ids.corner), "user_id": .text(Story.bob), "conversation_id": .null,
            "latitude": .text("-90.00000000"), "longitude": .text("180.00000000"), "name": .null, "address": .null,
            "timestamp": .time(30 * Self.h + 2), "created_at": .time(30 * Self.h + 2),
        ])
        try connection.expectRow("user_locations", id: ids.precise, [
            "id": .text(ids.precise), "user_id": .text(Story.bob), "conversation_id": .text(Story.bobConversation),
            "latitude": .text("37.77492950"), "longitude": .text("-122.41941551"), "name": .null, "address": .null,
            "timestamp": .time(30 * Self.h + 3), "created_at": .time(30 * Self.h + 3),
        ])
        let types = try connection.query(
            """
            SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
            WHERE attrelid = 'migue.user_locations'::regclass AND attname IN ('latitude', 'longitude') ORDER BY attname
            """)
        #expect(try types.map { try $0.decode("type", as: String.self) } == ["numeric(10,8)", "numeric(11,8)"])
    }
}
