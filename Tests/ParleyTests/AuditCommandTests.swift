import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Testing

@Suite struct AuditCommandTests {
    /// A log with one user and a reminder moved pending -> failed -> pending -> sent.
    func makeLog() async throws -> (directory: String, reminder: String, commands: [String]) {
        var story = try MigueFileLog(prefix: "audit")
        let user = Migue.userID(phoneNumber: "+34600000009").lowercasedText
        let reminder = UUID(namespace: Migue.namespace, name: "audit-reminder").lowercasedText
        try await story.submit("user.register", #"{"phone_number":"+34600000009"}"#, second: 0, actor: "whatsapp")
        try await story.submit(
            "reminder.create", #"{"reminder_id":"\#(reminder)","user_id":"\#(user)","title":"pagar la luz","scheduled_time":"2026-11-23T08:00:00Z"}"#,
            second: 1, actor: "assistant")
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"failed"}"#, second: 2, actor: "scheduler")
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"pending"}"#, second: 3, actor: "ops")
        try await story.submit(
            "reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"sent","send_token":"\#(UUID().lowercasedText)"}"#, second: 4,
            actor: "scheduler")
        try story.log.close()
        return (story.directory, reminder, story.commands)
    }

    @Test func auditListsEachTransitionWithItsCommandActorAndPosition() async throws {
        let (directory, reminder, commands) = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try ParleyBinary.run(["audit", "migue", "--aggregate", "reminder", "--log", directory, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.map { "\($0["from"] ?? "") -> \($0["to"] ?? "")" } == ["pending -> failed", "failed -> pending", "pending -> sent"])
        #expect(lines.map { $0["actor"] as? String } == ["scheduler", "ops", "scheduler"])
        #expect(lines.map { $0["command"] as? String } == Array(commands[2...4]))
        #expect(lines.allSatisfy { $0["id"] as? String == reminder && $0["category"] as? String == "migue.reminder" })
        #expect(lines.map { $0["at"] as? String } == ["2026-11-22T10:00:02.000000Z", "2026-11-22T10:00:03.000000Z", "2026-11-22T10:00:04.000000Z"])
        let positions = lines.compactMap { $0["position"] as? Int }
        #expect(positions == positions.sorted() && positions.count == 3)

        let window = try ParleyBinary.run([
            "audit", "migue", "--since", "2026-11-22T10:00:03Z", "--until", "2026-11-22T10:00:03Z", "--log", directory, "--json",
        ])
        #expect(window.standardOutput.split(separator: "\n").count == 1)
        let bad = try ParleyBinary.run(["audit", "migue", "--since", "yesterday", "--log", directory])
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("--since yesterday: expected an RFC 3339 time"))
        // A window that ends before it starts is refused, not answered with nothing; an equal
        // time written in another offset is the same instant and stays allowed.
        let reversed = try ParleyBinary.run([
            "audit", "migue", "--since", "2026-11-22T10:00:04Z", "--until", "2026-11-22T10:00:03Z", "--log", directory,
        ])
        #expect(reversed.status == 64)
        #expect(reversed.standardError.contains("--since 2026-11-22T10:00:04Z is later than --until 2026-11-22T10:00:03Z"), "\(reversed.standardError)")
        let sameInstant = try ParleyBinary.run([
            "audit", "migue", "--since", "2026-11-22T11:00:03+01:00", "--until", "2026-11-22T10:00:03Z", "--log", directory, "--json",
        ])
        #expect(sameInstant.status == 0, "\(sameInstant.standardError)")
        #expect(sameInstant.standardOutput.split(separator: "\n").count == 1)

        // An id the log has no aggregate of is an error naming where it was looked for; a known
        // one without transitions in the window is an empty answer.
        let typo = try ParleyBinary.run(["audit", "migue", "--aggregate", "reminder", "--id", reminder + "0", "--log", directory])
        #expect(typo.status == 1 && typo.standardOutput.isEmpty)
        #expect(typo.standardError.contains("no aggregate \(reminder)0 in migue.reminder"), "\(typo.standardError)")
        let quiet = try ParleyBinary.run(["audit", "migue", "--id", reminder, "--until", "2026-11-22T10:00:01Z", "--log", directory])
        #expect(quiet.status == 0, "\(quiet.standardError)")
        #expect(quiet.standardOutput == "no transitions\n")
    }

    @Test func auditReadsTransitionsThroughTheProductsDecoder() async throws {
        var story = try MigueFileLog(prefix: "audit-future")
        defer { try? FileManager.default.removeItem(atPath: story.directory) }
        let user = Migue.userID(phoneNumber: "+34600000012").lowercasedText
        let reminder = UUID(namespace: Migue.namespace, name: "audit-future-reminder").lowercasedText
        try await story.submit("user.register", #"{"phone_number":"+34600000012"}"#, second: 0)
        try await story.submit(
            "reminder.create", #"{"reminder_id":"\#(reminder)","user_id":"\#(user)","title":"t","scheduled_time":"2026-11-23T08:00:00Z"}"#,
            second: 1)
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"failed"}"#, second: 2)
        // A status change stored by a later build, with a schema version this one cannot read.
        let stream = try #require(StreamName("migue.reminder-\(reminder)"))
        var future = try #require(try await story.log.read(stream: stream, from: StreamVersion(1), direction: .forwards, limit: 1).first).event
        future.id = UUID(namespace: Migue.namespace, name: "audit-future-event")
        future.schemaVersion = 2
        guard case .appended(let stored) = try await story.log.append([future], to: stream, expected: .any) else {
            Issue.record("the future event was not appended")
            return
        }
        try story.log.close()

        let audit = try ParleyBinary.run(["audit", "migue", "--log", story.directory])
        #expect(audit.status == 1, "\(audit.standardOutput)")
        #expect(audit.standardError.contains(
            "cannot read the event at position \(stored.first) in migue.reminder-\(reminder): event migue.reminder.status-changed v2: unknown schema version"),
            "\(audit.standardError)")
        let messages = try ParleyBinary.run(["audit", "migue", "--aggregate", "message", "--log", story.directory])
        #expect(messages.status == 64)
        #expect(messages.standardError.contains("migue.message has no states to move between (those that do: conversation, reminder, "),
            "\(messages.standardError)")

        // Every command that decodes the stream names the event it cannot read, not the stream or the command.
        let named = "cannot read the event at position \(stored.first) in migue.reminder-\(reminder): "
            + "event migue.reminder.status-changed v2: unknown schema version"
        let state = try ParleyBinary.run(["state", "migue.reminder-\(reminder)", "--log", story.directory])
        #expect(state.status == 1 && state.standardOutput.isEmpty)
        #expect(state.standardError.contains(named), "\(state.standardError)")
        let explain = try ParleyBinary.run(["explain", "migue.reminders", reminder, "--log", story.directory])
        #expect(explain.status == 1 && explain.standardOutput.isEmpty)
        #expect(explain.standardError.contains(named), "\(explain.standardError)")
        let commands = story.directory + "-commands.jsonl"
        defer { try? FileManager.default.removeItem(atPath: commands) }
        let retry = #"{"id":"\#(UUID())","product":"migue","type":"reminder.change-status","at":"2026-11-22T10:00:09Z","actor":"t","#
            + #""data":{"reminder_id":"\#(reminder)","status":"pending"}}"#
        try Data((retry + "\n").utf8).write(to: URL(fileURLWithPath: commands))
        let submit = try ParleyBinary.run(["submit", commands, "--log", story.directory])
        #expect(submit.status == 1 && submit.standardOutput.isEmpty)
        #expect(submit.standardError.contains("line 1: \(named)"), "\(submit.standardError)")
        #expect(submit.standardError.contains("this build of parley cannot read that event"), "\(submit.standardError)")
        #expect(!submit.standardError.contains("submit it again"), "\(submit.standardError)")
    }

    @Test func historyPrintsEveryEventOfAStream() async throws {
        let (directory, reminder, _) = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try ParleyBinary.run(["history", "migue.reminder-\(reminder)", "--log", directory, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.map { $0["version"] as? Int } == [0, 1, 2, 3])
        #expect(lines.first?["type"] as? String == "migue.reminder.created")
        let missing = try ParleyBinary.run(["history", "migue.reminder-nothing", "--log", directory])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("has no events"))
    }
}

