@testable import EventLog
import EventSourcing
import Foundation
import SystemPackage
import Testing

/// Deferred batches are readable in the writing process at once and reach the file together.
@Suite struct DeferredWriteTests {
    @Test func deferredBatchesAreReadableAtOnceAndReachTheFileAtTheSync() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        let batches = (0..<20).map { Events.make(2, seed: UInt64($0)) }
        for (index, batch) in batches.enumerated() {
            let result = try await writer.append(batch, to: .test("chat", "\(index % 3)"), expected: .any, durability: .deferred)
            guard case .appended(let places) = result else {
                Issue.record("batch \(index): \(result)")
                return
            }
            #expect(places.first.rawValue == UInt64(2 * index))
            // The writer reads its own batch back by stream, by category and from $all.
            let stream = try await writer.read(stream: .test("chat", "\(index % 3)"), from: places.firstVersion, direction: .forwards, limit: 10)
            #expect(stream.map(\.id) == batch.map(\.id))
        }
        #expect(try await writer.readCategory("chat", from: .start, limit: 100).count == 40)
        #expect(try await writer.readAll(from: .start, limit: 100).map(\.position.rawValue) == Array(0..<40))

        // Another process sees them once the sync wrote and synced them, whole and in order.
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        try writer.sync()
        try reader.refresh()
        let read = try await reader.readAll(from: .start, limit: 100)
        #expect(read.map(\.id) == batches.flatMap { $0.map(\.id) })
    }

    @Test func pendingBytesAreWrittenOnceTheyAreMany() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        // About 1.5 MiB of incompressible payloads, deferred, never read back or synced.
        var random = SystemRandomNumberGenerator()
        var ids: [UUID] = []
        for index in 0..<200 {
            let noise = (0..<8 << 10).map { _ in UInt8.random(in: 0x61...0x7A, using: &random) }
            let event = ProposedEvent(
                id: UUID(), type: "noise", schemaVersion: 1, recordedAt: Timestamp(microsecondsSinceEpoch: Int64(index)),
                metadata: EventMetadata(correlationID: nil, causationID: nil, actor: "test"),
                payload: Array(#"{"noise":""#.utf8) + noise + Array(#""}"#.utf8))
            ids.append(event.id)
            _ = try await writer.append([event], to: .test("noise", "\(index)"), expected: .noStream, durability: .deferred)
        }
        // What reached the file, read past the synced marker (as for a log written before markers).
        try FileManager.default.removeItem(atPath: temp.directory + "/synced")
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        let written = try await reader.readAll(from: .start, limit: 1000)
        #expect(written.count >= 100 && written.count < 200)
        #expect(written.map(\.id) == Array(ids.prefix(written.count)))
    }

    /// A deferred batch whose write failed poisons the log; its bytes, left among the pending
    /// ones, are never written afterwards, even once the file takes writes again: its caller was
    /// told it is not stored.
    @Test func aDeferredBatchWhoseWriteFailedIsNeverWrittenLater() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(2), to: .test("chat", "1"), expected: .any, durability: .deferred)
        // Over 1 MiB of incompressible records in blocks of their own, pending after the small
        // batch's: the pending bytes are written at once, and that write fails.
        var random = SystemRandomNumberGenerator()
        let large = (0..<160).map { index in
            ProposedEvent(
                id: UUID(), type: "noise", schemaVersion: 1, recordedAt: Timestamp(microsecondsSinceEpoch: Int64(index)),
                metadata: EventMetadata(correlationID: nil, causationID: nil, actor: "test"),
                payload: Array(#"{"noise":""#.utf8) + (0..<8 << 10).map { _ in UInt8.random(in: 0x61...0x7A, using: &random) } + Array(#""}"#.utf8))
        }
        let restore = writer.pointLastSegmentAtReadOnlyFile()
        let error = try await #require(throws: LogError.self) {
            try await writer.append(large, to: .test("noise", "1"), expected: .noStream, durability: .deferred)
        }
        restore()
        let segment = try #require(temp.segments.last)
        #expect(error == .io(operation: "writing", path: segment, errno: .badFileDescriptor))
        let poisoned = LogError.poisoned(reason: "writing \(segment): \(Errno.badFileDescriptor)")
        await #expect(throws: poisoned) { try await writer.readAll(from: .start, limit: 10) }
        #expect(throws: poisoned) { try writer.sync() }
        #expect(throws: poisoned) { try writer.close() }
        #expect(throws: poisoned) { try writer.sync() }
        let reopened = try temp.open()
        #expect(try await reopened.readAll(from: .start, limit: 1000).isEmpty)
        try reopened.close()
    }
}

@Suite struct PositionListTests {
    @Test func holdsRangesInOrderAndFindsTheFirstAtOrAfter() {
        var list = PositionList()
        #expect(list.isEmpty && list.lowerBound(5) == 0)
        list.append(contentsOf: 7..<8)
        #expect(Array(list) == [7])
        list.append(contentsOf: 10..<13)
        list.append(contentsOf: 20..<20)
        list.append(contentsOf: 40..<41)
        #expect(Array(list) == [7, 10, 11, 12, 40])
        #expect([0, 7, 8, 11, 13, 40, 41].map(list.lowerBound) == [0, 0, 1, 2, 4, 4, 5])
    }
}
