import EventSourcing
import Foundation
import Testing

@testable import EventLog

/// What a reader in the writing process may see: a durable batch only once it is synced, and a
/// poisoned log as an error rather than a wait that never ends.
///
/// Serialized: an append held by `SyncHold` blocks its pool thread (it leads the sync), and two
/// held at once would block both of a 2-core machine's, leaving no thread to release them.
@Suite(.serialized) struct VisibilityTests {
    /// Holds the log's sync lock on a thread of its own until `release` is called, so that a
    /// durable append stays staged and unsynced.
    final class SyncHold: Sendable {
        private let held = DispatchSemaphore(value: 0)
        private let released = DispatchSemaphore(value: 0)

        init(_ log: FileEventLog) {
            Thread.detachNewThread { [held, released] in
                log.syncing.withLock { _ in
                    held.signal()
                    released.wait()
                }
            }
            held.wait()
        }

        func release() { released.signal() }
    }

    /// A new log holding two events, and a task counting the events of its subscription until it
    /// ends (with the error it ended with), once it waits for a third.
    static func aSubscriberWaitingAfterTwoEvents() async throws -> (TemporaryLog, FileEventLog, Task<(Int, LogError?), Never>) {
        let temp = TemporaryLog()
        let log = try temp.open()
        _ = try await log.append(Events.make(2), to: .test("message", "1"), expected: .any)
        let subscriber = Task { () -> (Int, LogError?) in
            var seen = 0
            do {
                for try await _ in log.subscribe() { seen += 1 }
                return (seen, nil)
            } catch {
                return (seen, error as? LogError)
            }
        }
        try await log.waitForWatcher()
        return (temp, log, subscriber)
    }

    /// What `subscriber` ended with. Bounded: a subscriber left waiting is cancelled after 10 s,
    /// and an issue recorded, since a cancelled one finds a poisoned log too.
    static func ending(_ subscriber: Task<(Int, LogError?), Never>) async -> (Int, LogError?) {
        let watchdog = Task { () -> Bool in
            guard (try? await Task.sleep(for: .seconds(10))) != nil else { return false }
            subscriber.cancel()
            return true
        }
        let ended = await subscriber.value
        watchdog.cancel()
        #expect(await watchdog.value == false, "the subscriber waited until cancelled")
        return ended
    }

    @Test func aDurableBatchSharingABlockWithADeferredOneIsNotReadBeforeItsSync() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let deferred = Events.make(2, seed: 1)
        _ = try await log.append(deferred, to: .test("chat", "a"), expected: .noStream, durability: .deferred)
        let hold = SyncHold(log)
        let durable = Task { try await log.append(Events.make(2, seed: 2), to: .test("chat", "b"), expected: .noStream) }
        // Staged in the open block, behind the deferred batch, and waiting for its sync.
        while log.state.withLock({ $0.index.count }) < 4 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(try await log.readAll(from: .start, limit: 100).map(\.id) == deferred.map(\.id))
        #expect(try await log.readAll(from: .start, limit: 3).map(\.id) == deferred.map(\.id))
        #expect(try await log.readCategory("chat", from: .start, limit: 100).map(\.id) == deferred.map(\.id))
        #expect(try await log.read(stream: .test("chat", "b"), from: 0, direction: .forwards, limit: 10).isEmpty)
        hold.release()
        guard case .appended = try await durable.value else { Issue.record("the durable append was not stored"); return }
        #expect(try await log.readAll(from: .start, limit: 100).map(\.position.rawValue) == [0, 1, 2, 3])
        try log.close()
    }

    @Test func aSubscriberOfAPoisonedLogGetsWhatIsReadableThenTheError() async throws {
        let (temp, log, subscriber) = try await Self.aSubscriberWaitingAfterTwoEvents()
        defer { temp.remove() }
        let restore = log.pointLastSegmentAtDevNull()
        let error = try await #require(throws: LogError.self) { try await log.append(Events.make(1), to: .test("message", "1"), expected: .any) }
        restore()
        let (seen, ended) = await Self.ending(subscriber)
        #expect(seen == 2)
        #expect(ended == error)
        // A subscription started now ends the same way at once.
        await #expect(throws: error) { for try await _ in log.subscribe(from: 2) {} }
        #expect(throws: error) { try log.close() }
    }

    /// A write that fails outside any sync (here a buffered batch's) poisons the log and ends a
    /// waiting subscriber with the error at once, not when the log closes.
    @Test func aFailedBufferedWriteEndsAWaitingSubscriberWithTheError() async throws {
        let (temp, log, subscriber) = try await Self.aSubscriberWaitingAfterTwoEvents()
        defer { temp.remove() }
        let restore = log.pointLastSegmentAtReadOnlyFile()
        let failed = try await #require(throws: LogError.self) {
            try await log.append(Events.make(1, seed: 9), to: .test("message", "1"), expected: .any, durability: .buffered)
        }
        restore()
        guard case .io(operation: "writing", _, _) = failed else {
            Issue.record("not the write's failure: \(failed)")
            return
        }
        let (seen, ended) = await Self.ending(subscriber)
        #expect(seen == 2)
        guard case .poisoned(let reason)? = ended else {
            Issue.record("the subscriber ended with \(String(describing: ended)), not the poisoned log")
            return
        }
        #expect(reason.hasPrefix("writing "))
        try? log.close()
    }

    /// A repeated buffered append waits for its durable original to become visible; cancelled
    /// meanwhile, it says so (not `.closed`), and the original is stored all the same.
    @Test func aCancelledRepeatOfAnUnsyncedBatchThrowsCancellation() async throws {
        let temp = TemporaryLog()
        defer { temp.remove() }
        let log = try temp.open()
        let events = Events.make(2, seed: 3)
        let hold = SyncHold(log)
        let original = Task { try await log.append(events, to: .test("chat", "a"), expected: .noStream) }
        while log.state.withLock({ $0.index.count }) < 2 { try await Task.sleep(for: .milliseconds(1)) }
        // Buffered: a durable repeat would wait for the sync instead (`waitUntilSynced`).
        let repeated = Task { try await log.append(events, to: .test("chat", "a"), expected: .noStream, durability: .buffered) }
        try await log.waitForWatcher()
        repeated.cancel()
        await #expect(throws: CancellationError.self) { try await repeated.value }
        hold.release()
        guard case .appended = try await original.value else { Issue.record("the original was not stored"); return }
        #expect(try await log.readAll(from: .start, limit: 10).map(\.id) == events.map(\.id))
        try log.close()
    }
}
