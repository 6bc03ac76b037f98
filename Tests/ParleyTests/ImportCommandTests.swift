import Foundation
import Testing

@Suite struct ImportCommandTests {
    /// A corpus of two languages: six English conversations (one a plain string), two German.
    func makeCorpus() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-import-corpus-\(UUID())").path
        let files = [
            "english/greetings.yml": "categories:\n- greetings\nconversations:\n- - Hello\n  - Hi\n- - How are you?\n  - Fine.\n  - And you?\n- Who are you? - A bot.\n- - yes\n  - 42\n- - One\n  - Two\n- - Bye\n  - See you\n",
            "german/gruss.yml": "categories:\n- gruss\nconversations:\n- - Hallo\n  - Guten Tag\n- - Tschüss\n  - Bis bald\n",
            "spanish/saludos.yml": "conversations:\n- - Hola\n  - Buenas\n",
        ]
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/chatterbot_corpus/data/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    func summary(_ outcome: ParleyBinary.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }

    @Test func importsTwoLanguagesWithALimitAndASecondRunAddsNothing() throws {
        let corpus = try makeCorpus()
        let logs = [SubmitFixture.scratch(), SubmitFixture.scratch()]
        defer { ([corpus] + logs).forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let arguments = ["import", "chatterbot", "--corpus", corpus, "--languages", "en,de", "--limit", "5", "--json"]
        // Yams announces YAMS_DEFAULT_ENCODING on standard output when it reads it: the import names its encoding.
        let environment = ProcessInfo.processInfo.environment.merging(["YAMS_DEFAULT_ENCODING": "UTF8"]) { $1 }
        let first = try ParleyBinary.run(arguments + ["--log", logs[0]], environment: environment)
        #expect(first.status == 0, "\(first.standardError)")
        let counts = try summary(first)
        #expect(counts["conversations"] as? Int == 7)
        #expect(counts["users"] as? Int == 7)
        // One per line, and a proactive follow-up for English 1 and 3 and German 1 (call and outreach slots).
        #expect(counts["messages"] as? Int == 2 + 3 + 1 + 2 + 2 + 2 + 2 + 3)
        // English 0 and 5 would have reminders, but the limit stops at 4; German 0 has one.
        #expect(counts["reminders"] as? Int == 2)
        // Slots by index modulo 4: flows for English 0 and 4 and German 0, calls (a busy user who
        // calls back) for English 1 and German 1, a location for English 2, outreach for English 3.
        let tables = try #require(counts["tables"] as? [String: Int])
        #expect(tables == [
            "users": 7, "conversations": 7, "messages_v2": 17, "reminders": 2, "messaging_windows": 7,
            "flow_sessions": 3, "call_logs": 4, "user_interactions": 3 + 4 + 1, "user_locations": 1,
            // An exchange memory per user line (8), a fact and a preference per user.
            "user_memory": 8 + 14,
            // Chat for the six conversations with a reply, embeddings and a media task for all seven.
            "ai_usage_tracking": 6 + 7 + 7, "scheduled_messages": 1, "webhook_failures": 1,
        ])
        // 7 x (register + start) + 17 messages + 2 x (create + sent) + flows (4 + 3 + 4 with their
        // completions) + calls (2 x 7 with the answers) + location and tap (2) + scheduled message
        // (2) + dead letter (3) + 22 memories + 20 AI usage records.
        #expect(counts["commands"] as? Int == 14 + 17 + 4 + 11 + 14 + 2 + 2 + 3 + 22 + 20)
        // register 1, start 2 (claim + started), each other command 1, plus: a window event (opened
        // or extended) per user line (8) and per proactive message (3), and a send token per sent
        // reminder (2).
        #expect(counts["events_appended"] as? Int == 109 + 7 + 8 + 3 + 2)
        #expect(counts["already_stored"] as? Int == 0)
        #expect(counts["rejected"] as? Int == 0)
        #expect(first.standardError.isEmpty)

        let second = try ParleyBinary.run(arguments + ["--log", logs[0]])
        #expect(second.status == 0, "\(second.standardError)")
        let again = try summary(second)
        #expect(again["events_appended"] as? Int == 0)
        #expect(again["already_stored"] as? Int == 109)

