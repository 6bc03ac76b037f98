import EventSourcing
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import EventLog

/// The zeroed tail the writer keeps after the last segment's blocks (Specs/log-format.md): open
/// logs have one, closed logs and left segments do not, and readers stop at it without calling
/// it damage, unless data follows the zeros.
@Suite struct ZeroTailTests {
    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// The body length in the header of the block at `offset`.
    func bodyLength(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[(offset + 12)..<(offset + 16)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    }

    /// Where the blocks of a segment end: blocks (magic `PBLK`) are walked by their body length.
    func blocksEnd(_ bytes: [UInt8]) -> Int { SegmentBlocks.of(bytes).end }

    /// Writes a copy of the segment's first block 512 bytes into its zeroed tail, as a reader may
    /// meet the writer's next block there; returns where the blocks end.
    func copyFirstBlockPastTheZeros(of segment: String) throws -> Int {
        var live = try bytes(segment)
        let end = blocksEnd(live)
        let firstBlock = Array(live[32..<(64 + bodyLength(live, at: 32))])
        live.replaceSubrange((end + 512)..<(end + 512 + firstBlock.count), with: firstBlock)
        try Data(live).write(to: URL(fileURLWithPath: segment))
        return end
    }

    /// A log with three durable batches as a crash would leave it: the files of a log still open,
    /// copied into `temp`'s folder.
    func crashedLog(_ temp: TemporaryLog) async throws -> [ProposedEvent] {
        let running = TemporaryLog()
        defer { running.remove() }
        let log = try running.open()
        var written: [ProposedEvent] = []
        for index in 0..<3 {
            let batch = Events.make(10, seed: UInt64(index))
            written += batch
            _ = try await log.append(batch, to: .test("conversation", "\(index)"), expected: .any)
        }
        try FileManager.default.createDirectory(atPath: temp.directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: running.directory) where name != "writer.lock" {
            try FileManager.default.copyItem(atPath: running.directory + "/" + name, toPath: temp.directory + "/" + name)
        }
        try log.close()
        return written
    }

    @Test func anOpenLogHasAZeroedTailThatClosingCuts() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(10), to: .test("conversation", "a"), expected: .any)
        let segment = try #require(temp.segments.last)
        let open = try bytes(segment)
        let end = blocksEnd(open)
        #expect(end > 64)
        #expect(open.count == 1 << 20, "zeroed to the next mebibyte")
        #expect(open[end...].allSatisfy { $0 == 0 })
        try log.close()
        let closed = try bytes(segment)
        #expect(closed.count == end)
        #expect(Array(closed) == Array(open[..<end]))
    }

    @Test func onlyWritesASyncCoversZeroAhead() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(10), to: .test("conversation", "a"), expected: .any, durability: .buffered)
        let segment = try #require(temp.segments.last)
        let buffered = try bytes(segment)
        #expect(blocksEnd(buffered) == buffered.count, "a buffered batch waits for no sync: no zeros")
        _ = try await log.append(Events.make(10, seed: 2), to: .test("conversation", "a"), expected: .any)
        #expect(try bytes(segment).count == 1 << 20)
        try log.close()
    }

    @Test func aCrashedLogOpensWithoutCuttingAndWritesIntoItsTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await crashedLog(temp)
        let segment = try #require(temp.segments.last)
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages.isEmpty, "no torn tail")
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
        let more = Events.make(10, seed: 7)
        _ = try await log.append(more, to: .test("conversation", "a"), expected: .any)
        #expect(try bytes(segment).count == 1 << 20, "the new batch went into the zeros")
        try log.close()
        let reopened = try temp.open()
        #expect(try await reopened.readAll(from: .start, limit: 100).map(\.event) == written + more)
    }

    @Test func bytesAfterTheZerosWithNoValidBlockAreATornTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let written = try await crashedLog(temp)
        let segment = try #require(temp.segments.last)
        var damaged = try bytes(segment)
        let end = blocksEnd(damaged)
        damaged.replaceSubrange((end + 4096)..<(end + 4100), with: [1, 2, 3, 4])
        try Data(damaged).write(to: URL(fileURLWithPath: segment))
        let warnings = Warnings()
        let log = try FileEventLog(directory: temp.directory, logger: warnings.logger)
        #expect(warnings.messages == ["cut a torn tail"])
        #expect(try bytes(segment).count == end)
        #expect(try await log.readAll(from: .start, limit: 100).map(\.event) == written)
    }

    @Test func aValidBlockAfterTheZerosIsCorruption() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        _ = try await crashedLog(temp)
        let segment = try #require(temp.segments.last)
        var damaged = try bytes(segment)
        let end = blocksEnd(damaged)
        // The first block again, a little after where the blocks end.
        let first = Array(damaged[32..<(64 + bodyLength(damaged, at: 32))])
        damaged.replaceSubrange((end + 512)..<(end + 512 + first.count), with: first)
        try Data(damaged).write(to: URL(fileURLWithPath: segment))
        do {
            _ = try temp.open()
            Issue.record("a valid block after the zeros was accepted")
        } catch let error as LogError {
            guard case .corrupt(let path, let offset, let position, let reason) = error else {
                Issue.record("expected corruption, got \(error)")
                return
            }
            #expect(path == segment)
            #expect(offset == Int64(end))
            #expect(position == LogPosition(30))
            #expect(reason.contains("zero bytes where a block should start"))
        }
    }

    @Test func leavingASegmentCutsItsTailAndAZeroedTailBeforeTheLastIsCorruption() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(segmentSize: 8 << 10)
        let segments: [String]
        do {
            let log = try temp.open(options)
            for index in 0..<20 {
                _ = try await log.append(Events.make(10, seed: UInt64(index)), to: .test("conversation", "a"), expected: .any)
            }
            segments = temp.segments
            #expect(segments.count > 2)
            for path in segments.dropLast() {
                let left = try bytes(path)
                #expect(blocksEnd(left) == left.count, "\(path) ends with its last block")
            }
            let last = try bytes(try #require(segments.last))
            #expect(last.count <= 8 << 10, "the tail stays within the segment size")
            try log.close()
        }
        let first = segments[0]
        try Data(try bytes(first) + [UInt8](repeating: 0, count: 100)).write(to: URL(fileURLWithPath: first))
        // Without the snapshot, opening scans every segment.
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        for open in [{ _ = try temp.open(options) }, { _ = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")) }] {
            do {
                try open()
                Issue.record("a zeroed tail in the first of \(segments.count) segments was accepted")
            } catch let error as LogError {
                guard case .corrupt(let path, _, _, let reason) = error else {
                    Issue.record("expected corruption, got \(error)")
                    continue
                }
                #expect(path == first)
                #expect(reason == "zero bytes where a block should start, in a segment that is not the last")
            }
        }
    }

    @Test func aReaderBesideTheWriterAndVerifyStopAtTheTail() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let first = Events.make(10)
        _ = try await log.append(first, to: .test("conversation", "a"), expected: .any)
        let reader = try temp.open(.init(readOnly: true))
        #expect(try await reader.readAll(from: .start, limit: 100).map(\.event) == first)
        let second = Events.make(10, seed: 2)
        _ = try await log.append(second, to: .test("conversation", "a"), expected: .any)
        #expect(try reader.refresh())
        #expect(try await reader.readAll(from: .start, limit: 100).map(\.event) == first + second)
        let verification = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        #expect(verification.events == 20)
        #expect(verification.bytesOnDisk == 1 << 20)
        #expect(verification.writerRunning)
        // A block appearing after the zeros while verify reads (the writer's next writes, as
        // verify may meet them) is not damage while the writer runs: verify reads up to the zeros.
        _ = try copyFirstBlockPastTheZeros(of: try #require(temp.segments.last))
        let beside = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        #expect(beside.events == 20)
        #expect(beside.tornTail == nil)
        try log.close()
        #expect(try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")).writerRunning == false)
    }
}

