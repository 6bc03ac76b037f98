import Foundation
import Testing

/// `parley bench log --json` on a corner of the benchmark: what it prints must parse.
@Suite struct BenchLogCommandTests {
    /// A one-file corpus in a temporary folder, shaped like chatterbot-corpus.
    func makeCorpus() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-corpus-\(UUID())").path
        let folder = root + "/chatterbot_corpus/data/english"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let yaml = "conversations:\n- - Hello there\n  - Hi, how are you?\n- - Fine, thanks\n  - Good to hear\n"
        try yaml.write(toFile: folder + "/greetings.yml", atomically: true, encoding: .utf8)
        return root
    }

    @Test func oneCaseInJSONGivesItsFiguresAndNoRatioOfCasesNotRun() throws {
        let corpus = try makeCorpus()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-log-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        let outcome = try ParleyBinary.run(["bench", "log", "--only", "single", "--json", "--corpus", corpus, "--directory", scratch])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardError.isEmpty, "no progress in --json: \(outcome.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        let single = object?["durable_1_appender"] as? [String: Any]
        #expect((single?["rate"] as? Double ?? 0) > 0)
        #expect((object?["raw_fdatasync_per_s"] as? Double ?? 0) > 0)
        #expect((object?["ratio_1_appender_to_fdatasync"] as? Double ?? 0) > 0)
        #expect((object?["raw_fdatasync_into_zeros_per_s"] as? Double ?? 0) > 0)
        #expect(object?["durable_64_appenders"] == nil)
        #expect(object?["ratio_64_appenders_to_1"] == nil)
        #expect(object?["read_all_events_per_s"] == nil)
        #expect(!FileManager.default.fileExists(atPath: scratch), "the scratch folder is removed")
    }

    /// Bytes on disk count the index snapshot beside the segments: 20 bytes an event (an id and
    /// a stream number) and its table of blocks.
    @Test func bytesOnDiskCountTheIndexSnapshot() throws {
        let corpus = try makeCorpus()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-log-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        let outcome = try ParleyBinary.run(["bench", "log", "--only", "large", "--events", "2000", "--json", "--corpus", corpus, "--directory", scratch])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let index = try #require(object["index_bytes_per_event"] as? Double)
        let segments = try #require(object["segment_bytes_per_event"] as? Double)
        let disk = try #require(object["disk_bytes_per_event"] as? Double)
        #expect(index >= 20 && index < 24, "\(index)")
        #expect(segments > 0 && abs(disk - (segments + index)) < 0.001)
        let json = try #require(object["json_bytes_per_event"] as? Double)
        #expect(abs((object["ratio_disk_to_json"] as? Double ?? 0) - disk / json) < 0.0001)
    }

    @Test func aFolderTheBenchmarkDidNotMakeIsRefusedAndKept() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-keep-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("an event log, say".utf8).write(to: URL(fileURLWithPath: folder + "/keep"))
        let outcome = try ParleyBinary.run(["bench", "log", "--only", "single", "--corpus", "/nonexistent", "--directory", folder])
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("--directory \(folder) exists and was not made by parley bench"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("Usage: parley bench log "), "the benchmark's usage, not the root's: \(outcome.standardError)")
        #expect(FileManager.default.fileExists(atPath: folder + "/keep"))
        // A folder an interrupted run left (marked) is the benchmark's own: it is emptied and reused.
        try FileManager.default.removeItem(atPath: folder + "/keep")
        try Data().write(to: URL(fileURLWithPath: folder + "/.parley-bench"))
        try Data().write(to: URL(fileURLWithPath: folder + "/left-over"))
        let again = try ParleyBinary.run(["bench", "log", "--only", "single", "--corpus", "/nonexistent", "--directory", folder])
        #expect(again.status == 1, "the missing corpus fails the run after the folder was taken: \(again.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder), "the benchmark's folder is removed at the end")
    }

    /// A commands file that cannot be written names its path and why, and the run fails.
    @Test func anUnwritableCommandsFileIsNamed() throws {
        let corpus = try makeCorpus()
        let folder = NSTemporaryDirectory() + "parley-bench-\(UUID().uuidString)"
        defer { [corpus, folder].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let target = folder + "-missing/commands.jsonl"
        let outcome = try ParleyBinary.run([
            "bench", "submit", "--commands", "10", "--only", "bulk", "--corpus", corpus, "--directory", folder, "--write-commands", target,
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("cannot write --write-commands \(target): No such file or directory"), "\(outcome.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder), "the benchmark's folder is removed")
    }

    /// A server that cannot be reached fails the run with that reason alone: no database was
    /// made, so none is reported as left behind.
    @Test func anUnreachableServerLeavesNoDatabaseToRemove() throws {
        let corpus = try makeCorpus()
        let folder = NSTemporaryDirectory() + "parley-bench-\(UUID().uuidString)"
        defer { [corpus, folder].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let outcome = try ParleyBinary.run([
            "bench", "project", "--messages", "10", "--per-event-sample", "1", "--corpus", corpus, "--directory", folder,
            "--database-url", "host=127.0.0.1 port=1 dbname=x connect_timeout=2",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("Connection refused"), "\(outcome.standardError)")
        #expect(!outcome.standardError.contains("could not remove"), "\(outcome.standardError)")
    }

    @Test(arguments: [
        (["bench", "log", "--only", "single,batch"], "--only: unknown case \"batch\"; the cases are single, concurrent, batches, large"),
        (["bench", "log", "--events", "0"], "--events must be at least 1"),
        (["bench", "submit", "--only", "cold"], "--only: unknown case \"cold\"; the cases are bulk, bulk-cold, buffered, durable"),
        (["bench", "project", "--messages=-1"], "--messages must be at least 1"),
        (["bench", "project", "--per-event-sample", "0"], "--per-event-sample must be at least 1"),
        (["bench", "rebuild", "--events=-3"], "--events must be at least 3"),
    ])
    func badFiguresAndCasesAreRefusedBeforeAnythingRuns(arguments: [String], message: String) throws {
        let outcome = try ParleyBinary.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }
}
