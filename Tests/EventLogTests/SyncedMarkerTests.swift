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
