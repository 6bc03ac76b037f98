import EventSourcing
import Foundation
import Glibc
import Testing

@testable import EventLog

@Suite struct FileEventLogTests {
    @Test func appendReadAndReopenRoundTrip() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let stream = StreamName.test("conversation", "1")
        let batch = Events.make(3)
        do {
            let log = try temp.open()
            let result = try await log.append(batch, to: stream, expected: .noStream, durability: .durable)
            #expect(result == .appended(AppendedBatch(first: 0, last: 2, firstVersion: 0, lastVersion: 2)))
            let read = try await log.read(stream: stream, from: 0, direction: .forwards, limit: 10)
            #expect(read.map(\.event) == batch)
            #expect(read.map(\.position) == [0, 1, 2])
            #expect(read.map(\.version) == [0, 1, 2])
            try log.close()
        }
        let reopened = try temp.open()
        let all = try await reopened.readAll(from: .start, limit: 100)
        #expect(all.map(\.event) == batch)
        #expect(all.allSatisfy { $0.stream == stream })
        #expect(try await reopened.head() == 3)
    }

    /// A stream and a category are their bytes: an NFC and an NFD spelling of one name are two
    /// streams, each from version 0, and two categories, before and after reopening.
    @Test func namesThatAreCanonicallyEqualButDifferInBytesAreTwoStreams() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let composed = StreamName.test("caf\u{E9}", "1"), decomposed = StreamName.test("cafe\u{301}", "1")
        do {
            let log = try temp.open()
            #expect(try await log.append(Events.make(1), to: composed, expected: .noStream) == .appended(AppendedBatch(first: 0, last: 0, firstVersion: 0, lastVersion: 0)))
            #expect(try await log.append(Events.make(1), to: decomposed, expected: .noStream) == .appended(AppendedBatch(first: 1, last: 1, firstVersion: 0, lastVersion: 0)))
            try log.close()
        }
        let log = try temp.open()
        #expect(try await log.read(stream: composed, from: 0, direction: .forwards, limit: 10).map(\.position) == [0])
        #expect(try await log.read(stream: decomposed, from: 0, direction: .forwards, limit: 10).map(\.position) == [1])
        #expect(try await log.readCategory("cafe\u{301}", from: .start, limit: 10).map(\.position) == [1])
        #expect(try await log.append(Events.make(1), to: composed, expected: .exact(0)) == .appended(AppendedBatch(first: 2, last: 2, firstVersion: 1, lastVersion: 1)))
    }

    /// A block over 64 MiB would be written and acknowledged, then called damage by every reader.
    @Test func optionsTheFormatCannotHoldAreRefused() throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        #expect(throws: LogError.invalidOptions(reason: "blockSize 67108865 is outside 1...67108864 (64 MiB)")) {
            try temp.open(.init(blockSize: (64 << 20) + 1))
        }
        #expect(throws: LogError.invalidOptions(reason: "blockSize 0 is outside 1...67108864 (64 MiB)")) {
            try temp.open(.init(blockSize: 0))
        }
        #expect(throws: LogError.invalidOptions(reason: "segmentSize 0 is not above 0")) {
            try temp.open(.init(segmentSize: 0))
        }
        // Nothing was made.
        #expect(!FileManager.default.fileExists(atPath: temp.directory))
        try temp.open(.init(blockSize: 64 << 20)).close()
    }

    @Test func expectedVersionsConflictAsValuesAndWriteNothing() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let stream = StreamName.test("reminder", "a")
        #expect(try await log.append(Events.make(1), to: stream, expected: .streamExists) == .conflict(expected: .streamExists, actual: nil))
        _ = try await log.append(Events.make(2), to: stream, expected: .noStream)
        #expect(try await log.append(Events.make(1), to: stream, expected: .noStream) == .conflict(expected: .noStream, actual: 1))
        #expect(try await log.append(Events.make(1), to: stream, expected: .exact(0)) == .conflict(expected: .exact(0), actual: 1))
        #expect(try await log.head() == 2)
        // A conflicting batch's ids stay free: the same batch appends once the expectation holds.
        let late = Events.make(2, seed: 5)
        #expect(try await log.append(late, to: stream, expected: .exact(0)) == .conflict(expected: .exact(0), actual: 1))
        #expect(try await log.position(of: late[0].id) == nil)
        let appended = try await log.append(late, to: stream, expected: .exact(1))
        #expect(appended == .appended(AppendedBatch(first: 2, last: 3, firstVersion: 2, lastVersion: 3)))
        #expect(try await log.position(of: late[1].id) == 3)
    }

    @Test func repeatedIdsAreDuplicatesOrRefusedWhole() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let stream = StreamName.test("message", "1")
        let batch = Events.make(2)
        let first = try await log.append(batch, to: stream, expected: .noStream)
        // A retry, even with an expectation that no longer holds, returns the original places.
        let retry = try await log.append(batch, to: stream, expected: .noStream)
        guard case .appended(let places) = first else { Issue.record("not appended: \(first)"); return }
        #expect(retry == .duplicate(places))
        // Partly stored: refused whole.
        let mixed = [batch[1]] + Events.make(1)
        #expect(try await log.append(mixed, to: stream, expected: .any) == .idsAlreadyStored([batch[1].id]))
        // The same ids in another stream: refused.
        #expect(try await log.append(batch, to: .test("message", "2"), expected: .any) == .idsAlreadyStored(batch.map(\.id)))
        #expect(try await log.head() == 2)
        #expect(try await log.position(of: batch[1].id) == 1)
    }

    @Test(arguments: [Durability.buffered, .deferred])
    func aDurableRetryOfAnUnsyncedBatchReturnsOnceItIsDurable(first durability: Durability) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(3, seed: 2), to: .test("message", "0"), expected: .any)
        let stream = StreamName.test("message", "1")
        let batch = Events.make(2)
        let stored = try await log.append(batch, to: stream, expected: .any, durability: durability)
        guard case .appended(let places) = stored else { Issue.record("not appended: \(stored)"); return }
        #expect(try syncedMarker(temp) == 3, "a \(durability) append waits for no sync")
        // Asking for no more than the original returns at once.
        #expect(try await log.append(batch, to: stream, expected: .any, durability: durability) == .duplicate(places))
        #expect(try syncedMarker(temp) == 3)
        // A redelivery that asks for durability: the same places, and a sync behind them.
        #expect(try await log.append(batch, to: stream, expected: .any) == .duplicate(places))
        #expect(try syncedMarker(temp) == 5)
        try log.close()
    }

    /// The position the log's synced marker file names.
    private func syncedMarker(_ temp: TemporaryLog) throws -> UInt64? {
        guard case .position(let position) = try SyncedMarker.read(directory: temp.directory) else { return nil }
        return position
    }

    @Test func categoriesAndBackwardsReads() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        for index in 0..<5 {
            _ = try await log.append(Events.make(2), to: .test("reminder", "\(index)"), expected: .noStream)
            _ = try await log.append(Events.make(1), to: .test("user", "\(index)"), expected: .noStream)
        }
        let reminders = try await log.readCategory("reminder", from: 3, limit: 3)
        #expect(reminders.map(\.position) == [3, 4, 6])
        #expect(reminders.allSatisfy { $0.stream.category == "reminder" })
        let backwards = try await log.read(stream: .test("reminder", "2"), from: 1, direction: .backwards, limit: 5)
        #expect(backwards.map(\.version) == [1, 0])
        #expect(try await log.version(of: .test("reminder", "2")) == 1)
        #expect(try await log.version(of: .test("reminder", "9")) == nil)
    }

    @Test func largeBatchesSpanBlocksAndSegmentsAndStayAtomic() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(segmentSize: 4 << 10, blockSize: 8 << 10)
        var written: [ProposedEvent] = []
        do {
            let log = try temp.open(options)
            for round in 0..<20 {
                let batch = Events.make(100, seed: UInt64(round))
                written += batch
                _ = try await log.append(batch, to: .test("conversation", "\(round % 3)"), expected: .any, durability: .buffered)
            }
            try log.sync()
            try log.close()
        }
        #expect(temp.segments.count > 5)
        // Without the snapshot, open scans every segment: one that ended inside a batch (its last
        // block flagged as continued) would not be whole.
        try FileManager.default.removeItem(atPath: temp.directory + "/index.snapshot")
        let log = try temp.open(options)
        let all = try await log.readAll(from: .start, limit: 10_000)
        #expect(all.map(\.event) == written)
        #expect(all.map(\.position.rawValue) == Array(0..<2000))
    }

    @Test func aBatchLargeEnoughToCompressItsBlocksInParallelReadsBackInOrder() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        // Over 256 KiB of records: its blocks are encoded and compressed in parallel.
        let batch = Events.make(3000, seed: 7, text: String(repeating: "a longer message, ", count: 8))
        do {
            let log = try temp.open()
            _ = try await log.append(Events.make(3), to: .test("conversation", "before"), expected: .any)
            let result = try await log.append(batch, to: .test("conversation", "big"), expected: .noStream)
            #expect(result == .appended(AppendedBatch(first: 3, last: 3002, firstVersion: 0, lastVersion: 2999)))
            #expect(try await log.readAll(from: 3, limit: 5000).map(\.event) == batch)
        }
        // No snapshot: the reopened log rebuilds its index from the blocks themselves.
        let log = try temp.open()
        let read = try await log.read(stream: .test("conversation", "big"), from: 0, direction: .forwards, limit: 5000)
        #expect(read.map(\.event) == batch)
        #expect(read.map(\.position.rawValue) == Array(3..<3003))
    }

    @Test func concurrentExactAppendsHaveOneWinnerPerVersion() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let stream = StreamName.test("conversation", "race")
        _ = try await log.append(Events.make(1), to: stream, expected: .noStream)
        for version in 0..<10 {
            let results = await withTaskGroup(of: AppendResult?.self) { group in
                for _ in 0..<16 {
                    group.addTask { try? await log.append(Events.make(1), to: stream, expected: .exact(StreamVersion(UInt64(version)))) }
                }
                return await group.reduce(into: [AppendResult?]()) { $0.append($1) }
            }
            let winners = results.filter { if case .appended = $0 { true } else { false } }
            #expect(winners.count == 1)
            #expect(results.filter { $0 == .conflict(expected: .exact(StreamVersion(UInt64(version))), actual: StreamVersion(UInt64(version + 1))) }.count == 15)
        }
        #expect(try await log.version(of: stream) == 10)
    }

    @Test func secondWriterIsRefusedNamingTheHolder() throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        // flock locks belong to the open file description, so a second open in-process conflicts too.
        let error = try #require(throws: LogError.self) { try temp.open() }
        #expect(error == .locked(directory: temp.directory, holderPID: ProcessInfo.processInfo.processIdentifier))
        #expect(error.description.contains("process \(ProcessInfo.processInfo.processIdentifier)"))
        try log.close()
        // Closing releases the lock, while the closed log object is still alive.
        let next = try temp.open()
        try next.close()
    }

    /// The holder's number is the lock file's first line: a writer writes its number over a
    /// longer one before cutting the file, and a refused writer may read between the two.
    @Test func theHolderIsTheLockFilesFirstLine() throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let path = temp.directory + "/writer.lock"
        let pid = ProcessInfo.processInfo.processIdentifier
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "\(pid)\n")
        // A longer number left by an earlier writer, under the one just written.
        try Data("\(pid)\n123456789\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: LogError.self) { try temp.open() }
        #expect(error == .locked(directory: temp.directory, holderPID: pid))
        try log.close()
    }

    @Test func aFailedSyncPoisonsTheLogAndNoLaterSyncVouchesForIt() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let kept = Events.make(2)
        _ = try await log.append(kept, to: .test("message", "1"), expected: .any)
        let restore = log.pointLastSegmentAtDevNull()
        let error = try await #require(throws: LogError.self) { try await log.append(Events.make(1), to: .test("message", "1"), expected: .any) }
        guard case .poisoned(let reason) = error else { Issue.record("\(error)"); return }
        #expect(reason.hasPrefix("fdatasync of \(try #require(temp.segments.last)), for positions below 3:"))
        #expect(try SyncedMarker.read(directory: temp.directory) == .position(2), "the marker stays below what failed")
        // The file is back and a sync of it would now succeed, yet the batch's bytes are lost.
        restore()
        #expect(throws: LogError.poisoned(reason: reason)) { try log.startSync().finish() }
        #expect(try SyncedMarker.read(directory: temp.directory) == .position(2))
        #expect(throws: LogError.poisoned(reason: reason)) { try log.close() }
        let reopened = try temp.open()
        #expect(try await reopened.readAll(from: .start, limit: 10).map(\.event) == kept)
        try reopened.close()
    }

    /// A segment that cannot be started (its file is there already) poisons the log as `close()`
    /// frames the open block, which stays unframed: a sync after the close reports the poison.
    @Test func aSyncAfterACloseThatFailedToRollReportsThePoison() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        var options = FileEventLog.Options()
        options.segmentSize = 1024
        let log = try temp.open(options)
        _ = try await log.append(Events.make(20), to: .test("message", "1"), expected: .any)
        _ = try await log.append(Events.make(2), to: .test("message", "2"), expected: .any, durability: .deferred)
        let next = temp.directory + "/" + SegmentHeader.fileName(basePosition: 20)
        #expect(FileManager.default.createFile(atPath: next, contents: Data()))
        let error = try #require(throws: LogError.self) { try log.close() }
        #expect(error == .io(operation: "creating", path: next, errno: .fileExists))
        #expect(throws: LogError.poisoned(reason: "\(error)")) { try log.sync() }
    }

    /// A second close returns once the first is done (its last sync, the snapshot, the lock).
    @Test func aSecondCloseWaitsForTheFirst() async throws {
        for _ in 0..<10 {
            let temp = TemporaryLog()
            defer { temp.remove() }
            let log = try temp.open()
            _ = try await log.append(Events.make(2000), to: .test("message", "1"), expected: .any, durability: .buffered)
            let first = Thread { try? log.close() }
            first.start()
            while !log.state.withLock({ $0.closed }) { usleep(50) }
            try log.close()
            #expect(FileManager.default.fileExists(atPath: temp.directory + "/index.snapshot"), "the first close is not done")
            let next = try temp.open()
            #expect(try await next.readAll(from: .start, limit: 3000).count == 2000)
            try next.close()
        }
    }

    @Test func aCloseThatFailsStillReleasesTheLogAndAnswersItsWaiters() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let events = Events.make(3)
        _ = try await log.append(events, to: .test("message", "1"), expected: .any)
        // The snapshot cannot be renamed over a folder that is not empty.
        let snapshot = temp.directory + "/index.snapshot"
        try FileManager.default.createDirectory(atPath: snapshot + "/in-the-way", withIntermediateDirectories: true)
        let subscriber = Task { await log.waitForVisible(beyond: 10) }
        while log.state.withLock({ $0.watchers.isEmpty }) { await Task.yield() }
        let error = try #require(throws: LogError.self) { try log.close() }
        guard case .io(let operation, let path, _) = error else { Issue.record("\(error)"); return }
        #expect(operation == "renaming")
        #expect(path == snapshot + ".tmp")
        // Bounded: were the subscriber never answered, the watchdog cancels it after 10 s.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            subscriber.cancel()
        }
        await subscriber.value
        watchdog.cancel()
        #expect((try? await watchdog.value) == nil, "the subscriber was answered by close(), not the watchdog")
        await #expect(throws: LogError.closed) { try await log.append(Events.make(1), to: .test("message", "1"), expected: .any) }
        try FileManager.default.removeItem(atPath: snapshot)
        let reopened = try temp.open()
        #expect(try await reopened.readAll(from: .start, limit: 10).map(\.event) == events)
        try reopened.close()
    }
}

extension FileEventLog {
    /// Makes the last segment's descriptor name the same file opened read-only, where writes
    /// fail (EBADF) and reads go on; returns what puts the writable descriptor back.
    func pointLastSegmentAtReadOnlyFile() -> () -> Void {
        let (descriptor, path) = state.withLock { ($0.segments.last!.descriptor.rawValue, $0.segments.last!.path) }
        let file = dup(descriptor)
        let readOnly = open(path, O_RDONLY)
        dup2(readOnly, descriptor)
        Glibc.close(readOnly)
        return {
            dup2(file, descriptor)
            Glibc.close(file)
        }
    }

    /// Makes the last segment's descriptor name /dev/null, where writes vanish and `fdatasync`
    /// fails (EINVAL); returns what puts the file back.
    func pointLastSegmentAtDevNull() -> () -> Void {
        let descriptor = state.withLock { $0.segments.last!.descriptor.rawValue }
        let file = dup(descriptor)
        let null = open("/dev/null", O_RDWR)
        dup2(null, descriptor)
        Glibc.close(null)
        return {
            dup2(file, descriptor)
            Glibc.close(file)
        }
    }
}
