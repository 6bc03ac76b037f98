import EventSourcing
import Foundation
import Logging
import Testing

@testable import EventLog

/// What damage at the end of a log means: only what a crash can leave is a torn tail.
@Suite struct TailJudgementTests {
    let recovery = RecoveryTests()

    @Test func aWholeBlockWithTheWrongPositionAtTheEndIsCorruptionNotATornTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await recovery.writeLog(temp, batches: 3)
        let segment = try #require(temp.segments.last)
        let (starts, end) = try SegmentBlocks.of(file: segment)
        // The first block written again after the last: whole, checksum-valid, position 0 where 60 is next.
        try recovery.modify(segment) { bytes in
            let first = Array(bytes[starts[0]..<starts[1]])
            if bytes.count < end + first.count { bytes += [UInt8](repeating: 0, count: end + first.count - bytes.count) }
            bytes.replaceSubrange(end..<(end + first.count), with: first)
        }
        let size = try recovery.fileSize(segment)
        for open in [{ _ = try temp.open() }, { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) }] {
            let error = try #require(throws: LogError.self) { try open() }
            #expect(error == .corrupt(segment: segment, offset: Int64(end), position: 60, reason: "block starts at position 0, expected 60"))
        }
        #expect(try recovery.fileSize(segment) == size, "nothing cut")
    }

    /// The scan for a valid block after damage reads the segment a window at a time.
    @Test(arguments: [true, false])
    func aValidBlockFarPastTheDamageIsFoundAndOnlyItMakesItCorruption(blockAfter: Bool) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        // 3 MB that LZ4 cannot shrink: 100 batches of 30 random 1 KB payloads, a block each.
        for index in 0..<100 {
            let events = Events.make(30, seed: UInt64(index)).map { event in
                var event = event
                event.payload = (0..<1000).map { _ in UInt8.random(in: 0...255) }
                return event
            }
            _ = try await log.append(events, to: .test("conversation", "\(index)"), expected: .any)
        }
        try log.close()
        let segment = try #require(temp.segments.last)
        try FileManager.default.removeItem(atPath: temp.directory + "/" + IndexSnapshot.fileName)
        try temp.rewindSyncedMarker(to: 0)
        let (starts, end) = try SegmentBlocks.of(file: segment)
        let damage = starts[1]
        // 1.5 MiB of 0xFF from the second block on: no magic in it. After it, whole blocks, or none.
        let spoiled = 3 << 19
        let validAfter = try #require(starts.first { $0 >= damage + spoiled })
        #expect(end - damage > spoiled)
        try recovery.modify(segment) { bytes in
            let stop = blockAfter ? validAfter : end
            bytes.replaceSubrange(damage..<stop, with: [UInt8](repeating: 0xFF, count: stop - damage))
        }
        if blockAfter {
            let error = try #require(throws: LogError.self) { try temp.open() }
            guard case .corrupt(_, let offset, _, _) = error else { Issue.record("\(error)"); return }
            #expect(offset == Int64(damage))
        } else {
            let reopened = try temp.open()
            #expect(try await reopened.readAll(from: .start, limit: 100_000).count == 30)
            #expect(try recovery.fileSize(segment) == damage)
        }
    }

    /// A reader beside the writer checks a segment it finds later as opening the log would.
    @Test(arguments: ["header", "torn block"])
    func aReaderRefreshingMeetsDamageInASegmentTheWriterFinished(damage: String) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open(FileEventLog.Options(segmentSize: 4 << 10, blockSize: 1 << 10))
        _ = try await writer.append(Events.make(2), to: .test("user", "a"), expected: .any)
        let reader = try temp.open(.init(readOnly: true))
        var index: UInt64 = 0
        while temp.segments.count < 3 && index < 1000 {
            _ = try await writer.append(Events.make(2, seed: index), to: .test("user", "a"), expected: .any)
            index += 1
        }
        let segments = temp.segments
        try #require(segments.count >= 3)
        switch damage {
        case "header":
            try recovery.modify(segments[1]) { $0.replaceSubrange(0..<8, with: Array("XXXXXXXX".utf8)) }
        default:
            // The second segment's last block cut short, as a crash would leave a last segment.
            try recovery.modify(segments[1]) { $0.removeLast(7) }
        }
        let error = try #require(throws: LogError.self) { try reader.refresh() }
        guard case .corrupt(let path, _, _, _) = error else { Issue.record("\(error)"); return }
        #expect(path == segments[1])
    }

    /// A checksum-valid record whose type is not UTF-8 (no crash writes one) stops the open, not
    /// only the reads that meet it later.
    @Test func aRecordNoReadCanDecodeIsCorruptionOnOpen() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let event = ProposedEvent(id: UUID(), type: "test.noted", recordedAt: Timestamp(microsecondsSinceEpoch: 0), metadata: EventMetadata(actor: "ops"),
            payload: (0..<1000).map { _ in UInt8.random(in: 0...255) })
        _ = try await log.append([event], to: .test("note", "1"), expected: .noStream)
        try log.close()
        try FileManager.default.removeItem(atPath: temp.directory + "/" + IndexSnapshot.fileName)
        let segment = try #require(temp.segments.first)
        // The one raw block (random bytes do not compress) at 32; its record at 64: 56 bytes of fixed header, the stream (6), the type.
        try recovery.modify(segment) { bytes in
            bytes[64 + 56 + 6] = 0xFF
            #expect(bytes[40] == 0, "not compressed")
            let bodyLength = Int(bytes[44]) | Int(bytes[45]) << 8
            let checksum = bytes.withUnsafeBytes { all in
                BlockHeader.checksum(header: UnsafeRawBufferPointer(rebasing: all[32..<64]), body: UnsafeRawBufferPointer(rebasing: all[64..<(64 + bodyLength)]))
            }
            bytes.replaceSubrange(36..<40, with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        }
        let error = try #require(throws: LogError.self) { try temp.open() }
        guard case .corrupt(let path, let offset, let position, let reason) = error else { Issue.record("\(error)"); return }
        #expect((path, offset, position) == (segment, 32, 0))
        #expect(reason.contains("type"))
    }

    /// A marker that cannot be read (an I/O error; here a folder in its place) is no missing
    /// marker: the open stops with the error and cuts nothing, where a missing one lets it cut.
    @Test func aMarkerThatCannotBeReadStopsTheOpenAndCutsNothing() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await recovery.writeLog(temp, batches: 3)
        let segment = try #require(temp.segments.last)
        try recovery.modify(segment) { $0.removeLast(7) }
        let size = try recovery.fileSize(segment)
        let marker = temp.directory + "/" + SyncedMarker.fileName
        try FileManager.default.removeItem(atPath: marker)
        try FileManager.default.createDirectory(atPath: marker, withIntermediateDirectories: false)
        let openers = [
            { _ = try temp.open() }, { _ = try temp.open(.init(readOnly: true)) },
            { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) },
        ]
        for open in openers {
            let error = try #require(throws: LogError.self) { try open() }
            #expect(error == .io(operation: "reading", path: marker, errno: .isDirectory))
        }
        #expect(try recovery.fileSize(segment) == size, "nothing cut")
        // With no marker at all, the same damage is a torn tail: the marker alone told them apart.
        try FileManager.default.removeItem(atPath: marker)
        let log = try temp.open()
        #expect(try await log.readAll(from: .start, limit: 100).count == 40)
        try log.close()
    }

    @Test func aMarkerWithNoSegmentsIsCorruptionToWritersAndReadersAlike() throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        try FileManager.default.createDirectory(atPath: temp.directory, withIntermediateDirectories: true)
        try temp.rewindSyncedMarker(to: 30)
        let first = temp.directory + "/" + SegmentHeader.fileName(basePosition: 0)
        let openers = [
            { _ = try temp.open() }, { _ = try temp.open(.init(readOnly: true)) },
            { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) },
        ]
        for open in openers {
            let error = try #require(throws: LogError.self) { try open() }
            #expect(error == .corrupt(
                segment: first, offset: 0, position: 0,
                reason: "the log ends here, but the synced marker says positions below 30 were durable: 30 acknowledged events are missing"))
            #expect(temp.segments.isEmpty, "a writer refusing the log starts no segment in it")
        }
    }
}
