import EventSourcing
import Foundation
import Logging
import Testing

@testable import EventLog

/// The index snapshot is trusted only for the log it describes; one that is not is ignored,
/// removed by a writer, and never makes a log unopenable.
@Suite struct SnapshotTests {
    let recovery = RecoveryTests()

    var verify: (TemporaryLog) throws -> LogVerification {
        { try FileEventLog.verify(directory: $0.directory, logger: Logger(label: "test")) }
    }

    /// One event of `seed` on `user-<name>`: with the same name length and seed length, the
    /// same block length.
    func writeOne(_ temp: TemporaryLog, seed: UInt64, name: String) async throws -> ProposedEvent {
        let log = try temp.open()
        let event = Events.make(1, seed: seed)[0]
        _ = try await log.append([event], to: .test("user", name), expected: .noStream)
        try log.close()
        return event
    }

    /// Edits the log's index snapshot and makes its checksum match again, as an editor or a
    /// faulty build would leave it.
    func editSnapshot(_ temp: TemporaryLog, _ edit: (inout [UInt8]) -> Void) throws {
        try recovery.modify(temp.directory + "/" + IndexSnapshot.fileName) { bytes in
            edit(&bytes)
            let checksum = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[..<($0.count - 4)])) }
            bytes.replaceSubrange((bytes.count - 4)..., with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        }
    }

    @Test func aWriterThatClosesWhileVerifyReadsLeavesASnapshotVerifyDoesNotCompare() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeOne(temp, seed: 1, name: "a")
        let segment = try #require(temp.segments.last)
        let files = [segment, temp.directory + "/" + IndexSnapshot.fileName, temp.directory + "/" + SyncedMarker.fileName].map { URL(fileURLWithPath: $0) }
        let before = try files.map { try Data(contentsOf: $0) }
        _ = try await writeOne(temp, seed: 2, name: "b")
        let after = try files.map { try Data(contentsOf: $0) }
        for (file, data) in zip(files, before) { try data.write(to: file) }
        // While verify reads the events back, a writer appends one more and closes: the segment
        // grows in place and the snapshot is replaced by one covering an event verify never scanned.
        var grown = false
        let verification = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) { _ in
            guard !grown else { return }
            grown = true
            // In place, as the writer writes: verify's descriptor sees the segment grow.
            let handle = FileHandle(forWritingAtPath: segment)
            handle?.write(after[0])
            try? handle?.close()
            for (file, data) in zip(files, after).dropFirst() { try? data.write(to: file, options: .atomic) }
        }
        #expect(grown)
        #expect(verification.events == 1)
        #expect(verification.indexSnapshot == "sound", "the snapshot as it was when verify began covers what it scanned")
        #expect(try verify(temp).events == 2)
    }

    @Test func aSnapshotOfAnotherLogWhoseLastBlockHasTheSameShapeIsNotTrusted() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await writeOne(temp, seed: 1, name: "a")
        let snapshot = temp.directory + "/" + IndexSnapshot.fileName
        let old = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        temp.remove()
        // The log cut back and written again: one block at the same offset, position, count and length.
        let event = try await writeOne(temp, seed: 2, name: "b")
        try old.write(to: URL(fileURLWithPath: snapshot))
        #expect(try verify(temp).indexSnapshot == "damaged")
        let log = try temp.open()
        #expect(!FileManager.default.fileExists(atPath: snapshot), "a rejected snapshot is removed")
        #expect(try await log.read(stream: .test("user", "b"), from: 0, direction: .forwards, limit: 10).map(\.event) == [event])
        #expect(try await log.read(stream: .test("user", "a"), from: 0, direction: .forwards, limit: 10).isEmpty)
        #expect(try await log.position(of: event.id) == 0)
    }

    @Test func aSnapshotCoveringMoreThanTheSegmentsHoldIsRemoved() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await recovery.writeLog(temp, batches: 3)
        let segment = try #require(temp.segments.last)
        // An operator's cut (after `log verify` named the damage): the last batch's block goes.
        let offset = try SegmentBlocks.of(file: segment).starts[2]
        try recovery.modify(segment) { $0.removeSubrange(offset...) }
        try temp.rewindSyncedMarker(to: 40)
        let log = try temp.open()
        #expect(!FileManager.default.fileExists(atPath: temp.directory + "/" + IndexSnapshot.fileName))
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == Array(written.prefix(40)))
    }

    @Test func aChecksumValidSnapshotWithImpossibleCountsIsIgnored() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await recovery.writeLog(temp, batches: 2)
        // Event count 2^63 (bytes 32..<40).
        try editSnapshot(temp) { $0.replaceSubrange(32..<40, with: [0, 0, 0, 0, 0, 0, 0, 0x80]) }
        #expect(try verify(temp).indexSnapshot == "damaged")
        let log = try temp.open(.init(readOnly: true))
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
    }

    /// A block length from the snapshot or a record count from a block header is a number to
    /// check, not a size to allocate: a snapshot naming a block longer than a block can be is not
    /// trusted, and a checksum-valid block declaring 2^32 - 1 records is corruption, not a crash.
    @Test func hugeLengthsAndCountsFromDiskAreCheckedBeforeAnythingIsAllocated() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await recovery.writeLog(temp, batches: 2)
        // The first of the two blocks' entries (after the 40-byte header and 8 bytes a segment): 4 GiB long.
        try editSnapshot(temp) { bytes in
            let entry = 40 + 8 * (Int(bytes[12]) | Int(bytes[13]) << 8)
            bytes.replaceSubrange((entry + 4)..<(entry + 8), with: [0xFF, 0xFF, 0xFF, 0xFF])
        }
        let log = try temp.open()
        #expect(!FileManager.default.fileExists(atPath: temp.directory + "/" + IndexSnapshot.fileName), "a rejected snapshot is removed")
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
        try log.close()

        let segment = try #require(temp.segments.last)
        try recovery.modify(segment) { bytes in
            let blocks = SegmentBlocks.of(bytes).starts
            let (start, end) = (blocks[0], blocks[1])
            bytes.replaceSubrange((start + 20)..<(start + 24), with: [0xFF, 0xFF, 0xFF, 0xFF])
            let checksum = bytes.withUnsafeBytes { all in
                BlockHeader.checksum(
                    header: UnsafeRawBufferPointer(rebasing: all[start..<(start + 32)]), body: UnsafeRawBufferPointer(rebasing: all[(start + 32)..<end]))
            }
            bytes.replaceSubrange((start + 4)..<(start + 8), with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        }
        let error = try #require(throws: LogError.self) { try verify(temp) }
        guard case .corrupt(let path, let offset, let position, let reason) = error else { Issue.record("\(error)"); return }
        #expect((path, offset, position) == (segment, 32, 0))
        #expect(reason.contains("block declares 4294967295 records, holds 20"), "\(reason)")
    }

    /// A snapshot whose checksum holds but whose stream numbers do not match the records (edited,
    /// or written by a faulty build): reads report it, never return another stream's event.
    @Test func aChecksumValidSnapshotThatMisplacesAnEventIsReportedByReads() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await recovery.writeLog(temp, batches: 2)
        let snapshot = temp.directory + "/" + IndexSnapshot.fileName
        // Position 20 (the first of conversation-1) given stream number 0, conversation-0's: each
        // position's entry, at the end, is its id (16 bytes) then its stream number (4).
        try editSnapshot(temp) { bytes in
            let entry = bytes.count - 4 - (40 - 20) * 20
            bytes.replaceSubrange((entry + 16)..<(entry + 20), with: [0, 0, 0, 0])
        }
        let log = try temp.open(.init(readOnly: true))
        let wrongStream = try await #require(throws: LogError.self) {
            try await log.read(stream: .test("conversation", "0"), from: 0, direction: .forwards, limit: 100)
        }
        #expect(wrongStream == .corrupt(
            segment: snapshot, offset: 0, position: 20,
            reason: "the index expected version 20 of conversation-0 here, the segments hold version 0 of conversation-1; "
                + "delete the index snapshot to rebuild it"))
        await #expect(throws: LogError.self) { try await log.read(stream: .test("conversation", "1"), from: 0, direction: .forwards, limit: 100) }
        await #expect(throws: LogError.self) {
            try await log.read(stream: .test("conversation", "1"), from: 100, direction: .backwards, limit: 100)
        }
        #expect(try await log.readAll(from: .start, limit: 100).count == 40)
    }

    /// A checksum-valid snapshot that misplaces an earlier block (open checks only the last one):
    /// verify names the snapshot, never the healthy segment the bad location points into.
    @Test func verifyNamesASnapshotThatMisplacesAnEarlierBlock() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await recovery.writeLog(temp, batches: 2)
        try editSnapshot(temp) { bytes in
            // The first block's offset: after the 40-byte head, one segment base (8) and 8 bytes of the block.
            bytes.replaceSubrange(56..<64, with: withUnsafeBytes(of: Int64(SegmentHeader.size + 1).littleEndian, Array.init))
        }
        let error = try #require(throws: LogError.self) { try verify(temp) }
        #expect(error == .corrupt(
            segment: temp.directory + "/" + IndexSnapshot.fileName, offset: 0, position: 40,
            reason: "the index snapshot is well-formed but disagrees with the segments; delete it to rebuild"))
    }

    /// An index read from the segments (no snapshot) that a segment no longer matches: the error
    /// names that segment and block, not a snapshot the log never used.
    @Test func aSegmentChangedAfterItWasReadIsNamedWithItsBlock() async throws {
        let original = TemporaryLog(), other = TemporaryLog()
        defer { original.remove(); other.remove() }
        // The same events under two stream names of one length: the segments differ only in the names.
        let events = Events.make(20)
        for (temp, stream) in [(original, StreamName.test("chat", "a")), (other, .test("chat", "b"))] {
            let log = try temp.open()
            _ = try await log.append(events, to: stream, expected: .noStream)
            try log.close()
            try FileManager.default.removeItem(atPath: temp.directory + "/" + IndexSnapshot.fileName)
        }
        let segment = try #require(original.segments.first), replacement = try Data(contentsOf: URL(fileURLWithPath: try #require(other.segments.first)))
        #expect(try Data(contentsOf: URL(fileURLWithPath: segment)).count == replacement.count)
        let log = try original.open(.init(readOnly: true))
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        try handle.write(contentsOf: replacement)
        try handle.close()
        let error = try await #require(throws: LogError.self) {
            try await log.read(stream: .test("chat", "a"), from: 0, direction: .forwards, limit: 100)
        }
        #expect(error == .corrupt(
            segment: segment, offset: Int64(SegmentHeader.size), position: 0,
            reason: "the index read from this segment expected version 0 of chat-a here, the block now holds version 0 of chat-b: "
                + "the file changed after it was read"))
    }

    /// The stream table lists each stream once, in order of its first event: a table in another
    /// order, with a name twice or a name no event uses is not trusted, even when every
    /// position's stream would come out right.
    @Test(arguments: ["swapped", "twice", "unused"])
    func aStreamTableOutOfFirstEventOrderIsNotTrusted(edit: String) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await recovery.writeLog(temp, batches: 2)
        #expect(try verify(temp).indexSnapshot == "sound")
        try editSnapshot(temp) { bytes in
            let name = Array("conversation-0".utf8)
            let table = bytes.firstRange(of: name)!.lowerBound
            let events = bytes.count - 4 - 40 * 20
            switch edit {
            case "swapped":
                // conversation-1 listed first, and each position's number pointing at its own name.
                bytes[table + 13] = UInt8(ascii: "1")
                bytes[table + 2 + 14 + 13] = UInt8(ascii: "0")
                for entry in stride(from: events, to: bytes.count - 4, by: 20) { bytes[entry + 16] ^= 1 }
            case "twice":
                bytes[table + 2 + 14 + 13] = UInt8(ascii: "0")
            default:
                // Every position on the first stream: the second name is used by none.
                for entry in stride(from: events, to: bytes.count - 4, by: 20) { bytes[entry + 16] = 0 }
            }
        }
        #expect(try verify(temp).indexSnapshot == "damaged")
        let log = try temp.open(.init(readOnly: true))
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
        #expect(try await log.read(stream: .test("conversation", "1"), from: 0, direction: .forwards, limit: 100).count == 20)
    }

    @Test func aDamagedSegmentHeaderIsCorruptionUnderASoundSnapshot() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await recovery.writeLog(temp, batches: 2)
        let segment = try #require(temp.segments.first)
        try recovery.modify(segment) { $0.replaceSubrange(0..<8, with: Array("XXXXXXXX".utf8)) }
        let openers = [{ _ = try temp.open() }, { _ = try temp.open(.init(readOnly: true)) }, { _ = try verify(temp) }]
        for open in openers {
            let error = try #require(throws: LogError.self) { try open() }
            guard case .corrupt(let path, let offset, let position, _) = error else { Issue.record("\(error)"); continue }
            #expect(path == segment)
            #expect(offset == 0)
            #expect(position == 0)
        }
    }

    /// A stream name that is not UTF-8, or a block whose end does not fit a file offset: the
    /// snapshot is ignored (not loaded with a name no append uses, not a crash).
    @Test(arguments: ["name", "offset"])
    func aChecksumValidSnapshotWithABadNameOrOffsetIsIgnored(field: String) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await recovery.writeLog(temp, batches: 2)
        try editSnapshot(temp) { bytes in
            if field == "name" {
                let name = Array("conversation-0".utf8)
                let at = try! #require((0...(bytes.count - name.count)).first { Array(bytes[$0..<($0 + name.count)]) == name })
                bytes[at] = 0xFF
            } else {
                // The second block's offset: after the 40-byte head, one segment base (8) and one block (28), 8 bytes in.
                bytes.replaceSubrange(84..<92, with: withUnsafeBytes(of: (Int64.max - 10).littleEndian, Array.init))
            }
        }
        #expect(try verify(temp).indexSnapshot == "damaged")
        let log = try temp.open(.init(readOnly: true))
        #expect(try await log.read(stream: .test("conversation", "0"), from: 0, direction: .forwards, limit: 100).map(\.event) == Array(written[..<20]))
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
        try log.close()
    }

    @Test func aSnapshotAskedForAfterTheCloseIsRefusedAndTheClosesOneKept() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(3), to: .test("conversation", "a"), expected: .any)
        try log.close()
        let path = temp.directory + "/" + IndexSnapshot.fileName
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: LogError.closed) { try log.writeIndexSnapshot() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == saved)
    }
}