        let elsewhere = try ParleyBinary.run(arguments + ["--log", logs[1]])
        #expect(elsewhere.status == 0)
        let segment = "/00000000000000000000.seg"
        let bytes = try logs.map { try Data(contentsOf: URL(fileURLWithPath: $0 + segment)) }
        #expect(bytes[0] == bytes[1])
    }

    @Test func textSummaryAndUnknownLanguages() throws {
        let corpus = try makeCorpus()
        let log = SubmitFixture.scratch()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let outcome = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus, "--languages", "spanish", "--log", log])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.first == "conversations    1 (1 users, 2 messages, 1 reminders)")
        #expect(lines.dropFirst().first == "commands         16: 19 events appended, 0 already stored, 0 unchanged, 0 rejected")
        let rows = "rows             users 1, conversations 1, messages_v2 2, reminders 1, messaging_windows 1, "
            + "flow_sessions 1, call_logs 0, user_interactions 1, user_locations 0, user_memory 3, ai_usage_tracking 3, "
            + "scheduled_messages 0, webhook_failures 0"
        #expect(lines.dropFirst(2).first.map(String.init) == rows)
        let unknown = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus, "--languages", "xx", "--log", log])
        // A wrong option is a usage error (64, with the usage); a missing corpus is a failure (1, without).
        #expect(unknown.status == 64)
        #expect(unknown.standardError.contains(#"unknown language "xx""#))
        #expect(unknown.standardError.contains("Usage: parley import chatterbot"))
        let missing = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus + "/nowhere", "--log", log])
        #expect(missing.status == 1)
        #expect(!missing.standardError.contains("Usage:"))
        #expect(missing.standardError.contains("no chatterbot corpus at \(corpus)/nowhere/chatterbot_corpus/data"))
    }

    /// The test corpus, and a log where a user already registered the phone number the import
    /// gives the first Spanish conversation, so that its `user.register` is rejected.
    func corpusAndALogWhoseUserTakesTheFirstSpanishPhone() throws -> (corpus: String, log: String) {
        let corpus = try makeCorpus()
        let log = SubmitFixture.scratch()
        let taken = #"{"id":"00000000-0000-4000-8000-0000000000aa","product":"migue","type":"user.register","at":"2026-01-01T00:00:00Z","actor":"test","data":{"phone_number":"+9990019000000"}}"#
        let file = try SubmitFixture.write([taken])
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try ParleyBinary.run(["submit", file, "--log", log]).status == 0)
        return (corpus, log)
    }

    @Test func aRejectedImportCommandIsNamedAndFailsTheRun() throws {
        let (corpus, log) = try corpusAndALogWhoseUserTakesTheFirstSpanishPhone()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let outcome = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus, "--languages", "es", "--log", log, "--json"])
        #expect(outcome.status == 65)
        #expect(outcome.standardError.hasPrefix("rejected: command 1 (spanish/saludos.yml, conversation 0: user.register "))
        #expect(outcome.standardError.contains("already registered"))
        let counts = try summary(outcome)
        #expect(counts["rejected"] as? Int == 1)
        #expect(counts["events_appended"] as? Int == 19 - 1)
    }

    /// The close is what syncs a deferred import: when it fails, the run fails, even with a
    /// command rejected (exit 1, not 65), and says how far it got and what to do.
    @Test func aCloseThatFailsFailsTheRunOverARejection() throws {
        let (corpus, log) = try corpusAndALogWhoseUserTakesTheFirstSpanishPhone()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        // The index snapshot the close writes last cannot be renamed over a folder that is not empty.
        let snapshot = log + "/index.snapshot"
        try FileManager.default.removeItem(atPath: snapshot)
        try FileManager.default.createDirectory(atPath: snapshot + "/in-the-way", withIntermediateDirectories: true)
        let arguments = ["import", "chatterbot", "--corpus", corpus, "--languages", "es", "--log", log, "--json"]
        let failed = try ParleyBinary.run(arguments)
        #expect(failed.status == 1)
        #expect(failed.standardOutput.isEmpty, "no summary for a run that failed")
        #expect(failed.standardError.contains(
            "every command was handled (18 events appended, 1 rejected), but syncing and closing the log failed: "))
        #expect(failed.standardError.contains("run the same import again once the log can be written"))
        #expect(failed.standardError.contains(snapshot + ".tmp"), "the error names the file")
        // Once the way is clear, the same import finds stored what each command appended.
        try FileManager.default.removeItem(atPath: snapshot)
        let again = try ParleyBinary.run(arguments)
        #expect(again.status == 65, "\(again.standardError)")
        let counts = try summary(again)
        #expect(counts["events_appended"] as? Int == 0)
        #expect(counts["already_stored"] as? Int == 15, "the commands that appended the 18 events")
        #expect(counts["rejected"] as? Int == 1)
    }

    /// Damage the rerun would meet again is not met with "run the same import again".
    @Test func anImportThatMeetsADamagedBlockSaysSoInsteadOfAdvisingARerun() throws {
        let corpus = try makeCorpus()
        let log = SubmitFixture.scratch()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let arguments = ["import", "chatterbot", "--corpus", corpus, "--languages", "es", "--log", log]
        // Durable: a block per command, so the damaged first one is not the tail an open would judge.
        #expect(try ParleyBinary.run(arguments + ["--durable"]).status == 0)
        let segment = log + "/00000000000000000000.seg"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: segment)))
        bytes[32 + 40] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let outcome = try ParleyBinary.run(arguments)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("corrupt log: \(segment) at byte 32, position 0"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("The log is damaged where the error says: `parley log verify` reports what is sound"))
        #expect(!outcome.standardError.contains("Run the same import again"))
    }

    /// `PARLEY_HOME`, which `tools/pg` asks root to set, moves the corpus and log defaults too.
    @Test func theCorpusAndLogDefaultsFollowParleyHome() throws {
        let home = try makeCorpus()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/corpus", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: home + "/chatterbot_corpus", toPath: home + "/corpus/chatterbot_corpus")
        var environment = ProcessInfo.processInfo.environment.merging(["YAMS_DEFAULT_ENCODING": "UTF8", "PARLEY_HOME": home]) { $1 }
        environment["PARLEY_CORPUS"] = nil
        environment["PARLEY_LOG"] = nil
        // Run elsewhere, so that the checkout's own .parley is out of reach.
        let elsewhere = home + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let imported = try ParleyBinary.run(["import", "chatterbot", "--languages", "es", "--json"], environment: environment, directory: elsewhere)
        #expect(imported.status == 0, "\(imported.standardError)")
        #expect(try summary(imported)["conversations"] as? Int == 1)
        let verified = try ParleyBinary.run(["log", "verify", "--json"], environment: environment, directory: elsewhere)
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(FileManager.default.fileExists(atPath: home + "/log/00000000000000000000.seg"))
        // PARLEY_CORPUS, which tools/test sets, comes before the home.
        environment["PARLEY_CORPUS"] = home + "/nowhere"
        let missing = try ParleyBinary.run(["import", "chatterbot", "--json"], environment: environment, directory: elsewhere)
        #expect(missing.status != 0)
        #expect(missing.standardError.contains(home + "/nowhere"), "\(missing.standardError)")
    }
}
