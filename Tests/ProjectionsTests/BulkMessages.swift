import EventSourcing
import Foundation
import Migue

/// Many migue messages in a store, fast: users and conversations through the service, then message
/// events appended directly in their stored (version 1) JSON form.
enum BulkMessages {
    static let base = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    /// Writes `conversations` users with an active conversation each, then `messages` messages spread
    /// over them; returns the conversations with their user's phone.
    static func write(messages: Int, conversations: Int, to store: some EventStore) async throws -> [(id: UUID, phone: String)] {
        let service = MigueService(store: store, durability: .buffered)
        var commands = 0
        func submit(_ type: String, _ data: String) async throws {
            commands += 1
            let id = UUID(namespace: Migue.namespace, name: "bulk-\(commands)").lowercasedText
            let line = #"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"\#(base)","actor":"bulk","data":\#(data)}"#
            guard case .accepted = try await service.handle(json: Array(line.utf8)) else { throw Rejected(line: line) }
        }
        var created: [(id: UUID, phone: String)] = []
        for index in 0..<conversations {
            let phone = "+3462\(String(format: "%07d", index))"
            let conversation = UUID(namespace: Migue.namespace, name: "bulk-conversation-\(index)")
            try await submit("user.register", #"{"phone_number":"\#(phone)","name":"Bulk \#(index)"}"#)
            try await submit(
                "conversation.start",
                #"{"conversation_id":"\#(conversation.lowercasedText)","user_id":"\#(Migue.userID(phoneNumber: phone).lowercasedText)"}"#)
            created.append((conversation, phone))
        }
        for index in 0..<messages {
            try await appendOne(index: index, conversation: created[index % created.count], to: store, prefix: "bulk")
        }
        return created
    }

    /// Appends one `migue.message.recorded` event (schema version 1) to its own stream.
    static func appendOne(index: Int, conversation: (id: UUID, phone: String), to store: some EventStore, prefix: String = "live") async throws {
        let id = UUID(namespace: Migue.namespace, name: "\(prefix)-message-\(index)")
        let time = base.adding(seconds: Int64(index))
        let payload = #"{"content":"message \#(index)","conversation_id":"\#(conversation.id.uuidString)","direction":"outbound","message_id":"\#(id.uuidString)","recorded_at":"\#(time)","timestamp":"\#(time)","type":"text","wa_message_id":"wamid.\#(prefix).\#(index)"}"#
        let event = ProposedEvent(
            id: UUID(namespace: id, name: "recorded"), type: "migue.message.recorded", schemaVersion: 1, recordedAt: time,
            metadata: EventMetadata(actor: "bulk"), payload: Array(payload.utf8))
        let result = try await store.append([event], to: MigueStream.message(id), expected: .noStream, durability: .buffered)
        guard case .appended = result else { throw Rejected(line: "\(result)") }
    }

    struct Rejected: Error, CustomStringConvertible {
        var line: String
        var description: String { "not accepted: \(line)" }
    }
}
