import EventSourcing
import Foundation
import Migue
import Postgres
import Testing

/// The story's users, conversations, messages, reminders and messaging windows, as the runner
/// projected them: every column of every row.
@Suite struct MigueCoreTableTests {
    typealias S = MigueScript
    typealias Story = MigueStory
    static let h = MigueScript.hour

    @Test func theWholeStoryProjectsWithoutARefusal() async throws {
        let projected = try await ProjectedStory.shared()
        let head = await projected.store.head()
        #expect(projected.applied == Int(head.rawValue))
        let connection = try await ProjectedStory.connect()
        let counts: [String: Int] = [
            "users": 2, "conversations": 3, "messages_v2": 10, "reminders": 3, "messaging_windows": 2, "flow_sessions": 4,
            "call_logs": 3, "user_interactions": 4, "user_locations": 3, "user_memory": 6, "ai_usage_tracking": 4,
            "scheduled_messages": 3, "webhook_failures": 2,
        ]
        for (table, count) in counts {
            #expect(try connection.query("SELECT count(*) AS n FROM migue.\(table)")[0].decode("n", as: Int.self) == count, "\(table)")
        }
    }

    @Test func users() async throws {
        let connection = try await ProjectedStory.connect()
        try connection.expectRow("users", id: Story.ana, [
            "id": .text(Story.ana), "phone_number": .text(Story.anaPhone), "name": .text("Ana María"),
            "preferences": .json(#"{"language":"es","timezone":"America/Bogota","tone":"formal"}"#),
            "created_at": .time(0), "updated_at": .time(2 * Self.h),
        ])
        try connection.expectRow("users", id: Story.bob, [
            "id": .text(Story.bob), "phone_number": .text(Story.bobPhone), "name": .null, "preferences": .null,
            "created_at": .time(5), "updated_at": .time(5),
        ])
    }

    @Test func conversations() async throws {
        let connection = try await ProjectedStory.connect()
        func expect(_ id: String, user: String, wa: String?, status: String, created: Int64, updated: Int64) throws {
            try connection.expectRow("conversations", id: id, [
                "id": .text(id), "user_id": .text(user), "wa_conversation_id": wa.map(Cell.text) ?? .null,
                "status": .text(status), "created_at": .time(created), "updated_at": .time(updated),
            ])
        }
        try expect(Story.anaFirst, user: Story.ana, wa: Story.anaWaConversation, status: "archived", created: 10, updated: 6 * Self.h)
        try expect(Story.anaSecond, user: Story.ana, wa: nil, status: "active", created: 20, updated: 6 * Self.h + 10)
        try expect(Story.bobConversation, user: Story.bob, wa: nil, status: "closed", created: 30, updated: 31 * Self.h)
    }

    /// (message id, conversation, direction, type, content, media_url, wa_message_id, command time); the
    /// message's `timestamp` is two seconds before the command.
    static let messages: [(String, String, String, String, String?, String?, String?, Int64)] = [
        (wa("wamid.ana.1"), Story.anaFirst, "inbound", "text", "Hola, vi su anuncio", nil, "wamid.ana.1", 62),
        (wa("wamid.ana.2"), Story.anaFirst, "outbound", "text", "¡Hola Ana! ¿En qué te ayudo?", nil, "wamid.ana.2", 92),
        (wa("wamid.ana.3"), Story.anaFirst, "inbound", "image", nil, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1",
         "wamid.ana.3", 2 * h + 2),
        (Story.proactive[0], Story.anaFirst, "outbound", "text", "Recuerda tu cita de mañana", nil, nil, 3 * h + 2),
        (Story.proactive[1], Story.anaFirst, "outbound", "text", "¿Confirmas la hora?", nil, nil, 5 * h + 2),
        (Story.proactive[2], Story.anaSecond, "outbound", "text", "Buenos días", nil, nil, 20 * h + 2),
        (Story.proactive[3], Story.anaSecond, "outbound", "interactive", "¿Reservamos?", nil, nil, 21 * h + 2),
        (wa("wamid.bob.1"), Story.bobConversation, "inbound", "text", "hi", nil, "wamid.bob.1", h + 2),
        (wa("wamid.bob.2"), Story.bobConversation, "inbound", "location", "📍 Parque de la 93", nil, "wamid.bob.2", 30 * h + 2),
        (Story.bobUnidentified, Story.bobConversation, "inbound", "text", "still there?", nil, nil, 30 * h + 62),
    ]

    static func wa(_ id: String) -> String { Migue.messageID(waMessageID: id).uuidString.lowercased() }

    @Test func messages() async throws {
        let connection = try await ProjectedStory.connect()
        for (id, conversation, direction, type, content, media, wa, at) in Self.messages {
            try connection.expectRow("messages_v2", id: id, [
                "id": .text(id), "conversation_id": .text(conversation), "direction": .text(direction), "type": .text(type),
                "content": content.map(Cell.text) ?? .null, "media_url": media.map(Cell.text) ?? .null,
                "wa_message_id": wa.map(Cell.text) ?? .null, "timestamp": .time(at - 2), "created_at": .time(at),
            ])
        }
        #expect(try connection.ids("messages_v2") == Self.messages.map(\.0).sorted())
    }

    @Test func reminders() async throws {
        let connection = try await ProjectedStory.connect()
        let ids = Story.reminders
        try connection.expectRow("reminders", id: ids.sent, [
            "id": .text(ids.sent), "user_id": .text(Story.ana), "title": .text("Cita de corte"), "description": .text("Barbería Chapinero"),
            "scheduled_time": .time(24 * Self.h), "status": .text("sent"), "created_at": .time(Self.h), "send_token": .text(Story.sendToken),
        ])
        // failed, then pending again with a new time.
        try connection.expectRow("reminders", id: ids.rescheduled, [
            "id": .text(ids.rescheduled), "user_id": .text(Story.ana), "title": .text("Pagar la luz"), "description": .null,
            "scheduled_time": .time(12 * Self.h), "status": .text("pending"), "created_at": .time(Self.h + 1), "send_token": .null,
        ])
        try connection.expectRow("reminders", id: ids.cancelled, [
            "id": .text(ids.cancelled), "user_id": .text(Story.bob), "title": .text("Call mom"), "description": .null,
            "scheduled_time": .time(9 * Self.h), "status": .text("cancelled"), "created_at": .time(2 * Self.h), "send_token": .null,
        ])
    }

    /// Ana's window opened through an ad and extended, with four proactive messages over two UTC
    /// days (the second day's two counted); Bob's lapsed, opened again and extended by a message
    /// without a WhatsApp id.
    @Test func messagingWindows() async throws {
        let connection = try await ProjectedStory.connect()
        let anaWindow = Migue.windowID(userID: UUID(uuidString: Story.ana)!).uuidString.lowercased()
        try connection.expectRow("messaging_windows", id: anaWindow, [
            "id": .text(anaWindow), "user_id": .text(Story.ana), "phone_number": .text(Story.anaPhone),
            "window_opened_at": .time(60), "window_expires_at": .time(26 * Self.h), "last_user_message_id": .text("wamid.ana.3"),
            "proactive_messages_sent_today": .text("2"), "last_proactive_sent_at": .time(21 * Self.h),
            "free_entry_point_expires_at": .time(60 + 72 * Self.h), "created_at": .time(62), "updated_at": .time(21 * Self.h + 2),
        ])
        let bobWindow = Migue.windowID(userID: UUID(uuidString: Story.bob)!).uuidString.lowercased()
        try connection.expectRow("messaging_windows", id: bobWindow, [
            "id": .text(bobWindow), "user_id": .text(Story.bob), "phone_number": .text(Story.bobPhone),
            "window_opened_at": .time(30 * Self.h), "window_expires_at": .time(54 * Self.h + 60),
            "last_user_message_id": .text(Story.bobUnidentified), "proactive_messages_sent_today": .text("0"),
            "last_proactive_sent_at": .null, "free_entry_point_expires_at": .null, "created_at": .time(Self.h + 2),
            "updated_at": .time(30 * Self.h + 62),
        ])
    }
}
