import EventSourcing
import Foundation
import Synchronization
import Testing

@testable import EventLog

@Suite struct SubscriptionTests {
    @Test func catchesUpThenFollowsLiveAppends() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(3), to: .test("reminder", "1"), expected: .any)
        _ = try await log.append(Events.make(2), to: .test("user", "1"), expected: .any)
        let reader = Task {
            var seen: [LogPosition] = []
            for try await event in log.subscribe(category: "reminder", from: 1, pageSize: 2) {
                seen.append(event.position)
                if seen.count == 5 { break }
            }
            return seen
        }
        // Caught up and waiting: what follows arrives live.
        try await log.waitForWatcher()
        _ = try await log.append(Events.make(1), to: .test("user", "2"), expected: .any)
        _ = try await log.append(Events.make(3), to: .test("reminder", "2"), expected: .any)
        #expect(try await reader.value == [1, 2, 6, 7, 8])
    }

    /// A subscriber that starts beyond the head waits for its position, and never goes back.
    @Test func aCategorySubscriptionFromBeyondTheHeadStartsThere() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(3), to: .test("reminder", "1"), expected: .any)
        let reader = Task {
            var seen: [LogPosition] = []
            for try await event in log.subscribe(category: "reminder", from: 6, pageSize: 2) {
                seen.append(event.position)
                if seen.count == 3 { break }
            }
            return seen
        }
        // Waiting beyond the head (3) before anything reaches position 6.
        try await log.waitForWatcher()
        for _ in 0..<2 { _ = try await log.append(Events.make(3), to: .test("reminder", "2"), expected: .any) }
        #expect(try await reader.value == [6, 7, 8])
    }

    @Test func allStreamSubscriptionSeesEveryPositionInOrder() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let reader = Task {
            var positions: [UInt64] = []
            for try await event in log.subscribe(pageSize: 7) {
                positions.append(event.position.rawValue)
                if positions.count == 200 { break }
            }
            return positions
        }
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<10 {
                group.addTask {
                    for _ in 0..<10 { _ = try? await log.append(Events.make(2), to: .test("c", "\(writer)"), expected: .any) }
                }
            }
        }
        #expect(try await reader.value == Array(0..<200))
    }

    @Test func cancellingAWaitingSubscriberEndsIt() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let reader = Task {
            for try await _ in log.subscribe() {}
        }
        try await log.waitForWatcher()
        reader.cancel()
        await #expect(throws: CancellationError.self) { try await reader.value }
        #expect(log.state.withLock { $0.watchers.isEmpty })
    }

    /// Cancelled in the middle of a page, a subscription delivers none of the page's rest.
    @Test func cancellingASubscriberMidPageEndsItAtTheNextEvent() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        _ = try await log.append(Events.make(10), to: .test("user", "1"), expected: .any)
        let reader = Task {
            var events = log.subscribe(pageSize: 100).makeAsyncIterator()
            #expect(try await events.next()?.position == .start)
            withUnsafeCurrentTask { $0?.cancel() }
            _ = try await events.next()
        }
        await #expect(throws: CancellationError.self) { try await reader.value }
        try log.close()
    }

    /// A subscription never ends as if caught up: closing its log ends it with `.closed`, after
    /// the events already read, in the writing process and in a read-only one.
    @Test(arguments: [false, true])
    func closingTheLogEndsASubscriptionWithClosed(readOnly: Bool) async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(3), to: .test("user", "1"), expected: .any)
        let log = readOnly ? try temp.open(FileEventLog.Options(readOnly: true)) : writer
        let seen = Mutex<[LogPosition]>([])
        let subscriber = Task {
            for try await event in log.subscribe(pageSize: 2) { seen.withLock { $0.append(event.position) } }
        }
        let waiter = Task { try await log.waitUntilReadable(3) }
        if readOnly {
            while seen.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(1)) }
        } else {
            while log.state.withLock({ $0.watchers.count }) < 2 { try await Task.sleep(for: .milliseconds(1)) }
        }
        try log.close()
        await #expect(throws: LogError.closed) { try await subscriber.value }
        await #expect(throws: LogError.closed) { try await waiter.value }
        #expect(seen.withLock { $0 } == [0, 1, 2])
    }

    /// A projection's catch-up reads `$all` until a read comes back empty: on a read-only log it
    /// must end at the writer's head, not at the one the log had when it was opened.
    @Test func aReadOnlyLogsHeadAndReadAllFollowTheWriter() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(3), to: .test("user", "1"), expected: .any)
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.readAll(from: 0, limit: 100).count == 3)
        _ = try await writer.append(Events.make(2), to: .test("user", "2"), expected: .any)
        #expect(try await reader.readAll(from: 3, limit: 100).map(\.stream) == [.test("user", "2"), .test("user", "2")])
        _ = try await writer.append(Events.make(4), to: .test("user", "3"), expected: .any)
        #expect(try await reader.head() == 9)
        #expect(try await reader.readAll(from: 5, limit: 100).count == 4)
        try writer.close()
        try reader.close()
    }

    @Test func aReadOnlyReaderSeesTheWritersNewEvents() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let writer = try temp.open()
        _ = try await writer.append(Events.make(2), to: .test("user", "1"), expected: .any)
        let reader = try temp.open(FileEventLog.Options(readOnly: true))
        #expect(try await reader.head() == 2)
        let follower = Task {
            var seen: [LogPosition] = []
            for try await event in reader.subscribe(from: 2) {
                seen.append(event.position)
                if seen.count == 4 { break }
            }
            return seen
        }
        _ = try await writer.append(Events.make(4), to: .test("user", "2"), expected: .any)
        #expect(try await follower.value == [2, 3, 4, 5])
        #expect(try await reader.read(stream: .test("user", "2"), from: 0, direction: .forwards, limit: 10).count == 4)
        await #expect(throws: LogError.readOnly) {
            try await reader.append(Events.make(1), to: .test("user", "3"), expected: .any)
        }
    }
}

extension FileEventLog {
    /// Waits until something waits for this (writing) log's appends: a subscriber or a repeat.
    func waitForWatcher() async throws {
        while state.withLock({ $0.watchers.isEmpty }) { try await Task.sleep(for: .milliseconds(1)) }
    }
}