@Suite struct ExplainCommandTests {
    @Test func explainTracesARowToTheEventsThatWroteIt() async throws {
        let (directory, reminder, commands) = try await AuditCommandTests().makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try ParleyBinary.run(["explain", "migue.reminders", reminder, "--log", directory, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.map { $0["verb"] as? String } == ["INSERT", "UPDATE", "UPDATE", "UPDATE"])
        #expect(lines.map { $0["event_type"] as? String } == [
            "migue.reminder.created", "migue.reminder.status-changed", "migue.reminder.status-changed", "migue.reminder.status-changed",
        ])
        #expect(lines.map { $0["command"] as? String } == Array(commands[1...4]))
        #expect(lines.map { $0["actor"] as? String } == ["assistant", "scheduler", "ops", "scheduler"])
        // The user row is written by the registration only, not by the reminder that references it.
        let user = Migue.userID(phoneNumber: "+34600000009").lowercasedText
        let userRows = try ParleyBinary.run(["explain", "migue.users", user, "--log", directory, "--json"])
        #expect(userRows.status == 0, "\(userRows.standardError)")
        let userLines = userRows.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(userLines.map { $0["event_type"] as? String } == ["migue.user.registered"])
        for mode in [[], ["--json"]] {
            let nothing = try ParleyBinary.run(["explain", "migue.reminders", UUID().uuidString, "--log", directory] + mode)
            #expect(nothing.status == 1)
            #expect(nothing.standardOutput.isEmpty)
            #expect(nothing.standardError.contains("no event wrote"))
        }
        let unknownSchema = try ParleyBinary.run(["explain", "migue_garbage.reminders", reminder, "--log", directory])
        #expect(unknownSchema.status == 64)
        #expect(unknownSchema.standardError.contains("schema migue_garbage belongs to no projection"))
        // An id printed in uppercase (payloads, state) finds its stream.
        let upper = try ParleyBinary.run(["history", "migue.reminder-\(reminder.uppercased())", "--log", directory])
        #expect(upper.status == 0, "\(upper.standardError)")
        let audit = try ParleyBinary.run(["audit", "migue", "--aggregate", "reminder", "--id", reminder.uppercased(), "--log", directory, "--json"])
        #expect(audit.status == 0, "\(audit.standardError)")
        let transitions = audit.standardOutput.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(transitions.map { "\($0["from"] ?? "") -> \($0["to"] ?? "")" } == ["pending -> failed", "failed -> pending", "pending -> sent"])
        for (arguments, message) in [(["audit", "nope"], "no product named nope"), (["audit", "migue", "--aggregate", "reminders"], "migue has no aggregate reminders")] {
            let wrong = try ParleyBinary.run(arguments + ["--log", directory])
            #expect(wrong.status == 64)
            #expect(wrong.standardError.contains(message), "\(wrong.standardError)")
        }
        let badTable = try ParleyBinary.run(["explain", "reminders", reminder, "--log", directory])
        #expect(badTable.standardError.contains("expected SCHEMA.TABLE"))
        let unknownTable = try ParleyBinary.run(["explain", "migue_v2.reminder", reminder, "--log", directory])
        #expect(unknownTable.status == 64)
        #expect(unknownTable.standardError.contains("migue has no table reminder (tables: users, conversations, "), "\(unknownTable.standardError)")
        let badURL = try ParleyBinary.run(["status", "--database-url", "host=x port", "--log", directory])
        #expect(badURL.status == 64)
        #expect(badURL.standardError.contains("--database-url: "), "\(badURL.standardError)")
    }
}
