import Foundation
import Testing

/// Specs/log-format.md is enough to read the log: `tools/log-reader`, a reader in Python written
/// from that page alone, reads what Parley writes event for event as `parley log dump` prints it,
/// and names the damage `parley log verify` names. A format change the page does not describe
/// fails here.
@Suite struct LogFormatConformanceTests {
    static let reader = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/log-reader").path

    /// Runs the reader on `log` (standard-library Python 3, which tools/setup needs anyway); its
    /// exit status and summary, and the events it read, parsed.
    func read(_ log: String) throws -> (status: Int32, summary: String, events: [NSDictionary]) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("parley-reader-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.reader, log, "--jsonl", output]
        let summary = Pipe()
        process.standardOutput = summary
        process.standardError = summary
        try process.run()
        let text = String(decoding: summary.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text, try lines(String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)))
    }

    func lines(_ text: String) throws -> [NSDictionary] {
        try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? NSDictionary) }
    }

    /// The reader reads every event dump prints, the same; beyond them only events no sync covered
    /// yet (dump, a reader in another process, stops at the synced marker).
    func expectReaderMatchesDump(_ log: String, atLeast minimum: Int) throws {
        let dump = try ParleyBinary.run(["log", "dump", "--log", log])
        #expect(dump.status == 0, "\(dump.standardError)")
        let dumped = try lines(dump.standardOutput)
        let (status, summary, read) = try read(log)
        #expect(status == 0, "\(summary)")
        #expect(dumped.count >= minimum, "too small a log to tell anything")
        #expect(read.count >= dumped.count, "\(summary)")
        let differing = zip(read, dumped).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(differing == nil, "position \(differing?.offset ?? -1): the reader read \(differing?.element.0 ?? [:]), dump printed \(differing?.element.1 ?? [:])")
    }

    @Test func anImportedLogReadsTheSameFromThePageAlone() throws {
        let corpus = try ImportCommandTests().makeCorpus()
        let log = SubmitFixture.scratch()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        // Correlation and causation ids, custom metadata, buffered blocks raw and compressed, a snapshot.
        let imported = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus, "--log", log, "--json"])
        #expect(imported.status == 0, "\(imported.standardError)")
        try expectReaderMatchesDump(log, atLeast: 100)
        #expect(try read(log).summary.contains("index.snapshot: sound"))
    }

    @Test func aKilledWritersLogReadsTheSameAndDamageIsNamedAlike() throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        // Many 64 KiB segments, batches of several blocks, a zeroed tail, maybe a torn one.
        let writer = Process()
        writer.executableURL = ParleyBinary.url
        writer.arguments = ["log", "stress-writer", "--log", log, "--segment-size", "65536", "--large-batch", "250", "--until-stdin-closes"]
        writer.standardInput = Pipe()
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        defer { if writer.isRunning { kill(writer.processIdentifier, SIGKILL) } }
        let segments = { (try? FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".seg") }.sorted()) ?? [] }
        #expect(ParleyBinary.waitFor(seconds: 60) { segments().count >= 6 }, "the writer made fewer than 6 segments")
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        try expectReaderMatchesDump(log, atLeast: 1000)

        // A byte flipped inside the first block of a middle segment: corruption, named alike.
        let name = segments()[segments().count / 2]
        let path = log + "/" + name
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[32 + 32 + 8] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        let base = UInt64(name.prefix(20))!
        let verify = try ParleyBinary.run(["log", "verify", "--log", log])
        #expect(verify.status == 1)
        #expect(verify.standardError.contains("corrupt log: \(path) at byte 32, position \(base): "), "\(verify.standardError)")
        let (status, summary, _) = try read(log)
        #expect(status == 2)
        #expect(summary.contains("CORRUPTION: segment \(name) offset 32, position \(base): "), "\(summary)")
    }

    /// A power cut during an import: a block of the middle torn while later ones reached the disk,
    /// no marker, no snapshot (the close that writes them never ran). The blocks after the damage
    /// state sync horizons below it, so both call it a torn tail, at the same cut.
    @Test func aPowerCutInAnImportIsATornTailForBoth() throws {
        let corpus = try ImportCommandTests().makeCorpus()
        let log = SubmitFixture.scratch()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let imported = try ParleyBinary.run(["import", "chatterbot", "--corpus", corpus, "--log", log, "--json"])
        #expect(imported.status == 0, "\(imported.standardError)")
        try FileManager.default.removeItem(atPath: log + "/synced")
        try FileManager.default.removeItem(atPath: log + "/index.snapshot")
        let name = "00000000000000000000.seg"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/" + name)))
        // The blocks (offset, first position), walked by their body lengths; the import's batches
        // are small, one block each.
        var blocks: [(offset: Int, first: UInt64)] = []
        var offset = 32
        func field(_ at: Int, _ width: Int) -> UInt64 { (0..<width).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
        while offset + 32 <= bytes.count {
            blocks.append((offset, field(offset + 24, 8)))
            offset += 32 + Int(field(offset + 12, 4))
        }
        #expect(blocks.count > 40)
        let torn = blocks[blocks.count / 2]
        bytes.replaceSubrange((torn.offset + 40)..<(torn.offset + 104), with: repeatElement(0, count: 64))
        try Data(bytes).write(to: URL(fileURLWithPath: log + "/" + name))
        let verify = try ParleyBinary.run(["log", "verify", "--log", log])
        #expect(verify.status == 0, "\(verify.standardError)")
        #expect(verify.standardOutput.contains("at byte \(torn.offset) of \(log)/\(name), from position \(torn.first) on: "), "\(verify.standardOutput)")
        let (status, summary, events) = try read(log)
        #expect(status == 0)
        #expect(summary.contains("TORN TAIL: segment \(name) offset \(torn.offset), \(bytes.count - torn.offset) bytes, position \(torn.first): "), "\(summary)")
        #expect(events.count == Int(torn.first))
    }
}
