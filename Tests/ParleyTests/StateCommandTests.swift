import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Testing

/// `parley state` on a file log: a reminder moved pending -> failed -> pending -> sent, and a message
/// stored as v1 by the code before v2.
@Suite struct StateCommandTests {
    struct Story {
        var directory: String
        var reminder: String
        var message: String
        /// The reminder's events' log positions, in version order.
        var positions: [UInt64]
    }

    static func makeLog() async throws -> Story {
        var story = try MigueFileLog(prefix: "state")
        let (directory, log) = (story.directory, story.log)
        let user = Migue.userID(phoneNumber: "+34600000010").lowercasedText
        let reminder = UUID(namespace: Migue.namespace, name: "state-reminder").lowercasedText
        try await story.submit("user.register", #"{"phone_number":"+34600000010"}"#, second: 0)
        try await story.submit(
            "reminder.create", #"{"reminder_id":"\#(reminder)","user_id":"\#(user)","title":"pagar la luz","scheduled_time":"2026-11-23T08:00:00Z"}"#,
            second: 60)
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"failed"}"#, second: 600)
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"pending"}"#, second: 1200)
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"sent"}"#, second: 1800)
        let message = Migue.messageID(waMessageID: "wamid.v1")
        let v1 = #"{"content":"hola","conversation_id":"\#(UUID(namespace: Migue.namespace, name: "c").uuidString)","#
            + #""direction":"inbound","message_id":"\#(message.uuidString)","recorded_at":"2026-11-22T10:05:00.000000Z","#
            + #""timestamp":"2026-11-22T10:04:59.000000Z","type":"text","wa_message_id":"wamid.v1"}"#
        _ = try await log.append(
            [ProposedEvent(
                id: UUID(namespace: Migue.namespace, name: "state-v1"), type: "migue.message.recorded", schemaVersion: 1,
                recordedAt: Timestamp(rfc3339: "2026-11-22T10:05:00Z")!, metadata: EventMetadata(actor: "old"),
                payload: Array(v1.utf8))],
            to: MigueStream.message(message), expected: .noStream, durability: .durable)
        let stream = StreamName("migue.reminder-\(reminder)")!
        let positions = try await log.read(stream: stream, from: 0, direction: .forwards, limit: 10).map(\.position.rawValue)
        try log.close()
        return Story(directory: directory, reminder: reminder, message: message.lowercasedText, positions: positions)
    }

    static func json(_ outcome: ParleyBinary.Outcome) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func theStateAsOfATimeBetweenTwoTransitions() async throws {
        let story = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: story.directory) }
        let outcome = try ParleyBinary.run([
            "state", "migue.reminder-\(story.reminder)", "--as-of", "2026-11-22T10:15:00Z", "--log", story.directory, "--json",
        ])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.split(separator: "\n").count == 1)
        let object = Self.json(outcome)
        #expect(object["version"] as? Int == 1 && object["events"] as? Int == 2)
        #expect(object["position"] as? UInt64 == story.positions[1])
        #expect(object["recorded_at"] as? String == "2026-11-22T10:10:00.000000Z")
        let state = object["state"] as? [String: Any]
        #expect(state?["status"] as? String == "failed")
        #expect((state?["created"] as? [String: Any])?["title"] as? String == "pagar la luz")
    }

    @Test func theStateBeforeAPositionAndNow() async throws {
        let story = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: story.directory) }
        let stream = "migue.reminder-\(story.reminder)"
        let before = try ParleyBinary.run(["state", stream, "--at-position", "\(story.positions[2])", "--log", story.directory, "--json"])
        #expect(before.status == 0, "\(before.standardError)")
        #expect((Self.json(before)["state"] as? [String: Any])?["status"] as? String == "failed")
        #expect(Self.json(before)["version"] as? Int == 1)
        let now = try ParleyBinary.run(["state", stream, "--log", story.directory])
        #expect(now.status == 0, "\(now.standardError)")
        let lines = now.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(stream)  version 3  position \(story.positions[3])  2026-11-22T10:30:00.000000Z  (4 events, now)")
        #expect(lines.contains("  status: sent"))
        #expect(lines.contains("  created:") && lines.contains("    title: pagar la luz"))
        #expect(lines.contains("    created_at: 2026-11-22T10:01:00.000000Z"))
        // A position past the log's end is the state now, and says so.
        let past = try ParleyBinary.run(["state", stream, "--at-position", "1000", "--log", story.directory])
        #expect(past.status == 0, "\(past.standardError)")
        #expect(past.standardOutput.split(separator: "\n").first.map(String.init)
            == "\(stream)  version 3  position \(story.positions[3])  2026-11-22T10:30:00.000000Z  "
            + "(4 events, before position 1000, past the log's end at \(story.positions[3] + 2): the state now)")
    }

    @Test func aV1MessageIsShownInTheCurrentShape() async throws {
        let story = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: story.directory) }
        let outcome = try ParleyBinary.run(["state", "migue.message-\(story.message)", "--log", story.directory, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let recorded = (Self.json(outcome)["state"] as? [String: Any])?["recorded"] as? [String: Any]
        #expect(recorded?["proactive"] as? Bool == false && recorded?["free_entry_point"] as? Bool == false)
        #expect(recorded?["content"] as? String == "hola")
    }

    @Test(arguments: [
        (["state", "migue.reminder-REMINDER", "--as-of", "2026-11-22T10:00:30Z"], "has no events as of 2026-11-22T10:00:30.000000Z"),
        (["state", "migue.reminder-REMINDER", "--at-position", "0"], "has no events before position 0"),
        (["state", "migue.reminder-nothing"], "stream migue.reminder-nothing has no events"),
        (["state", "migue.gadget-1"], "migue.gadget is not a category with a state here"),
        (["state", "wingman.user-1"], "wingman.user is not a category with a state here; known: migue.user, migue.conversation"),
        (["state", "nodash"], "expected a stream name category-id"),
        (["state", "migue.reminder-REMINDER", "--as-of", "yesterday"], "--as-of yesterday: expected an RFC 3339 time"),
        (["state", "migue.reminder-REMINDER", "--as-of", "2026-11-22T10:00:30Z", "--at-position", "3"], "not both"),
    ])
    func aPointWithoutEventsOrABadStreamIsAnError(arguments: [String], message: String) async throws {
        let story = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: story.directory) }
        let outcome = try ParleyBinary.run(arguments.map { $0.replacingOccurrences(of: "REMINDER", with: story.reminder) } + ["--log", story.directory])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        // Wrong arguments exit 64 with the usage; a stream without events at that point, 1 without.
        let usage = message.contains("expected") || message.contains("not both") || message.contains("not a category")
        #expect(outcome.standardError.contains("Usage: parley state") == usage)
        #expect(outcome.status == (usage ? 64 : 1))
    }
}
