import Foundation
import Testing

/// Ctrl-C during `parley import` ends the run after the command under way, syncs what it appended,
/// says how far it got and exits 130; the same import run again goes on from there.
@Suite struct ImportInterruptTests {
    /// One language of `count` three-line conversations: enough commands that a durable import
    /// is still running when the test interrupts it.
    func makeCorpus(conversations count: Int) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-import-interrupt-\(UUID())").path
        let text = "categories:\n- talk\nconversations:\n"
            + (0..<count).map { "- - Question \($0)?\n  - Answer \($0).\n  - Thanks \($0)\n" }.joined()
        let url = URL(fileURLWithPath: root + "/chatterbot_corpus/data/english/talk.yml")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return root
    }

    /// The writer's synced marker: positions below it are durable (Specs/log-format.md).
    func syncedPosition(in log: String) -> UInt64 {
        guard let bytes = FileManager.default.contents(atPath: log + "/synced"), bytes.count >= 8 else { return 0 }
        return bytes.prefix(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    @Test func anInterruptedImportStopsBetweenCommandsAndASecondRunGoesOn() async throws {
        let corpus = try makeCorpus(conversations: 250)
        let log = SubmitFixture.scratch()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let arguments = ["import", "chatterbot", "--corpus", corpus, "--languages", "en", "--log", log, "--json"]

        let process = Process()
        process.executableURL = ParleyBinary.url
        // Durable, so that it is still running when the signal comes; the second run need not be.
        process.arguments = arguments + ["--durable"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = ParleyBinary.waitFor(seconds: 60) { syncedPosition(in: log) >= 100 }
        #expect(started, "the import never synced 100 events")
        let (ended, said) = ParleyBinary.interrupt(process, errors: errors)
        #expect(ended, "still running 60 s after SIGINT")
        #expect(process.terminationStatus == 130, "\(said)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: output.fileHandleForReading.readDataToEndOfFile()) as? [String: Any], "\(said)")
        #expect(summary["stopped_by"] as? String == "SIGINT")
        let handled = try #require(summary["commands"] as? Int)
        let appended = try #require(summary["events_appended"] as? Int)
        #expect(said.contains("stopped by SIGINT: the first \(handled) of "), "\(said)")
        #expect(said.contains("and what they appended is durable. Run the same import again to go on"), "\(said)")
        // Synced by the close: the marker covers every event the run appended.
        #expect(syncedPosition(in: log) == UInt64(appended))

        let second = try ParleyBinary.run(arguments)
        #expect(second.status == 0, "\(second.standardError)")
        let rest = try #require(try JSONSerialization.jsonObject(with: Data(second.standardOutput.utf8)) as? [String: Any])
        #expect(rest["stopped_by"] == nil)
        let total = try #require(rest["commands"] as? Int)
        #expect(handled > 0 && handled < total, "stopped after \(handled) of \(total) commands")
        #expect(rest["already_stored"] as? Int == handled)
        #expect(rest["rejected"] as? Int == 0)
        let events = try await SubmitFixture.events(in: log)
        #expect(events.count == appended + (rest["events_appended"] as? Int ?? -1))
        #expect(events.map(\.position.rawValue) == Array(0..<UInt64(events.count)))

        // The two runs wrote what one uninterrupted run writes, and the first stopped where a
        // command begins: the event after its last has another causing command.
        let clean = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: clean) }
        let whole = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus, "--languages", "en", "--log", clean, "--json"])
        #expect(whole.status == 0, "\(whole.standardError)")
        let uninterrupted = try await SubmitFixture.events(in: clean)
        #expect(events.map(\.id) == uninterrupted.map(\.id))
        let boundary = try #require(uninterrupted.indices.contains(appended) ? appended : nil, "the first run appended everything")
        #expect(uninterrupted[boundary].metadata.causationID != uninterrupted[boundary - 1].metadata.causationID)
    }
}
