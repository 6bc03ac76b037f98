import EventSourcing
import Foundation
import Testing

@testable import EventLog

/// Readers in other processes see only what the writer has synced.
@Suite struct SyncedMarkerTests {
    @Test func aReaderSeesOnlyWhatIsSynced() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(3, seed: 1), to: .test("chat", "a"), expected: .any)
        _ = try await writer.append(Events.make(2, seed: 2), to: .test("chat", "b"), expected: .any, durability: .buffered)
        _ = try await writer.append(Events.make(1, seed: 3), to: .test("chat", "c"), expected: .any, durability: .deferred)
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.head() == 3)
        #expect(try await reader.readAll(from: .start, limit: 10).count == 3)
        #expect(try await reader.read(stream: .test("chat", "b"), from: 0, direction: .forwards, limit: 10).isEmpty)
        #expect(try reader.refresh() == false)

        try writer.sync()
        #expect(try reader.refresh() == true)
        #expect(try await reader.head() == 6)
        #expect(try await reader.readAll(from: .start, limit: 10).count == 6)
    }

    @Test func anUnreadableMarkerKeepsWhatWasKnownUntilTheNextSync() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(4, seed: 1), to: .test("chat", "a"), expected: .any)
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.head() == 4)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: temp.directory + "/synced"))
        _ = try await writer.append(Events.make(1, seed: 2), to: .test("chat", "a"), expected: .any, durability: .buffered)
        #expect(try reader.refresh() == false)
        #expect(try await reader.head() == 4)
        // A new reader knows nothing yet: it waits for a whole marker.
        let late = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await late.head() == 0)
        try writer.sync()
        #expect(try reader.refresh() == true)
        #expect(try late.refresh() == true)
        #expect(try await late.head() == 5)
    }

    /// A reader already open meets acknowledged events that are damaged or gone as corruption, as
    /// an open does, rather than as a write under way to wait for.
    @Test(arguments: ["damaged", "cut"])
    func acknowledgedEventsMissingUnderAnOpenReaderAreCorruption(_ harm: String) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(3, seed: 1), to: .test("chat", "a"), expected: .any)
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.head() == 3)
        let segment = try #require(temp.segments.last)
        let offset = try SegmentBlocks.of(file: segment).end
        _ = try await writer.append(Events.make(2, seed: 2), to: .test("chat", "b"), expected: .any)
        let handle = try #require(FileHandle(forUpdatingAtPath: segment))
        if harm == "damaged" {
            try handle.seek(toOffset: UInt64(offset + 40))
            let byte = try #require(try handle.read(upToCount: 1)?.first)
            try handle.seek(toOffset: UInt64(offset + 40))
            try handle.write(contentsOf: [byte ^ 0x01])
        } else {
            try handle.truncate(atOffset: UInt64(offset))
        }
        try handle.close()
        let error = #expect(throws: LogError.self) { try reader.refresh() }
        guard case .corrupt(let path, let at, let position, let reason) = error else {
            Issue.record("expected corruption, got \(String(describing: error))")
            return
        }
        #expect(path == segment)
        #expect(at == Int64(offset))
        #expect(position == LogPosition(3))
        #expect(reason.contains(harm == "damaged" ? "below the synced marker's position 5" : "2 acknowledged events are missing"), "\(reason)")
        // And keeps saying so, to every read that looks for new events.
        await #expect(throws: LogError.self) { try await reader.head() }
    }

    /// Written but unsynced batches are not the reader's to index: a writer whose sync failed cuts
    /// them when it reopens the log and writes others at the same positions and offsets, which a
    /// reader that had indexed them would read under the old streams and ids.
    @Test func aReaderIndexesNothingPastTheMarker() async throws {
        let temp = TemporaryLog(), other = TemporaryLog()
        defer {
            temp.remove()
            other.remove()
        }
        let kept = Events.make(3, seed: 1), cut = Events.make(2, seed: 2), rewritten = Events.make(2, seed: 3)
        let writer = try temp.open()
        _ = try await writer.append(kept, to: .test("chat", "a"), expected: .any)
        let segment = try #require(temp.segments.last)
        let keptEnd = try SegmentBlocks.of(file: segment).end
        _ = try await writer.append(cut, to: .test("chat", "b"), expected: .any, durability: .buffered)
        try writer.close()
        // The same positions in another log, for the batch a second writer puts where the cut one was.
        let elsewhere = try other.open()
        _ = try await elsewhere.append(Events.make(3, seed: 4), to: .test("chat", "x"), expected: .any)
        _ = try await elsewhere.append(rewritten, to: .test("chat", "c"), expected: .any)
        try elsewhere.close()
        let otherBytes = try Data(contentsOf: URL(fileURLWithPath: try #require(other.segments.last)))
        let rewrittenBlock = otherBytes[try SegmentBlocks.of(file: try #require(other.segments.last)).starts[1]...]

        // The first writer's sync of the buffered batch failed: the marker still says 3, and no
        // index snapshot was saved.
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        try Data(SyncedMarker.encode(3)).write(to: URL(fileURLWithPath: temp.directory + "/synced"))
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.head() == 3)
        // A second writer cut the batch and appended another at positions 3 and 4, and synced it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        try (bytes[..<keptEnd] + rewrittenBlock).write(to: URL(fileURLWithPath: segment))
        try Data(SyncedMarker.encode(5)).write(to: URL(fileURLWithPath: temp.directory + "/synced"))

        #expect(try reader.refresh() == true)
        #expect(try await reader.readAll(from: .start, limit: 10).map(\.id) == (kept + rewritten).map(\.id))
        #expect(try await reader.read(stream: .test("chat", "c"), from: 0, direction: .forwards, limit: 10).map(\.id) == rewritten.map(\.id))
        #expect(try await reader.read(stream: .test("chat", "b"), from: 0, direction: .forwards, limit: 10).isEmpty)
        #expect(try await reader.readCategory("chat", from: .start, limit: 10).map(\.stream.description) == ["chat-a", "chat-a", "chat-a", "chat-c", "chat-c"])
    }

    /// The marker may lag several segment rolls (a roll syncs its segment but moves no marker):
    /// a reader stops in an earlier segment, then reads the later ones from their headers once
    /// the marker passes them.
    @Test func aReaderStoppedSegmentsBeforeTheLastReadsOnOnceTheMarkerMoves() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open(FileEventLog.Options(segmentSize: 4096))
        let durable = Events.make(3, seed: 1)
        _ = try await writer.append(durable, to: .test("chat", "a"), expected: .any)
        var buffered: [ProposedEvent] = []
        for seed in 2...24 {
            let events = Events.make(4, seed: UInt64(seed))
            buffered += events
            _ = try await writer.append(events, to: .test("chat", "b"), expected: .any, durability: .buffered)
        }
        #expect(temp.segments.count >= 3)
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.head() == 3)
        #expect(try reader.refresh() == false)
        try writer.sync()
        #expect(try reader.refresh() == true)
        let read = try await reader.readAll(from: .start, limit: 1000)
        #expect(read.map(\.id) == (durable + buffered).map(\.id))
        #expect(read.map(\.position.rawValue) == Array(0..<UInt64(durable.count + buffered.count)))
        try writer.close()
    }

    @Test func theMarkerRoundTripsAndRefusesDamage() {
        for position: UInt64 in [0, 1, 255, 1 << 40, .max] {
            #expect(SyncedMarker.decode(SyncedMarker.encode(position)) == position)
        }
        var damaged = SyncedMarker.encode(12345)
        damaged[3] ^= 0x10
        #expect(SyncedMarker.decode(damaged) == nil)
        #expect(SyncedMarker.decode(Array(SyncedMarker.encode(7).prefix(11))) == nil)
        #expect(SyncedMarker.encode(0x0102) == [2, 1, 0, 0, 0, 0, 0, 0] + SyncedMarker.encode(0x0102).suffix(4))
    }
}
