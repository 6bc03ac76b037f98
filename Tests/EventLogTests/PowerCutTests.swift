import EventSourcing
import Foundation
import Logging
import TestSupport
import Testing

@testable import EventLog

/// What a power cut during a sync leaves: pages of the blocks the sync was writing reach the
/// disk in any order, so an earlier block may be torn while a later one is whole. Each block's
/// sync horizon (Specs/log-format.md, "The sync horizon") tells that apart from damage to blocks
/// a sync had already covered.
@Suite struct PowerCutTests {
    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The files of a log still open, as a power cut leaves them: a durable batch of 10 events
    /// (positions 0 to 9), then buffered batches of 10, each in blocks of its own, never synced;
    /// with `syncAfterFirst`, a sync runs after the first of them. Returns every batch and the
    /// offsets of the buffered batches' blocks.
    func poweredOffLog(_ temp: TemporaryLog, buffered: Int, syncAfterFirst: Bool = false) async throws -> (batches: [[ProposedEvent]], blocks: [Int]) {
        let running = TemporaryLog()
        defer { running.remove() }
        let log = try running.open()
        var batches = [Events.make(10, seed: 0)]
        _ = try await log.append(batches[0], to: .test("conversation", "a"), expected: .any)
        let before = try SegmentBlocks.of(file: try #require(running.segments.last)).starts.count
        for index in 1...buffered {
            batches.append(Events.make(10, seed: UInt64(index)))
            _ = try await log.append(batches[index], to: .test("conversation", "b"), expected: .any, durability: .buffered)
            if index == 1 && syncAfterFirst { try log.sync() }
        }
        try copyAsAPowerCutLeavesIt(running, to: temp)
        try log.close()
        let starts = try SegmentBlocks.of(file: try #require(temp.segments.last)).starts
        return (batches, Array(starts.dropFirst(before)))
    }

    /// Copies the files of `running`, a log still open, to `temp`, as a power cut leaves them
    /// (without the writer's lock).
    func copyAsAPowerCutLeavesIt(_ running: TemporaryLog, to temp: TemporaryLog) throws {
        try FileManager.default.createDirectory(atPath: temp.directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: running.directory) where name != "writer.lock" {
            try FileManager.default.copyItem(atPath: running.directory + "/" + name, toPath: temp.directory + "/" + name)
        }
    }

    /// Zeroes 64 bytes in the middle of the block at `offset`, as a page that never reached the disk.
    func tear(_ segment: String, blockAt offset: Int) throws {
        var damaged = try bytes(segment)
        damaged.replaceSubrange((offset + 40)..<(offset + 104), with: repeatElement(0, count: 64))
        try Data(damaged).write(to: URL(fileURLWithPath: segment))
    }

    @Test func anUnsyncedBlockTornBeforeAWholeOneIsATornTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let (batches, blocks) = try await poweredOffLog(temp, buffered: 3)
        #expect(blocks.count == 3)
        let segment = try #require(temp.segments.last)
        try tear(segment, blockAt: blocks[1])
        let verified = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        #expect(verified.events == 20)
        let torn = try #require(verified.tornTail)
        #expect(torn.segment == segment)
        #expect(torn.offset == Int64(blocks[1]))
        #expect(torn.position == LogPosition(20))
        #expect(torn.reason.hasPrefix("CRC32C mismatch"))
        // A reader in another process reads what the synced marker vouches for (the durable
        // batch) and leaves the rest to the next writer, which judges it and cuts the tail.
        let early = try temp.open(.init(readOnly: true))
        #expect(try await early.readAll(from: .start, limit: 100).map(\.event) == batches[0])
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages == ["cut a torn tail"])
        #expect(try bytes(segment).count == blocks[1])
        let reader = try temp.open(.init(readOnly: true))
        #expect(try await reader.readAll(from: .start, limit: 100).count == 20)
        try reader.close()
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == batches[0] + batches[1])
        // The log goes on from the cut.
        let next = try await log.append(Events.make(1, seed: 9), to: .test("conversation", "c"), expected: .any)
        guard case .appended(let batch) = next else { Issue.record("\(next)"); return }
        #expect(batch.first == LogPosition(20))
        // The reader open before the cut reads what the writer kept, then the event that took
        // the torn batch's position.
        #expect(try early.refresh() == true)
        let read = try await early.readAll(from: .start, limit: 100)
        #expect(read.prefix(20).map(\.event) == batches[0] + batches[1])
        #expect(read.dropFirst(20).map(\.stream) == [.test("conversation", "c")])
        #expect(read.map(\.position) == (0...20).map { LogPosition($0) })
        try early.close()
        try log.close()
    }

    @Test func damageBeforeABlockWrittenOnceASyncCoveringItHadStartedIsCorruption() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let (_, blocks) = try await poweredOffLog(temp, buffered: 2, syncAfterFirst: true)
        let segment = try #require(temp.segments.last)
        // Without the marker (it may lag), only the later block's horizon tells what was synced.
        try FileManager.default.removeItem(atPath: temp.directory + "/synced")
        try tear(segment, blockAt: blocks[0])
        let error = try #require(throws: LogError.self) { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) }
        guard case .corrupt(let path, let offset, let position, let reason) = error else {
            Issue.record("expected corruption, got \(error)")
            return
        }
        #expect(path == segment)
        #expect(offset == Int64(blocks[0]))
        #expect(position == LogPosition(10))
        #expect(reason.hasPrefix("CRC32C mismatch"))
        #expect(reason.hasSuffix(
            "; a valid block at byte \(blocks[1]) was written once a sync of the positions below 20 had started, so this damage is not a torn write"))
        #expect(throws: error) { _ = try temp.open() }
        #expect(try bytes(segment).count > blocks[1], "nothing is cut")
    }

    @Test func theSameDamageWithoutTheSyncIsATornTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let (batches, blocks) = try await poweredOffLog(temp, buffered: 2)
        let segment = try #require(temp.segments.last)
        try FileManager.default.removeItem(atPath: temp.directory + "/synced")
        try tear(segment, blockAt: blocks[0])
        let log = try temp.open()
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == batches[0])
        try log.close()
    }

    /// A batch of several blocks torn in its first, a middle or its last block, the others whole:
    /// the cut takes the whole batch (its blocks after the damage are its own, at positions the
    /// cut takes), never part of it.
    @Test(arguments: [0, 1, 2])
    func aBatchTornInAnyOfItsBlocksIsCutWhole(tornBlock: Int) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(blockSize: 1024)
        let running = TemporaryLog()
        defer { running.remove() }
        let log = try running.open(options)
        let kept = Events.make(10, seed: 0)
        _ = try await log.append(kept, to: .test("conversation", "a"), expected: .any)
        let before = try SegmentBlocks.of(file: try #require(running.segments.last)).starts.count
        _ = try await log.append(Events.make(12, seed: 1), to: .test("conversation", "b"), expected: .any, durability: .buffered)
        try copyAsAPowerCutLeavesIt(running, to: temp)
        try log.close()
        let segment = try #require(temp.segments.last)
        let blocks = Array(try SegmentBlocks.of(file: segment).starts.dropFirst(before))
        #expect(blocks.count >= 3, "the batch takes several blocks")
        try tear(segment, blockAt: blocks[tornBlock == 2 ? blocks.count - 1 : tornBlock])
        let torn = try #require(try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")).tornTail)
        #expect(torn.offset == Int64(blocks[0]))
        #expect(torn.position == LogPosition(10))
        let reopened = try temp.open(options)
        #expect(try bytes(segment).count == blocks[0])
        #expect(try await reopened.readAll(from: .start, limit: 100).map(\.event) == kept)
        try reopened.close()
    }

    /// Recovery that starts where a sound index snapshot ends judges a torn tail after it against
    /// the marker as a full scan does: a cut at the marker keeps the snapshot; one position lower
    /// is corruption.
    @Test(arguments: [50, 51])
    func aTornTailPastASoundSnapshotIsJudgedAtTheMarker(marker: UInt64) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await RecoveryTests().writeLog(temp, batches: 2)
        // Reopened from the snapshot of 40 events; two durable batches of 10, then a power cut.
        let running = TemporaryLog()
        defer { running.remove() }
        try copyAsAPowerCutLeavesIt(temp, to: running)
        let log = try running.open()
        let later = [Events.make(10, seed: 7), Events.make(10, seed: 8)]
        for batch in later { _ = try await log.append(batch, to: .test("conversation", "later"), expected: .any) }
        let cut = TemporaryLog()
        defer { cut.remove() }
        try copyAsAPowerCutLeavesIt(running, to: cut)
        try log.close()
        let segment = try #require(cut.segments.last)
        let last = try #require(try SegmentBlocks.of(file: segment).starts.last)
        try tear(segment, blockAt: last)
        try cut.rewindSyncedMarker(to: marker)
        if marker == 51 {
            let error = try #require(throws: LogError.self) { _ = try cut.open() }
            guard case .corrupt(let path, let offset, let position, _) = error else { Issue.record("\(error)"); return }
            #expect(path == segment)
            #expect(offset == Int64(last))
            #expect(position == 50)
            return
        }
        let warnings = Warnings(level: .info)
        let reopened = try FileEventLog(directory: cut.directory, logger: warnings.logger)
        #expect(warnings.messages == ["cut a torn tail"], "the snapshot is kept: nothing rebuilt")
        #expect(try await reopened.readAll(from: .start, limit: 100).map(\.event) == written + later[0])
        try reopened.close()
    }

    @Test(arguments: [0, 1, 4095, 4096, 4097, 1_000_000, 123_456_789_012])
    func aHorizonIsStoredExactlyUpTo4095BackAndNeverBelowTheWritersBeyond(distance: UInt64) {
        let first: UInt64 = 200_000_000_000
        let field = SyncHorizon.field(firstPosition: first, horizon: first - distance)
        let stored = SyncHorizon.horizon(firstPosition: first, field: field)
        if distance <= 4095 {
            #expect(stored == first - distance)
        } else if distance >= 4095 << 15 {
            // The largest distance the field holds.
            #expect(stored == first - 4095 << 15)
        } else {
            #expect(stored >= first - distance)
            // Rounded down to 12 significant bits: within 1/2048 of the distance.
            #expect(stored - (first - distance) <= distance / 2048)
        }
    }

    @Test func aHorizonFieldOfZeroIsTheBlocksOwnPositionAndAHorizonPastTheBlockIsClamped() {
        #expect(SyncHorizon.horizon(firstPosition: 77, field: 0) == 77)
        #expect(SyncHorizon.field(firstPosition: 77, horizon: 90) == 0)
        #expect(SyncHorizon.horizon(firstPosition: 3, field: 0xFFFF) == 0)
    }
}
