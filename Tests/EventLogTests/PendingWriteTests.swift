import EventSourcing
import Foundation
import Testing

@testable import EventLog

/// Durable batches reach the file together, just before the sync that covers them.
@Suite struct PendingWriteTests {
    @Test func coalescedDurableAppendsAreInTheFileWhenTheyReturn() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open(FileEventLog.Options(segmentSize: 16 << 10))
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        // Concurrent single-event appends: most join the pending bytes of a sync round.
        let batches = (0..<200).map { Events.make(1, seed: UInt64($0)) }
        let results = try await withThrowingTaskGroup(of: (Int, AppendResult).self) { group in
            for (index, batch) in batches.enumerated() {
                group.addTask { (index, try await writer.append(batch, to: .test("chat", "\(index % 7)"), expected: .any)) }
            }
            return try await group.reduce(into: [Int: AppendResult]()) { $0[$1.0] = $1.1 }
        }
        // Every acknowledged batch is on disk for a reader in another FileEventLog, whole, at the
        // position its append returned.
        try reader.refresh()
        let read = try await reader.readAll(from: .start, limit: 1000)
        #expect(read.map(\.position.rawValue) == Array(0..<200))
        for (index, batch) in batches.enumerated() {
            guard case .appended(let places)? = results[index] else {
                Issue.record("append \(index): \(String(describing: results[index]))")
                continue
            }
            #expect(read[Int(places.first.rawValue)].id == batch[0].id, "append \(index)")
        }
        #expect(temp.segments.count > 1)
    }

    /// A deferred batch waits, unwritten, in the open block; a buffered append then frames it and
    /// writes it before its own bytes, so the file has no hole. (Holding the sync instead would
    /// block a thread of the cooperative pool: the appender may lead the sync itself.)
    @Test func aBufferedAppendWritesTheWaitingBatchesBeforeItsOwn() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        let waiting = Events.make(3, seed: 1)
        let buffered = Events.make(2, seed: 2)
        _ = try await writer.append(waiting, to: .test("chat", "a"), expected: .any, durability: .deferred)
        #expect(writer.state.withLock { $0.open.count } == 3, "the deferred batch should wait in the open block")
        _ = try await writer.append(buffered, to: .test("chat", "b"), expected: .any, durability: .buffered)
        // Before any sync: without the synced marker (as for a log written before markers), a
        // reader sees whatever reached the file, and it must be whole and in order.
        try FileManager.default.removeItem(atPath: temp.directory + "/synced")
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.readAll(from: .start, limit: 10).map(\.id) == (waiting + buffered).map(\.id))
        try writer.close()
    }
}