extension ZeroTailTests {
    @Test func verifyThatMeetsAWriterStartedAfterItsProbeReadsTheTailAgainBesideIt() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(20), to: .test("conversation", "a"), expected: .any)
        // What a scan without a writer can meet when one opens the log meanwhile: zeros where it
        // looks for the next block, and that block's bytes after them once it reads on.
        let end = try copyFirstBlockPastTheZeros(of: try #require(temp.segments.last))
        let never = try #require(throws: LogError.self) {
            try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"), progress: { _ in }) { false }
        }
        guard case .corrupt(_, let offset, _, _) = never else { Issue.record("expected corruption, got \(never)"); return }
        #expect(offset == Int64(end), "with no writer seen at all, bytes after the zeros are damage")
        let answers = Mutex([false, true])
        let verification = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"), progress: { _ in }) {
            answers.withLock { $0.removeFirst() }
        }
        #expect(verification.writerRunning)
        #expect(verification.events == 20)
        #expect(verification.tornTail == nil)
        #expect(answers.withLock { $0.isEmpty }, "the probe was asked again after the damage")
        try log.close()
    }

    @Test func verifyBesideAWriterThatAppendedAndRolledSinceTheSnapshot() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(segmentSize: 8 << 10)
        do {
            let log = try temp.open(options)
            _ = try await log.append(Events.make(10), to: .test("conversation", "a"), expected: .any)
            try log.close()
        }
        let log = try temp.open(options)
        for index in 0..<10 {
            _ = try await log.append(Events.make(10, seed: UInt64(index)), to: .test("conversation", "b"), expected: .any)
        }
        #expect(temp.segments.count >= 2, "the writer rolled since the snapshot")
        let verification = try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test"))
        #expect(verification.writerRunning)
        #expect(verification.events == 110)
        #expect(verification.indexSnapshot == "stale")
        #expect(verification.tornTail == nil)
        try log.close()
        #expect(try FileEventLog.verify(directory: temp.directory, logger: Logger(label: "test")).indexSnapshot == "sound")
    }
}
