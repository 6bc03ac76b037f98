import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Testing

/// Text reports show text from commands and from the log on one line each: a newline in a title,
/// or in an actor a log written before actors were checked holds, is quoted, never printed raw.
@Suite struct TextReportTests {
    static let forgedActor = "ops\n2026-11-22T10:00:09.000000Z  forged line"

    /// A log whose reminder has a title with a newline, and a last status change stored with
    /// `forgedActor` (appended directly: a command with such an actor is refused).
    static func makeLog() async throws -> (directory: String, reminder: String) {
        var story = try MigueFileLog(prefix: "text")
        let (directory, log) = (story.directory, story.log)
        let user = Migue.userID(phoneNumber: "+34600000011").lowercasedText
        let reminder = UUID(namespace: Migue.namespace, name: "text-reminder").lowercasedText
        try await story.submit("user.register", #"{"phone_number":"+34600000011"}"#, second: 1)
        try await story.submit(
            "reminder.create",
            #"{"reminder_id":"\#(reminder)","user_id":"\#(user)","title":"Pay\n  status: cancelled","scheduled_time":"2026-11-23T08:00:00Z"}"#,
            second: 2)
        try await story.submit("reminder.change-status", #"{"reminder_id":"\#(reminder)","status":"failed"}"#, second: 3)
        let stream = try #require(StreamName("migue.reminder-\(reminder)"))
        let moved = try #require(try await log.read(stream: stream, from: StreamVersion(1), direction: .forwards, limit: 1).first)
        var event = moved.event
        event.id = UUID(namespace: Migue.namespace, name: "text-forged")
        event.metadata = EventMetadata(actor: forgedActor)
        _ = try await log.append([event], to: stream, expected: .any)
        try log.close()
        return (directory, reminder)
    }

    @Test func aCommandWithAControlCharacterInItsActorIsRefused() async throws {
        let line = #"{"id":"4f1c2a52-9d1e-4c7a-8f6e-0b2d3c4e5f60","product":"migue","type":"t","at":"2026-11-22T10:00:00Z","actor":"a\u001b[2Jb","data":{}}"#
        #expect(throws: CommandRejection(field: "actor", "must not hold a control character (a newline, a tab, an escape)")) {
            try CommandEnvelope(json: Array(line.utf8))
        }
    }

    @Test func auditHistoryAndStateQuoteTextThatHoldsANewline() async throws {
        let (directory, reminder) = try await Self.makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let quotedActor = JSONValue.string(Self.forgedActor).encoded
        let stream = "migue.reminder-\(reminder)"

        let audit = try ParleyBinary.run(["audit", "migue", "--aggregate", "reminder", "--log", directory])
        let history = try ParleyBinary.run(["history", stream, "--log", directory])
        let state = try ParleyBinary.run(["state", stream, "--log", directory])

        #expect(audit.status == 0 && history.status == 0 && state.status == 0, "\(audit.standardError)\(history.standardError)\(state.standardError)")
        let auditLines = audit.standardOutput.split(separator: "\n")
        #expect(auditLines.count == 2, "\(audit.standardOutput)")
        #expect(auditLines.last?.contains("pending -> failed  migue.reminder.status-changed  by \(quotedActor)  command -") == true)
        #expect(!history.standardOutput.contains("forged line\n") && history.standardOutput.contains("by \(quotedActor)"))
        let stateLines = state.standardOutput.split(separator: "\n").map(String.init)
        #expect(stateLines.contains(#"    title: "Pay\n  status: cancelled""#), "\(state.standardOutput)")
        #expect(!stateLines.contains("  status: cancelled"))
    }
}
