@testable import EventLog
import EventSourcing
import Foundation
import Logging
import Testing

/// Small durable and deferred batches share the open block until a sync, a read, a larger batch
/// or a full block frames them: what one sync writes is compressed together.
@Suite struct OpenBlockTests {
    @Test func smallBatchesBetweenSyncsShareOneCompressedBlock() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        var ids: [UUID] = []
        do {
            let writer = try temp.open()
            for index in 0..<50 {
                let batch = Events.make(1, seed: UInt64(index))
                ids += batch.map(\.id)
                _ = try await writer.append(batch, to: .test("chat", "\(index)"), expected: .noStream, durability: .deferred)
            }
            #expect(writer.state.withLock { $0.index.blocks.isEmpty })
            try writer.sync()
            let blocks = writer.state.withLock { $0.index.blocks }
            #expect(blocks.map(\.count) == [50] && blocks.map(\.firstPosition) == [0])
            try writer.close()
        }
        let verified = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        #expect(verified.events == 50 && verified.blocks == 1)
        // Alone, a record of this size shrinks by a few percent; fifty together by more than half.
        #expect(verified.compressionRatio > 2)
        let reopened = try temp.open()
        #expect(try await reopened.readAll(from: .start, limit: 200).map(\.id) == ids)
    }

    @Test func theOpenBlockIsFramedOnceItWouldPassSixteenKiB() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        var sizes: [Int] = []
        for index in 0..<200 {
            let batch = Events.make(1, seed: UInt64(index)), stream = StreamName.test("chat", "\(index)")
            sizes.append(RecordCodec.size(of: batch[0], stream: stream)!)
            _ = try await writer.append(batch, to: stream, expected: .noStream, durability: .deferred)
        }
        try writer.sync()
        // The records packed in order, a new block whenever the next would pass 16 KiB.
        var expected: [UInt32] = [], bytes = 0
        for size in sizes {
            if bytes > 0 && bytes + size > FileEventLog.openBlockSize {
                expected.append(0)
                bytes = 0
            }
            if expected.isEmpty { expected.append(0) }
            expected[expected.count - 1] += 1
            bytes += size
        }
        #expect(expected.count > 2)
        #expect(writer.state.withLock { $0.index.blocks.map(\.count) } == expected)
    }

    @Test func aReadOfAnEventInTheOpenBlockFramesIt() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let batches = (0..<5).map { Events.make(3, seed: UInt64($0)) }
        do {
            let writer = try temp.open()
            for (index, batch) in batches.enumerated().prefix(3) {
                _ = try await writer.append(batch, to: .test("chat", "\(index)"), expected: .noStream, durability: .deferred)
            }
            let second = try await writer.read(stream: .test("chat", "1"), from: 0, direction: .forwards, limit: 10)
            #expect(second.map(\.id) == batches[1].map(\.id) && second.map(\.position.rawValue) == [3, 4, 5])
            #expect(writer.state.withLock { $0.index.blocks.map(\.count) } == [9])
            for (index, batch) in batches.enumerated().dropFirst(3) {
                _ = try await writer.append(batch, to: .test("chat", "\(index)"), expected: .noStream, durability: .deferred)
            }
            #expect(try await writer.readAll(from: LogPosition(10), limit: 3).map(\.position.rawValue) == [10, 11, 12])
            #expect(try await writer.readCategory("chat", from: LogPosition(13), limit: 10).map(\.id) == batches[4].suffix(2).map(\.id))
            try writer.close()
        }
        #expect(try temp.open().state.withLock { $0.index.blocks.map(\.count) } == [9, 6])
    }

    @Test func aBufferedOrLargeBatchIsWrittenAfterTheOpenBlock() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let small = Events.make(2, seed: 1), buffered = Events.make(1, seed: 2), later = Events.make(1, seed: 3)
        let large = Events.make(12, seed: 4)
        do {
            let writer = try temp.open(FileEventLog.Options(blockSize: 1 << 10))
            _ = try await writer.append(small, to: .test("chat", "a"), expected: .noStream, durability: .deferred)
            _ = try await writer.append(buffered, to: .test("chat", "b"), expected: .noStream, durability: .buffered)
            _ = try await writer.append(later, to: .test("chat", "a"), expected: .exact(1), durability: .deferred)
            _ = try await writer.append(large, to: .test("chat", "c"), expected: .noStream, durability: .durable)
            try writer.close()
        }
        let reopened = try temp.open()
        let read = try await reopened.readAll(from: .start, limit: 100)
        #expect(read.map(\.id) == (small + buffered + later + large).map(\.id))
        #expect(read.map(\.position.rawValue) == Array(0..<16))
        #expect(try await reopened.read(stream: .test("chat", "a"), from: 0, direction: .forwards, limit: 5).map(\.version.rawValue) == [0, 1, 2])
        let blocks = reopened.state.withLock { $0.index.blocks }
        #expect(blocks.prefix(3).map(\.count) == [2, 1, 1] && blocks.count > 4)
    }

    @Test func anOpenBlockThatStartsASegmentNamesItsBase() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        var ids: [UUID] = []
        do {
            let writer = try temp.open(FileEventLog.Options(segmentSize: 4 << 10, blockSize: 1 << 10))
            for index in 0..<120 {
                let batch = Events.make(1 + index % 3, seed: UInt64(index))
                ids += batch.map(\.id)
                let durability: Durability = index % 4 == 0 ? .durable : .deferred
                _ = try await writer.append(batch, to: .test("chat", "\(index % 7)"), expected: .any, durability: durability)
            }
            try writer.close()
        }
        #expect(temp.segments.count > 3)
        let verified = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        #expect(verified.events == UInt64(ids.count) && verified.segments == temp.segments.count)
        let reopened = try temp.open()
        #expect(try await reopened.readAll(from: .start, limit: 1000).map(\.id) == ids)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSegmentThatCannotBeCreatedStopsTheLogRatherThanHangItsWaiters() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open(FileEventLog.Options(segmentSize: 4 << 10, blockSize: 1 << 10))
        // Every name the next segment could take is taken, so creating it fails.
        for base in 1...400 {
            _ = FileManager.default.createFile(atPath: temp.directory + "/" + SegmentHeader.fileName(basePosition: UInt64(base)), contents: Data())
        }
        // Each durable append waits for a sync that frames its block; the sync that needs the new
        // segment must fail that append, not leave it waiting.
        var failed = false
        for index in 0..<400 where !failed {
            do {
                _ = try await writer.append(Events.make(1, seed: UInt64(index)), to: .test("chat", "\(index)"), expected: .noStream, durability: .durable)
            } catch {
                failed = true
            }
        }
        #expect(failed)
        await #expect(throws: LogError.self) {
            _ = try await writer.append(Events.make(1), to: .test("chat", "after"), expected: .noStream, durability: .durable)
        }
        #expect(throws: LogError.self) { try writer.sync() }
    }
}
