import EventSourcing
import Foundation
import Migue

/// Builds migue command JSON for the runner's tests, with ids and times fixed by a counter.
struct MigueCommands {
    private var count = 0
    let base = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    mutating func command(_ type: String, _ data: String) -> String {
        count += 1
        let id = UUID(namespace: Migue.namespace, name: "test-command-\(count)").uuidString.lowercased()
        let at = base.adding(seconds: Int64(count))
        return #"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"\#(at)","actor":"test","data":\#(data)}"#
    }

    static func userID(_ phone: String) -> String { Migue.userID(phoneNumber: phone).uuidString.lowercased() }

    static func uuid(_ name: String) -> String { UUID(namespace: Migue.namespace, name: name).uuidString.lowercased() }

    /// A user with one active conversation of `messages` messages.
    mutating func conversation(phone: String, messages: Int) -> [String] {
        let user = Self.userID(phone)
        let conversation = Self.uuid("conversation-\(phone)")
        var lines = [
            command("user.register", #"{"phone_number":"\#(phone)","name":"Ana \#(phone.suffix(2))"}"#),
            command("conversation.start", #"{"conversation_id":"\#(conversation)","user_id":"\#(user)"}"#),
        ]
        for index in 0..<messages {
            let direction = index % 2 == 0 ? "inbound" : "outbound"
            lines.append(command(
                "message.record",
                #"{"conversation_id":"\#(conversation)","direction":"\#(direction)","type":"text","content":"hola \#(index)","wa_message_id":"wamid.\#(phone).\#(index)","timestamp":"\#(base.adding(seconds: Int64(index)))"}"#))
        }
        return lines
    }
}

extension MigueService {
    /// Handles every line; fails the test run on a rejection.
    func submit(_ lines: [String]) async throws {
        for line in lines {
            if case .rejected(let rejection) = try await handle(json: Array(line.utf8)) {
                throw RejectedInTest(line: line, rejection: "\(rejection)")
            }
        }
    }

    struct RejectedInTest: Error, CustomStringConvertible {
        var line: String
        var rejection: String
        var description: String { "rejected: \(rejection) in \(line)" }
    }
}
