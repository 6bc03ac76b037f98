import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Testing

/// A command file with good and bad lines, and the exact line `parley submit` prints for each.
enum SubmitFixture {
    static let user = Migue.userID(phoneNumber: "+573001234567").uuidString.lowercased()
    static let conversation = Migue.conversationID(waConversationID: "wa.c1").uuidString.lowercased()
    static let message = Migue.messageID(waMessageID: "wamid.1").uuidString.lowercased()
    static let reminder = "7f3e0000-0000-4000-8000-000000000001"
    static let token = "5e000000-0000-4000-8000-000000000001"

    static func command(_ number: Int, _ type: String, at: String = "2026-11-22T10:00:00Z", product: String = "migue", _ data: String) -> String {
        let id = "00000000-0000-4000-8000-0000000000" + (number < 10 ? "0\(number)" : "\(number)")
        return #"{"id":"\#(id)","product":"\#(product)","type":"\#(type)","at":"\#(at)","actor":"test","data":{\#(data)}}"#
    }

    static let register = command(1, "user.register", #""phone_number":"+573001234567","name":"Ana""#)

    /// Thirteen lines: a blank one, six rejections and one resubmission among them.
    static let lines = [
        register,
        "",
        "{nope",
        command(4, "conversation.start", at: "2026-11-22T10:00:01Z", #""user_id":"\#(user)","wa_conversation_id":"wa.c1""#),
        command(5, "user.register", product: "wingman", "") + "\r",
        command(6, "message.record", at: "2026-11-22T10:00:03Z", #""conversation_id":"\#(conversation)","direction":"inbound","type":"text","content":"hola","wa_message_id":"wamid.1","timestamp":"2026-11-22T10:00:03Z""#),
        command(7, "user.delete", ""),
        command(8, "reminder.create", at: "2026-11-22T10:00:05Z", #""reminder_id":"\#(reminder)","user_id":"\#(user)","title":"Pagar la luz","scheduled_time":"2026-11-23T08:00:00Z""#),
        command(9, "reminder.change-status", at: "2026-11-23T08:00:00Z", #""reminder_id":"\#(reminder)","status":"sent","send_token":"\#(token)""#),
        command(10, "reminder.change-status", at: "2026-11-23T08:00:01Z", #""reminder_id":"\#(reminder)","status":"pending""#),
        command(11, "message.record", #""conversation_id":"\#(conversation)","type":"text","content":"x","wa_message_id":"wamid.2","timestamp":"2026-11-22T10:00:06Z""#),
        command(12, "reminder.create", #""reminder_id":"7f3e0000-0000-4000-8000-000000000002","user_id":"\#(user)","title":"t","scheduled_time":42"#),
        register,
    ]

    static let expected = [
        "line 1: appended migue.user.registered at 0 in migue.user-\(user)",
        "line 3: not valid JSON (reading stopped at byte 2)",
        "line 4: appended migue.user.active-conversation-claimed at 1 in migue.user-\(user); migue.conversation.started at 2 in migue.conversation-\(conversation)",
        #"line 5: product: unknown product "wingman"; known: "migue""#,
        // An inbound message opens the user's 24-hour window before it is recorded.
        "line 6: appended migue.window.opened at 3 in migue.window-\(user); migue.message.recorded at 4 in migue.message-\(message)",
        #"line 7: type: unknown migue command type "user.delete""#,
        "line 8: appended migue.reminder.created at 5 in migue.reminder-\(reminder)",
        "line 9: appended migue.send-token.claimed at 6 in migue.sendtoken-\(token); migue.reminder.status-changed at 7 in migue.reminder-\(reminder)",
        "line 10: reminder 7f3e0000...: cannot go from sent to pending",
        "line 11: data.direction: is required",
        "line 12: data.scheduled_time: expected an RFC 3339 time",
        "line 13: already stored: migue.user.registered at 0 in migue.user-\(user)",
    ]

    static func write(_ lines: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("parley-submit-\(UUID()).jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("parley-submit-log-\(UUID())").path
    }

    /// Every event in the log, through a read-only open.
    static func events(in directory: String) async throws -> [RecordedEvent] {
        let log = try FileEventLog(directory: directory, options: .init(readOnly: true), logger: Logger(label: "test"))
        return try await log.readAll(from: .start, limit: 10_000)
    }
}

@Suite struct SubmitCommandTests {
    @Test func printsOneLinePerCommandAndFailsWhenAnyIsRejected() async throws {
        let file = try SubmitFixture.write(SubmitFixture.lines)
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: log) }
        let outcome = try ParleyBinary.run(["submit", file, "--log", log])
        #expect(outcome.status == 65)
        #expect(outcome.standardOutput.split(separator: "\n").map(String.init) == SubmitFixture.expected)
        #expect(outcome.standardError == "parley: started a new event log at \(log)\n"
            + "submitted 12 commands: 5 appended (8 events), 1 already stored, 0 unchanged, 6 rejected\n")
        let events = try await SubmitFixture.events(in: log)
        #expect(events.map(\.position.rawValue) == Array(0..<8))
        // The rejected commands (5, 7, 10, 11, 12) caused nothing.
        let causes = Set(events.compactMap(\.metadata.causationID).map { $0.uuidString.lowercased().suffix(2) })
        #expect(causes == ["01", "04", "06", "08", "09"])
    }

    @Test func jsonLinesCarryPositionsEventsAndRejections() async throws {
        let file = try SubmitFixture.write(SubmitFixture.lines)
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: log) }
        let outcome = try ParleyBinary.run(["submit", file, "--log", log, "--json"])
        #expect(outcome.status == 65)
        let objects: [[String: Any]] = try outcome.standardOutput.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let numbers: [Int?] = objects.map { $0["line"] as? Int }
        #expect(numbers == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])
        let statuses: [String?] = objects.map { $0["status"] as? String }
        #expect(statuses == [
            "appended", "rejected", "appended", "rejected", "appended", "rejected", "appended", "appended", "rejected",
            "rejected", "rejected", "duplicate",
        ])
        #expect(objects[1]["command_id"] is NSNull)
        #expect(objects[3]["command_id"] as? String == "00000000-0000-4000-8000-000000000005")
        #expect(objects[3]["field"] as? String == "product")
        #expect(objects[8]["field"] is NSNull)
        #expect(objects[8]["message"] as? String == "reminder 7f3e0000...: cannot go from sent to pending")
        #expect(objects[7]["positions"] as? [Int] == [6, 7])
        let events = try #require(objects[7]["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["migue.send-token.claimed", "migue.reminder.status-changed"])
        #expect(events.map { $0["stream"] as? String } == ["migue.sendtoken-\(SubmitFixture.token)", "migue.reminder-\(SubmitFixture.reminder)"])
        #expect(events.map { $0["version"] as? Int } == [0, 1])
        #expect(objects[11]["positions"] as? [Int] == [0])
        #expect((objects[11]["events"] as? [[String: Any]])?.first?["already_stored"] as? Bool == true)
        #expect(outcome.standardError.isEmpty)
    }

    @Test func theSameCommandTwiceAppendsNothingAndReportsTheOriginalPositions() async throws {
        let log = SubmitFixture.scratch()
        let file = try SubmitFixture.write([SubmitFixture.register, SubmitFixture.lines[3]])
        defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: log) }
        let first = try ParleyBinary.run(["submit", file, "--log", log])
        #expect(first.status == 0, "\(first.standardError)")
        let second = try ParleyBinary.run(["submit", file, "--log", log])
        #expect(second.status == 0)
        #expect(second.standardOutput.split(separator: "\n").map(String.init) == [
            "line 1: already stored: migue.user.registered at 0 in migue.user-\(SubmitFixture.user)",
            "line 2: already stored: migue.user.active-conversation-claimed at 1 in migue.user-\(SubmitFixture.user); "
                + "migue.conversation.started at 2 in migue.conversation-\(SubmitFixture.conversation)",
        ])
        #expect(second.standardError == "submitted 2 commands: 0 appended (0 events), 2 already stored, 0 unchanged, 0 rejected\n")
        #expect(try await SubmitFixture.events(in: log).count == 3)
    }

    @Test(arguments: ["1", "1000"]) func theSameFileGivesByteIdenticalLogs(syncEvery: String) throws {
        let file = try SubmitFixture.write(SubmitFixture.lines)
        let logs = [SubmitFixture.scratch(), SubmitFixture.scratch()]
        defer { ([file] + logs).forEach { try? FileManager.default.removeItem(atPath: $0) } }
        for log in logs {
            let outcome = try ParleyBinary.run(["submit", file, "--log", log] + ["--sync-every", syncEvery])
            #expect(outcome.status == 65)
        }
        let segments = try logs.map { log in
            try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".seg") }.sorted()
        }
        #expect(segments[0] == ["00000000000000000000.seg"])
        #expect(segments[0] == segments[1])
        for segment in segments[0] {
            let bytes = try logs.map { try Data(contentsOf: URL(fileURLWithPath: $0 + "/" + segment)) }
            #expect(bytes[0].count > 0)
            #expect(bytes[0] == bytes[1])
        }
    }

    /// Many small groups: each group's sync runs in the background while the next is appended,
    /// and the log's bytes still do not depend on when it runs.
    @Test func aLongFileSyncedInSmallGroupsGivesByteIdenticalLogs() throws {
        let start = SubmitFixture.command(4, "conversation.start", #""user_id":"\#(SubmitFixture.user)","wa_conversation_id":"wa.c1""#)
        let messages = (0..<3000).map { index in
            let id = String(format: "00000000-0000-4000-8001-%012d", index)
            let at = String(format: "2026-11-22T%02d:%02d:%02dZ", 11 + index / 3600, index / 60 % 60, index % 60)
            return #"{"id":"\#(id)","product":"migue","type":"message.record","at":"\#(at)","actor":"test","data":{"conversation_id":"\#(SubmitFixture.conversation)","direction":"inbound","type":"text","content":"message \#(index) of a long day","wa_message_id":"wamid.long.\#(index)","timestamp":"\#(at)"}}"#
        }
        let file = try SubmitFixture.write([SubmitFixture.register, start] + messages)
        let logs = [SubmitFixture.scratch(), SubmitFixture.scratch()]
        defer { ([file] + logs).forEach { try? FileManager.default.removeItem(atPath: $0) } }
        for log in logs {
            let outcome = try ParleyBinary.run(["submit", file, "--log", log, "--sync-every", "7"])
            #expect(outcome.status == 0, "\(outcome.standardError)")
        }
        let bytes = try logs.map { try Data(contentsOf: URL(fileURLWithPath: $0 + "/00000000000000000000.seg")) }
        #expect(bytes[0].count > 100_000)
        #expect(bytes[0] == bytes[1])
    }

    @Test func readsStandardInput() throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        // Saved by an editor that starts the file with a byte order mark.
        let outcome = try ParleyBinary.run(["submit", "--log", log], input: "\u{FEFF}" + SubmitFixture.register + "\n")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput == "line 1: appended migue.user.registered at 0 in migue.user-\(SubmitFixture.user)\n")
    }

    /// A line far longer than any command (a binary file given by mistake) is refused as one line,
    /// and the lines after it are handled: the reader keeps only what refuses it.
    @Test func aRunawayLineIsOneRejection() throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let runaway = String(repeating: "a", count: 20 << 20)
        let outcome = try ParleyBinary.run(["submit", "--log", log], input: runaway + "\n" + SubmitFixture.register + "\n")
        #expect(outcome.status == 65, "\(outcome.standardError)")
        #expect(outcome.standardOutput == """
            line 1: the command is longer than 16 MiB (16777216 bytes)
            line 2: appended migue.user.registered at 0 in migue.user-\(SubmitFixture.user)

            """)
    }

    /// A folder or a missing file is named in the error; the log is not even created.
    @Test(arguments: [true, false]) func anUnreadableInputIsNamedAndNothingIsWritten(folder: Bool) throws {
        let log = SubmitFixture.scratch()
        let input = NSTemporaryDirectory() + "parley-submit-input-\(UUID().uuidString)"
        if folder { try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: false) }
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: log) }
        let outcome = try ParleyBinary.run(["submit", input, "--log", log])
        #expect(outcome.status == 1, "\(outcome.status)")
        #expect(outcome.standardError.contains("cannot read \(input): "), "\(outcome.standardError)")
        #expect(!FileManager.default.fileExists(atPath: log))
    }

    /// A new log is announced on standard error (a mistyped --log would otherwise start one
    /// quietly); a folder holding other files and no log is refused and left as it was.
    @Test func aNewLogIsAnnouncedAndAFolderOfOtherFilesIsRefused() throws {
        let log = SubmitFixture.scratch()
        let file = try SubmitFixture.write([SubmitFixture.register])
        defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: log) }
        let first = try ParleyBinary.run(["submit", file, "--log", log])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.hasPrefix("parley: started a new event log at \(log)\n"), "\(first.standardError)")
        let again = try ParleyBinary.run(["submit", file, "--log", log])
        #expect(!again.standardError.contains("started a new event log"), "\(again.standardError)")

        let other = SubmitFixture.scratch()
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        try "notes".write(toFile: other + "/notes.txt", atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let refused = try ParleyBinary.run(["submit", file, "--log", other])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("\(other) holds other files and no event log"), "\(refused.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: other) == ["notes.txt"])

        // The lock file a log's failed first open leaves behind does not make the folder foreign.
        let locked = SubmitFixture.scratch()
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: locked + "/writer.lock", contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: locked) }
        let resumed = try ParleyBinary.run(["submit", file, "--log", locked])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardError.hasPrefix("parley: started a new event log at \(locked)\n"), "\(resumed.standardError)")
    }
}
