import EventSourcing
import Foundation
import Logging
import TestSupport
import Testing

@testable import EventLog

extension TemporaryLog {
    /// Sets the synced marker back to `position`, as a crash before the sync of the batches from
    /// there on leaves it: they were never acknowledged, so damage among them is a torn tail.
    func rewindSyncedMarker(to position: UInt64) throws {
        try Data(SyncedMarker.encode(position)).write(to: URL(fileURLWithPath: directory + "/" + SyncedMarker.fileName))
    }
}

/// Damage on disk: torn tails are cut, anything else is corruption named by file, offset and position.
@Suite struct RecoveryTests {
    /// Writes `batches` batches of 20 events, one block each, and closes the log.
    func writeLog(_ temp: TemporaryLog, batches: Int = 10) async throws -> [ProposedEvent] {
        let log = try temp.open()
        var written: [ProposedEvent] = []
        for index in 0..<batches {
            let batch = Events.make(20, seed: UInt64(index))
            written += batch
            _ = try await log.append(batch, to: .test("conversation", "\(index % 4)"), expected: .any)
        }
        try log.close()
        return written
    }

    func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    func modify(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test(arguments: [1, 7, 31, 100])
    func truncatedTailIsCutAndEarlierBatchesSurvive(cut: Int) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await writeLog(temp)
        let segment = try #require(temp.segments.last)
        let blocks = try SegmentBlocks.of(file: segment)
        #expect(blocks.starts.count == 10)
        #expect(try fileSize(segment) == blocks.end)
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        try modify(segment) { $0.removeLast(cut) }
        try temp.rewindSyncedMarker(to: 180)
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages == ["cut a torn tail"])
        // The file ends where the last batch's block started.
        #expect(try fileSize(segment) == blocks.starts[9])
        let events = try await log.readAll(from: .start, limit: 1000)
        // The last batch lost its end, so all of it is gone and nothing else is.
        #expect(events.map(\.event) == Array(written.prefix(180)))
        // The log goes on from there.
        let next = try await log.append(Events.make(1), to: .test("conversation", "x"), expected: .any)
        #expect(next == .appended(AppendedBatch(first: 180, last: 180, firstVersion: 0, lastVersion: 0)))
    }

    @Test func aTruncatedAcknowledgedBatchIsCorruptionNotATornTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeLog(temp)
        let segment = try #require(temp.segments.last)
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        try modify(segment) { $0.removeLast(7) }
        let size = try fileSize(segment)
        for open in [{ _ = try temp.open() }, { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) }] {
            let error = try #require(throws: LogError.self) { try open() }
            guard case .corrupt(let path, _, let position, let reason) = error else { Issue.record("\(error)"); continue }
            #expect(path == segment)
            #expect(position == 180)
            #expect(reason.hasSuffix("the synced marker says positions below 200 were durable, so this is not a torn write"))
        }
        #expect(try fileSize(segment) == size, "nothing cut")
    }

    @Test func segmentsEndingBeforeTheSyncedMarkerAreCorruption() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeLog(temp, batches: 3)
        let segment = try #require(temp.segments.last)
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        // The last batch's block gone whole: the segment ends cleanly, 20 events short.
        let offset = try SegmentBlocks.of(file: segment).starts[2]
        try modify(segment) { $0.removeSubrange(offset...) }
        let openers = [
            { _ = try temp.open(.init(readOnly: true)) }, { _ = try temp.open() },
            { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) },
        ]
        for open in openers {
            let error = try #require(throws: LogError.self) { try open() }
            #expect(error == .corrupt(
                segment: segment, offset: Int64(offset), position: 40,
                reason: "the log ends here, but the synced marker says positions below 60 were durable: 20 acknowledged events are missing"))
        }
    }

    @Test func anUnreadableMarkerIsSaidAndRewritten() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await writeLog(temp, batches: 2)
        try modify(temp.directory + "/" + SyncedMarker.fileName) { $0[0] ^= 0xFF }
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages == ["the synced marker is unreadable: damage at the end of the log cannot be told from a torn write"])
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
        #expect(try SyncedMarker.read(directory: temp.directory) == .position(40))
        try log.close()
    }

    @Test func verifyReportsATornTailThatOpeningCuts() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await writeLog(temp)
        let segment = try #require(temp.segments.last)
        // As a crash leaves it: no new snapshot, the marker before the last batch.
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        try modify(segment) { $0.removeLast(7) }
        try temp.rewindSyncedMarker(to: 180)
        let size = try fileSize(segment)
        let report = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        let tail = try #require(report.tornTail)
        #expect(tail.segment == segment)
        #expect(tail.position == 180)
        #expect(tail.offset + tail.bytes == Int64(size))
        #expect(tail.reason.hasPrefix("block body truncated"))
        #expect(report.events == 180)
        #expect(try fileSize(segment) == size, "verify changes nothing")
        let log = try temp.open()
        #expect(try await log.readAll(from: .start, limit: 1000).map(\.event) == Array(written.prefix(180)))
        #expect(try fileSize(segment) == Int(tail.offset))
    }

    @Test func aWellFormedSnapshotThatDisagreesWithTheSegmentsFailsVerify() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeLog(temp, batches: 2)
        #expect(try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")).indexSnapshot == "sound")
        // Another id for position 0 (20 bytes an event, before the checksum), the checksum made
        // right again. (One for the last block's positions makes the snapshot rejected on open.)
        let path = temp.directory + "/" + IndexSnapshot.fileName
        try modify(path) { bytes in
            bytes[bytes.count - 4 - 40 * 20] ^= 0x01
            let checksum = CRC32C.checksum(Array(bytes[..<(bytes.count - 4)]))
            withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange((bytes.count - 4)..., with: $0) }
        }
        let error = try #require(throws: LogError.self) { try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) }
        guard case .corrupt(let segment, _, let position, let reason) = error else { Issue.record("\(error)"); return }
        #expect(segment == path)
        #expect(position == 40)
        #expect(reason.contains("disagrees with the segments"))
    }

    /// An id stored twice (only a faulty writer does it: an append of a stored id returns the
    /// original) is named by verify at the second copy.
    @Test func verifyNamesAnEventIdStoredTwice() throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        try FileManager.default.createDirectory(atPath: temp.directory, withIntermediateDirectories: true)
        let first = Events.make(2, seed: 4)
        let events = first + [first[0]]
        var writer = ByteWriter()
        for (index, event) in events.enumerated() {
            RecordCodec.encode(event, stream: .test("chat", "1"), version: StreamVersion(UInt64(index)), into: &writer)
        }
        var segment = SegmentHeader(basePosition: 0).bytes
        writer.bytes.withUnsafeBytes { BlockEncoder.append(records: $0, count: 3, firstPosition: 0, horizon: 0, continued: false, to: &segment) }
        let path = temp.directory + "/" + SegmentHeader.fileName(basePosition: 0)
        try Data(segment).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: LogError.self) { try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) }
        #expect(error == .corrupt(
            segment: path, offset: Int64(SegmentHeader.size), position: 2, reason: "the event id \(first[0].id) was stored before, at position 0"))
    }

    /// Bytes after the last acknowledged batch that are not a block: a torn write, cut.
    @Test func garbageAppendedAfterTheLastBatchIsCut() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await writeLog(temp, batches: 3)
        let segment = try #require(temp.segments.last)
        let end = try SegmentBlocks.of(file: segment).end
        try modify(segment) { $0 += [UInt8](repeating: 0xA5, count: 4096) }
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages == ["cut a torn tail"])
        #expect(try fileSize(segment) == end)
        #expect(try await log.readAll(from: .start, limit: 1000).map(\.event) == written)
    }

    /// Zeros after the last batch are the zeroed tail a writer leaves ahead of its writes: kept,
    /// and nothing is said.
    @Test func zerosAfterTheLastBatchAreKeptAsTheZeroedTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await writeLog(temp, batches: 3)
        let segment = try #require(temp.segments.last)
        try modify(segment) { $0 += [UInt8](repeating: 0, count: 4096) }
        let size = try fileSize(segment)
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages.isEmpty)
        #expect(try fileSize(segment) == size)
        #expect(try await log.readAll(from: .start, limit: 1000).map(\.event) == written)
        // The next batch goes where the zeros start.
        _ = try await log.append(Events.make(1), to: .test("conversation", "z"), expected: .any)
        try log.close()
        #expect(try SegmentBlocks.of(file: segment).starts.count == 4)
    }

    /// Damage followed by valid blocks written after a sync had covered it is corruption by that
    /// alone (their sync horizon is above it): with the marker rewound to 0 (as after a machine
    /// crash that lost its rewrites) as with the marker past it.
    @Test(arguments: [false, true])
    func flippedByteMidLogIsCorruptionNamingSegmentOffsetAndPosition(rewindMarker: Bool) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeLog(temp)
        let segment = try #require(temp.segments.first)
        #expect(temp.segments.count == 1, "the damaged segment is the last, where a torn tail could be")
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        if rewindMarker { try temp.rewindSyncedMarker(to: 0) }
        let offset = try SegmentBlocks.of(file: segment).starts[2]
        try modify(segment) { $0[offset + 40] ^= 0x01 }
        let size = try fileSize(segment)
        let error = try #require(throws: LogError.self) { try temp.open() }
        guard case .corrupt(segment, Int64(offset), 40, let reason) = error else { Issue.record("\(error)"); return }
        #expect(reason.contains("CRC32C mismatch"))
        #expect(try fileSize(segment) == size, "nothing is cut")
        #expect(error.description.contains(segment))
        #expect(error.description.contains("byte \(offset)"))
        #expect(error.description.contains("position 40"))
        #expect(error.description.contains("CRC32C mismatch"))
    }

    @Test func corruptionUnderASoundSnapshotIsReportedOnRead() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeLog(temp)
        let segment = try #require(temp.segments.first)
        try modify(segment) { $0[32 + 40] ^= 0x80 }
        let log = try temp.open()
        await #expect(throws: LogError.self) { try await log.readAll(from: .start, limit: 1000) }
        let error = try #require(await #expect(throws: LogError.self) { try await log.readAll(from: 0, limit: 5) })
        guard case .corrupt(let path, let offset, let position, _) = error else { Issue.record("\(error)"); return }
        #expect(path == segment)
        #expect(offset == 32)
        #expect(position == 0)
        // Later blocks still read.
        #expect(try await log.readAll(from: 20, limit: 5).count == 5)
    }

    @Test(arguments: ["missing", "damaged", "stale"])
    func indexIsRebuiltWhenMissingDamagedOrStale(kind: String) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await writeLog(temp, batches: 4)
        let snapshot = temp.directory + "/index.snapshot"
        switch kind {
        case "missing": try FileManager.default.removeItem(atPath: snapshot)
        case "damaged": try modify(snapshot) { $0[$0.count / 2] ^= 0xFF }
        default:
            // A snapshot of an older, shorter log: the rest is scanned.
            let staleCopy = try Data(contentsOf: URL(fileURLWithPath: snapshot))
            let log = try temp.open()
            _ = try await log.append(Events.make(5), to: .test("user", "late"), expected: .noStream)
            try log.close()
            try staleCopy.write(to: URL(fileURLWithPath: snapshot))
        }
        let log = try temp.open()
        let events = try await log.readAll(from: .start, limit: 1000)
        #expect(Array(events.prefix(80)).map(\.event) == written)
        for event in written { #expect(try await log.position(of: event.id) != nil) }
        #expect(try await log.read(stream: .test("conversation", "1"), from: 0, direction: .forwards, limit: 100).count == 20)
        if kind == "stale" { #expect(try await log.version(of: .test("user", "late")) == 4) }
    }

    private func errorReason(_ error: LogError) -> String {
        if case .corrupt(_, _, _, let reason) = error { return reason }
        return ""
    }
}

