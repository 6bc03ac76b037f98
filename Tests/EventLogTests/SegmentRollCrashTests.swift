import EventSourcing
import Foundation
import TestSupport
import Testing

@testable import EventLog

/// A crash around a segment roll: the writer cuts and syncs the old segment, then creates the new
/// one with its header; a crash may stop it between the two, or before the header reaches the disk.
@Suite struct SegmentRollCrashTests {
    let recovery = RecoveryTests()
    static let options = FileEventLog.Options(segmentSize: 4 << 10, blockSize: 1 << 10)

    /// A log of at least two segments, closed without its snapshot, as after a crash.
    func rolledLog(_ temp: TemporaryLog) async throws -> (events: [ProposedEvent], lastBase: UInt64) {
        let log = try temp.open(Self.options)
        var events: [ProposedEvent] = []
        var seed: UInt64 = 0
        while temp.segments.count < 2 && seed < 1000 {
            let batch = Events.make(2, seed: seed)
            events += batch
            _ = try await log.append(batch, to: .test("user", "a"), expected: .any)
            seed += 1
        }
        try log.close()
        try #require(temp.segments.count >= 2, "the log never rolled")
        try FileManager.default.removeItem(atPath: temp.directory + "/" + IndexSnapshot.fileName)
        let last = try #require(temp.segments.last)
        let base = try #require(SegmentHeader.basePosition(fileName: URL(fileURLWithPath: last).lastPathComponent))
        try #require(base > 0)
        return (events, base)
    }

    /// Stopped after the old segment was cut and synced, before the new one was made: the old one
    /// is last again, without zeros, and the log goes on from it.
    @Test func aCrashBeforeTheNewSegmentWasCreatedLeavesTheOldOneLast() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let (events, base) = try await rolledLog(temp)
        try FileManager.default.removeItem(atPath: try #require(temp.segments.last))
        try temp.rewindSyncedMarker(to: base)
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, options: Self.options, logger: warnings.logger)
        #expect(warnings.messages.isEmpty)
        #expect(try await log.readAll(from: .start, limit: 10_000).map(\.event) == Array(events.prefix(Int(base))))
        let next = try await log.append(Events.make(1, seed: 9999), to: .test("user", "b"), expected: .any)
        #expect(next == .appended(AppendedBatch(first: LogPosition(base), last: LogPosition(base), firstVersion: 0, lastVersion: 0)))
    }

    /// The new segment's file exists but its header never reached the disk (empty, part of it, or
    /// zeros): the header is written again, said, and the log appends into it.
    @Test(arguments: [0, 13, 32])
    func aLastSegmentWhoseHeaderIsTornIsRewritten(length: Int) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let (events, base) = try await rolledLog(temp)
        let last = try #require(temp.segments.last)
        try Data(repeating: 0, count: length).write(to: URL(fileURLWithPath: last))
        try temp.rewindSyncedMarker(to: base)
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, options: Self.options, logger: warnings.logger)
        #expect(warnings.messages == ["rewrote a torn segment header"])
        #expect(try recovery.fileSize(last) == SegmentHeader.size)
        #expect(try await log.readAll(from: .start, limit: 10_000).map(\.event) == Array(events.prefix(Int(base))))
        let next = try await log.append(Events.make(1, seed: 9999), to: .test("user", "b"), expected: .any)
        #expect(next == .appended(AppendedBatch(first: LogPosition(base), last: LogPosition(base), firstVersion: 0, lastVersion: 0)))
        try log.close()
        #expect(temp.segments.last == last)
        #expect(try SegmentBlocks.of(file: last).starts == [SegmentHeader.size])
    }

    /// A damaged header on a last segment that holds blocks is no torn creation: corruption at its
    /// offset 0, and nothing is rewritten.
    @Test func aDamagedHeaderOnALastSegmentWithBlocksIsCorruption() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let (_, base) = try await rolledLog(temp)
        let last = try #require(temp.segments.last)
        try recovery.modify(last) { $0[3] ^= 0xFF }
        try temp.rewindSyncedMarker(to: base)
        let before = try Data(contentsOf: URL(fileURLWithPath: last))
        let error = try #require(throws: LogError.self) { try temp.open(Self.options) }
        guard case .corrupt(last, 0, LogPosition(base), _) = error else { Issue.record("\(error)"); return }
        #expect(try Data(contentsOf: URL(fileURLWithPath: last)) == before)
    }
}
