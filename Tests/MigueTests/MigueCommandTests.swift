import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct MigueCommandTests {
    typealias F = Fixture

    static func parse(_ type: String, _ data: [String: JSONValue], product: String = "migue") -> Result<MigueCommand, CommandRejection> {
        var envelope = F.command("parse", type, data)
        envelope.product = product
        do throws(CommandRejection) {
            return .success(try MigueCommand(envelope))
        } catch {
            return .failure(error)
        }
    }

    @Test func readsAReminder() {
        let reminder = F.id("r")
        #expect(Self.parse("reminder.create", [
            "reminder_id": F.uuid(reminder), "user_id": F.uuid(F.userID), "title": "Pagar", "scheduled_time": F.time(F.time(30)),
        ]) == .success(.createReminder(Reminder.Create(
            reminderID: reminder, userID: F.userID, title: "Pagar", scheduledTime: F.time(30), at: F.t0))))
    }

    @Test func idsDeriveFromWhatsAppIds() {
        let conversation = Migue.conversationID(waConversationID: "wa-c")
        #expect(Self.parse("conversation.start", ["user_id": F.uuid(F.userID), "wa_conversation_id": "wa-c"])
            == .success(.startConversation(Conversation.Start(
                conversationID: conversation, userID: F.userID, waConversationID: "wa-c",
                activationID: Migue.activationID(command: F.id("command/parse")), at: F.t0))))
        guard case .success(.recordMessage(let record)) = Self.parse("message.record", [
            "conversation_id": F.uuid(conversation), "direction": "inbound", "type": "text", "content": "hi",
            "wa_message_id": "wamid.9", "message_id": F.uuid(Migue.messageID(waMessageID: "wamid.9")),
            "timestamp": F.time(F.t0),
        ]) else {
            Issue.record("message.record did not parse")
            return
        }
        #expect(record.messageID == Migue.messageID(waMessageID: "wamid.9"))
    }

    @Test(arguments: [
        ("reminder.create", ["reminder_id": "x"], "data.reminder_id: expected a UUID"),
        ("reminder.create", ["reminder_id": F.uuid(F.id("r")), "user_id": F.uuid(F.userID), "title": "t", "scheduled_time": "soon"],
         "data.scheduled_time: expected an RFC 3339 time"),
        ("reminder.create", ["reminder_id": F.uuid(F.id("r")), "user_id": F.uuid(F.userID), "title": 5, "scheduled_time": "soon"],
         "data.title: expected a string, found a number"),
        ("reminder.change-status", ["reminder_id": F.uuid(F.id("r")), "status": "done"],
         #"data.status: expected one of "pending", "sent", "cancelled", "failed""#),
        ("reminder.change-status", ["reminder_id": F.uuid(F.id("r")), "status": "sent", "token": "x"],
         "data.token: is not a field of this command"),
        ("reminder.reschedule", ["reminder_id": F.uuid(F.id("r"))], "data.scheduled_time: is required"),
        ("reminder.reschedule", ["reminder_id": F.uuid(F.id("r")), "scheduled_time": F.time(F.t0), "status": "pending"],
         "data.status: is not a field of this command"),
        ("message.record", ["conversation_id": F.uuid(F.id("c")), "direction": "sideways"],
         "data.message_id: is required without wa_message_id"),
        ("message.record", ["wa_message_id": "", "conversation_id": F.uuid(F.id("c"))], "data.wa_message_id: must not be empty"),
        ("conversation.start", ["wa_conversation_id": "", "user_id": F.uuid(F.userID)], "data.wa_conversation_id: must not be empty"),
        ("message.record", ["message_id": F.uuid(F.id("m")), "wa_message_id": "w", "conversation_id": F.uuid(F.id("c"))],
         "data.message_id: must be omitted or \(Migue.messageID(waMessageID: "w").uuidString.lowercased()), the id derived from wa_message_id"),
        ("message.record", ["message_id": F.uuid(F.id("m")), "conversation_id": F.uuid(F.id("c")), "direction": "sideways"],
         #"data.direction: expected one of "inbound", "outbound""#),
        ("conversation.start", ["conversation_id": F.uuid(F.id("c"))], "data.user_id: is required"),
        ("user.register", ["name": "Ana"], "data.phone_number: is required"),
        ("user.update-profile", ["user_id": F.uuid(F.userID)], "data: needs name or preferences"),
        ("user.delete", [:], #"type: unknown migue command type "user.delete""#),
        ("user.delete\nline 9: appended", [:], #"type: unknown migue command type "user.delete\nline 9: appended""#),
        (String(repeating: "x", count: 40), [:], #"type: unknown migue command type "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"..."#),
    ] as [(String, [String: JSONValue], String)])
    func badDataIsRejectedNamingTheField(type: String, data: [String: JSONValue], message: String) {
        guard case .failure(let rejection) = Self.parse(type, data) else {
            Issue.record("\(type) was accepted")
            return
        }
        #expect(rejection.description == message)
    }

    @Test func anotherProductIsRejected() {
        #expect(Self.parse("user.register", ["phone_number": "+573001234567"], product: "nirva")
            == .failure(CommandRejection(field: "product", "expected \"migue\"")))
    }

    @Test func profileUpdatesTellLeavingFromClearing() {
        #expect(Self.parse("user.update-profile", ["user_id": F.uuid(F.userID), "name": .null])
            == .success(.updateProfile(User.UpdateProfile(userID: F.userID, name: .some(nil), preferences: nil, at: F.t0))))
    }
}
