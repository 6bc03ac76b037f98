import EventLog
import EventSourcing
import Foundation
import Logging
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
    func read(_ log: String, live: Bool = false) throws -> (status: Int32, summary: String, events: [NSDictionary]) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("parley-reader-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.reader, log, "--jsonl", output] + (live ? ["--live"] : [])
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

    /// `parley log verify` and the reader both call the log corrupt at `offset` of segment `name`,
    /// position `position`. Returns what verify printed, for more checks.
    @discardableResult
    func expectCorruptionNamedAlike(_ log: String, segment name: String, offset: Int, position: UInt64) throws -> String {
        let verify = try ParleyBinary.run(["log", "verify", "--log", log])
        #expect(verify.status == 1)
        #expect(verify.standardError.contains("corrupt log: \(log)/\(name) at byte \(offset), position \(position): "), "\(verify.standardError)")
        let (status, summary, _) = try read(log)
        #expect(status == 2)
        #expect(summary.contains("CORRUPTION: segment \(name) offset \(offset), position \(position): "), "\(summary)")
        return verify.standardError
    }

    @Test func anImportedLogReadsTheSameFromThePageAlone() throws {
        let corpus = try ImportCommandTests().makeCorpus()
        let log = SubmitFixture.scratch()
        defer { [corpus, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        // Correlation and causation ids, custom metadata, deferred batches sharing blocks, a snapshot.
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
        try expectCorruptionNamedAlike(log, segment: name, offset: 32, position: UInt64(name.prefix(20))!)
    }

    /// A power cut: a durable batch (positions 0 to 9), then buffered batches never synced: 4,100
    /// events in blocks of their own, then 10 more, whose sync horizon lies 4,100 positions back
    /// (stored with a shift). The first block of the large batch is torn while later ones reached
    /// the disk; the marker, written but not synced after each sync, is lost. With a sync started
    /// before the last batch, its horizon is above the cut: corruption; without, a torn tail. The
    /// reader and verify judge alike, at the same offset and position.
    @Test(arguments: [false, true])
    func aPowerCutIsJudgedAlikeByItsBlocksSyncHorizon(syncBeforeLast: Bool) async throws {
        let running = SubmitFixture.scratch(), log = SubmitFixture.scratch()
        defer { [running, log].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let writer = try FileEventLog(directory: running, logger: Logger(label: "test"))
        func events(_ count: Int) -> [ProposedEvent] {
            (0..<count).map {
                ProposedEvent(
                    id: UUID(), type: "test.said", recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64($0)),
                    metadata: EventMetadata(actor: "test"), payload: Array(#"{"index":\#($0),"text":"a line of chat, said once"}"#.utf8))
            }
        }
        let stream = StreamName(category: "power", id: "cut")!
        _ = try await writer.append(events(10), to: stream, expected: .any)
        _ = try await writer.append(events(4100), to: stream, expected: .any, durability: .buffered)
        if syncBeforeLast { try writer.sync() }
        _ = try await writer.append(events(10), to: stream, expected: .any, durability: .buffered)
        try FileManager.default.createDirectory(atPath: log, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: running) where name.hasSuffix(".seg") {
            try FileManager.default.copyItem(atPath: running + "/" + name, toPath: log + "/" + name)
        }
        try writer.close()
        let name = "00000000000000000000.seg"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/" + name)))
        // The large batch's first block: the first one that starts at position 10.
        let torn = try #require(Self.blocks(of: bytes).first { $0.first == 10 }).offset
        bytes.replaceSubrange((torn + 40)..<(torn + 104), with: repeatElement(0, count: 64))
        try Data(bytes).write(to: URL(fileURLWithPath: log + "/" + name))

        if syncBeforeLast {
            let verified = try expectCorruptionNamedAlike(log, segment: name, offset: torn, position: 10)
            #expect(verified.contains("once a sync of the positions below 4110 had started"), "\(verified)")
        } else {
            let verify = try ParleyBinary.run(["log", "verify", "--log", log])
            let (status, summary, events) = try read(log)
            #expect(verify.status == 0, "\(verify.standardError)")
            #expect(verify.standardOutput.contains("at byte \(torn) of \(log)/\(name), from position 10 on: "), "\(verify.standardOutput)")
            #expect(status == 0)
            #expect(summary.contains("TORN TAIL: segment \(name) offset \(torn), \(bytes.count - torn) bytes, position 10: "), "\(summary)")
            #expect(events.count == 10)
        }
    }

    /// A reader beside the writer (`--live`) reads no further than the synced marker, as a
    /// read-only Parley log does: past it, batches are written but not synced, and a writer whose
    /// sync failed cuts them.
    @Test func aLiveReaderStopsAtTheSyncedMarkerAsDumpDoes() async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let writer = try FileEventLog(directory: log, logger: Logger(label: "test"))
        let stream = StreamName(category: "chat", id: "live")!
        for (count, durability) in [(3, Durability.durable), (2, .buffered)] {
            let events = (0..<count).map {
                ProposedEvent(
                    id: UUID(), type: "test.said", recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64($0)),
                    metadata: EventMetadata(actor: "test"), payload: Array(#"{"index":\#($0)}"#.utf8))
            }
            _ = try await writer.append(events, to: stream, expected: .any, durability: durability)
        }
        let (status, summary, events) = try read(log, live: true)
        #expect(status == 0, "\(summary)")
        #expect(summary.contains("stopped at the synced marker, position 3"), "\(summary)")
        #expect(events.count == 3)
        let dump = try ParleyBinary.run(["log", "dump", "--log", log])
        #expect(try lines(dump.standardOutput) == events)
        // Synced, the two buffered events are read too.
        try writer.sync()
        #expect(try read(log, live: true).events.count == 5)
        // A marker caught mid-rewrite (short) vouches for nothing: a new reader shows nothing, as
        // a new read-only Parley log does.
        let marker = log + "/synced"
        let whole = try Data(contentsOf: URL(fileURLWithPath: marker))
        try whole.prefix(5).write(to: URL(fileURLWithPath: marker))
        let unreadable = try read(log, live: true)
        #expect(unreadable.events.isEmpty, "\(unreadable.summary)")
        #expect(unreadable.summary.contains("synced marker unreadable"), "\(unreadable.summary)")
        let readOnly = try FileEventLog(directory: log, options: .init(readOnly: true), logger: Logger(label: "test"))
        #expect(try await readOnly.readAll(from: .start, limit: 10).isEmpty)
        try whole.write(to: URL(fileURLWithPath: marker))
        try writer.close()
    }

    /// Where each block of segment bytes starts, and its first position.
    static func blocks(of bytes: [UInt8]) -> [(offset: Int, first: UInt64)] {
        func field(_ at: Int, _ width: Int) -> UInt64 { (0..<width).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
        var blocks: [(offset: Int, first: UInt64)] = []
        var offset = 32
        while offset + 32 <= bytes.count && field(offset, 4) != 0 {
            blocks.append((offset, field(offset + 24, 8)))
            offset += 32 + Int(field(offset + 12, 4))
        }
        return blocks
    }

    /// Damage the reader must name where verify does, past the first damaged byte: a segment
    /// that is not the last ending inside a batch (named at the batch's start), zeros over a block
    /// header inside an acknowledged batch (named at the block, with its own position), and a
    /// last segment that lost its blocks while the marker says they were durable (named at the
    /// end of that segment's blocks, not the one before).
    @Test(arguments: ["a segment ending inside a batch", "zeros inside a batch", "a last segment without its blocks"])
    func damageInsideABatchOrSegmentIsNamedAlike(damage: String) async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let writer = try FileEventLog(directory: log, options: .init(segmentSize: 8192, blockSize: 1024), logger: Logger(label: "test"))
        let stream = StreamName(category: "damage", id: "inside")!
        for count in [4, 40, 40] {
            let events = (0..<count).map {
                ProposedEvent(
                    id: UUID(), type: "test.said", recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64($0)),
                    metadata: EventMetadata(actor: "test"), payload: Array(#"{"index":\#($0),"text":"\#(UUID()) \#(UUID())"}"#.utf8))
            }
            _ = try await writer.append(events, to: stream, expected: .any)
        }
        try writer.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".seg") }.sorted()
        #expect(names.count == 2, "the third batch starts the second segment")
        let (first, second) = (names[0], names[names.count - 1])
        let (name, offset, position): (String, Int, UInt64)
        switch damage {
        case "a segment ending inside a batch":
            // The first segment loses the last block of the batch at positions 4 to 43.
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/" + first)))
            let blocks = Self.blocks(of: bytes)
            let batch = try #require(blocks.first { $0.first == 4 })
            #expect(blocks.last!.offset > batch.offset, "the batch has several blocks")
            try Data(bytes[..<blocks.last!.offset]).write(to: URL(fileURLWithPath: log + "/" + first))
            (name, offset, position) = (first, batch.offset, 4)
        case "zeros inside a batch":
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/" + second)))
            let block = try #require(Self.blocks(of: bytes).dropFirst().first)
            bytes.replaceSubrange(block.offset..<(block.offset + 32), with: repeatElement(0, count: 32))
            try Data(bytes).write(to: URL(fileURLWithPath: log + "/" + second))
            (name, offset, position) = (second, block.offset, block.first)
        default:
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/" + second)))
            try Data(bytes[..<32]).write(to: URL(fileURLWithPath: log + "/" + second))
            (name, offset, position) = (second, 32, 44)
        }
        try expectCorruptionNamedAlike(log, segment: name, offset: offset, position: position)
    }
}
