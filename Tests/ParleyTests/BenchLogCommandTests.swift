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
}