@Suite struct TornBatchTests {
    /// A crash mid-write of a batch of several blocks: its last block never reached the disk,
    /// either as bytes cut off or as the zeroed tail still where it was.
    @Test(arguments: [false, true])
    func aMultiBlockBatchMissingItsLastBlockIsCutWhole(zeroesRemain: Bool) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(blockSize: 2048)
        let first = Events.make(5)
        do {
            let log = try temp.open(options)
            _ = try await log.append(first, to: .test("conversation", "a"), expected: .any)
            // Large enough for several blocks.
            _ = try await log.append(Events.make(200, seed: 9), to: .test("conversation", "b"), expected: .any)
            try log.sync()
        }
        // No snapshot: the log was not closed, as after a crash, before the second batch's sync.
        try temp.rewindSyncedMarker(to: 5)
        let segment = try #require(temp.segments.last)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: segment)))
        // Drop the batch's last block: walk the blocks (up to the zeroed tail) and cut before the final one.
        let starts = SegmentBlocks.of(bytes).starts
        #expect(starts.count > 3)
        if zeroesRemain {
            bytes.replaceSubrange(starts.last!..., with: repeatElement(0, count: bytes.count - starts.last! + 4096))
        } else {
            bytes.removeSubrange(starts.last!...)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, options: options, logger: warnings.logger)
        #expect(warnings.messages == ["cut a torn tail"])
        // Cut back to the end of the first batch's block, where the second batch began.
        #expect((try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int) == starts[1])
        #expect(try await log.readAll(from: .start, limit: 1000).map(\.event) == first)
    }

    @Test func unboundedLimitsFromALaterVersionOrPositionDoNotOverflow() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(5), to: .test("reminder", "1"), expected: .any)
        #expect(try await log.read(stream: .test("reminder", "1"), from: 3, direction: .forwards, limit: .max).map(\.version) == [3, 4])
        #expect(try await log.read(stream: .test("reminder", "1"), from: 3, direction: .backwards, limit: .max).map(\.version) == [3, 2, 1, 0])
        #expect(try await log.readCategory("reminder", from: 2, limit: .max).map(\.position) == [2, 3, 4])
        #expect(try await log.readAll(from: 4, limit: .max).map(\.position) == [4])
        try log.close()
        await #expect(throws: LogError.closed) { try await log.readAll(from: 0, limit: 1) }
        await #expect(throws: LogError.closed) { try await log.append(Events.make(1), to: .test("reminder", "2"), expected: .any) }
    }
}
