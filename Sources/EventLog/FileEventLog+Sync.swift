import EventSourcing
import SystemPackage

/// Group commit: one `fdatasync` covers every batch written before it started.
extension FileEventLog {
    /// Syncs for the appender that found no sync running, on its own thread (no hand-off when
    /// appends do not overlap); batches written meanwhile are synced by the sync queue.
    func leadSync() {
        guard let (segment, target) = nextSyncJob() else {
            failWaitersIfPoisoned()
            return
        }
        finishSync(segment, target: target)
        let more = state.withLock { state in
            if state.synced < state.syncTarget && state.poisoned == nil { return true }
            state.syncScheduled = false
            return false
        }
        if more { syncQueue.async { self.runSyncLoop() } }
    }

    /// Runs on the sync queue while durable batches wait; each round syncs everything written,
    /// then answers the appenders it covered and stages the next round under one lock.
    func runSyncLoop() {
        var job = nextSyncJob()
        while let (segment, target) = job {
            let synced = syncAndMark(segment, target: target)
            let (ready, woken, next) = state.withLock { state in
                let (ready, woken) = Self.recordSync(to: target, synced: synced, &state)
                return (ready, woken, stageNextSync(&state))
            }
            ready.forEach { $0.continuation.resume() }
            woken.forEach { $0.continuation.resume() }
            job = next
        }
        failWaitersIfPoisoned()
    }

    /// The segment and position to sync next, or nil (and no sync scheduled any more) when done.
    private func nextSyncJob() -> (Segment, UInt64)? {
        state.withLock { state in stageNextSync(&state) }
    }

    /// Under the lock: writes everything staged and returns the segment and position to sync, or
    /// nil (and no sync scheduled any more) when none is needed.
    private func stageNextSync(_ state: inout State) -> (Segment, UInt64)? {
        // The last segment after staging: framing the open block may have started a new one.
        guard state.poisoned == nil, !state.closed, state.synced < state.syncTarget, (try? writeStaged(&state)) != nil,
            let active = state.segments.last
        else {
            state.syncScheduled = false
            return nil
        }
        state.syncStarted = max(state.syncStarted, state.index.count)
        return (active, state.index.count)
    }

    /// Makes everything appended so far durable, including buffered appends.
    public func sync() throws(LogError) {
        try startSync().finish()
    }

    /// A sync in two steps: `startSync()` fixes what it covers, on the caller's thread; `finish()`
    /// writes and syncs it, on any thread.
    public struct PendingSync: Sendable {
        let log: FileEventLog
        /// Positions below this are covered.
        let target: UInt64

        /// Writes what the sync covers and returns once it is durable.
        public func finish() throws(LogError) {
            let segment = try log.state.withLock { state throws(LogError) -> Segment? in
                if let reason = state.poisoned { throw .poisoned(reason: reason) }
                if state.synced >= target { return nil }
                try log.flushPending(&state)
                // Closed with positions not synced: the close's own sync failed, or it is under way.
                guard let last = state.segments.last else { throw .closed }
                return last
            }
            guard let segment else { return }
            log.finishSync(segment, target: target)
            if let reason = log.state.withLock({ $0.poisoned }) { throw .poisoned(reason: reason) }
        }
    }

    /// Frames the open block now, so a sync finished on another thread (`PendingSync.finish`)
    /// covers everything appended so far and the log's bytes do not depend on when it runs: a
    /// caller that appends in a fixed order and syncs in the background (`parley submit`) writes
    /// the same bytes every time.
    public func startSync() throws(LogError) -> PendingSync {
        try state.withLock { state throws(LogError) -> PendingSync in
            if let reason = state.poisoned { throw .poisoned(reason: reason) }
            try sealOpenBlock(&state)
            state.syncStarted = max(state.syncStarted, state.index.count)
            return PendingSync(log: self, target: state.index.count)
        }
    }

    func finishSync(_ segment: Segment, target: UInt64) {
        let synced = syncAndMark(segment, target: target)
        let (ready, woken) = state.withLock { state in Self.recordSync(to: target, synced: synced, &state) }
        ready.forEach { $0.continuation.resume() }
        woken.forEach { $0.continuation.resume() }
        if !synced { failWaitersIfPoisoned() }
    }

    /// `fdatasync`, then the synced marker for readers in other processes, before any appender
    /// returns: a reader opened after a durable append sees it. Returns whether the sync held.
    ///
    /// Syncs run one at a time, so a write-back error is reported to the sync that meets it (an
    /// error is reported once per open file), and that sync poisons the log before the next one
    /// starts: after a failed sync, pages it lost may look clean, and no later sync vouches for them.
    private func syncAndMark(_ segment: Segment, target: UInt64) -> Bool {
        syncing.withLock { _ in
            guard state.withLock({ $0.poisoned }) == nil else { return false }
            do {
                try segment.descriptor.dataSync()
            } catch {
                state.withLock { $0.poison("fdatasync of \(segment.path), for positions below \(target): \(error)") }
                return false
            }
            // A segment roll syncs the same file under the state lock, not this one: a write-back
            // error it met is not reported to this sync again, but has poisoned the log by now.
            guard state.withLock({ $0.poisoned }) == nil else { return false }
            if let marker {
                // A marker that fails to move only delays readers in other processes; the data is safe.
                do { try marker.advance(to: target) } catch {
                    logger.warning("could not write \(marker.path): \(error); readers in other processes wait for the next sync")
                }
            }
            return true
        }
    }

    /// Under the lock: a sync's outcome, and the appenders and watchers it answers (to wake after).
    private static func recordSync(to target: UInt64, synced: Bool, _ state: inout State) -> ([Waiter], [Watcher]) {
        guard synced else { return ([], []) }
        state.synced = max(state.synced, target)
        let ready = state.waiters.filter { $0.end <= state.synced }
        state.waiters.removeAll { $0.end <= state.synced }
        return (ready, publish(&state))
    }

    private func failWaitersIfPoisoned() {
        let (failed, watchers, reason) = state.withLock { state -> ([Waiter], [Watcher], String?) in
            guard let reason = state.poisoned else { return ([], [], nil) }
            defer {
                state.waiters = []
                state.watchers = []
            }
            return (state.waiters, state.watchers, reason)
        }
        guard let reason else { return }
        failed.forEach { $0.continuation.resume(throwing: LogError.poisoned(reason: reason)) }
        // Watchers (subscribers, retried duplicates) wake and find the log poisoned.
        watchers.forEach { $0.continuation.resume() }
    }

    /// Returns once positions below `end` are durable.
    func waitUntilSynced(_ end: UInt64) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let now: Result<Void, LogError>? = state.withLock { state in
                if let reason = state.poisoned { return .failure(.poisoned(reason: reason)) }
                if state.synced >= end { return .success(()) }
                if state.closed && state.segments.isEmpty { return .failure(.closed) }
                state.waiters.append(Waiter(end: end, continuation: continuation))
                return nil
            }
            if let now { continuation.resume(with: now.mapError { $0 as any Error }) }
        }
    }

    /// Makes written batches visible in order: a buffered batch at once, a durable one once synced.
    /// Returns the watchers to wake (outside the lock).
    static func publish(_ state: inout State) -> [Watcher] {
        var count = 0
        for batch in state.unpublished {
            guard !batch.durable || batch.end <= state.synced else { break }
            state.visible = batch.end
            count += 1
        }
        guard count > 0 else { return [] }
        state.unpublished.removeFirst(count)
        let visible = state.visible
        let woken = state.watchers.filter { $0.beyond < visible }
        state.watchers.removeAll { $0.beyond < visible }
        return woken
    }

    /// Returns once the event at `position` is readable, the log closes or is poisoned, or the
    /// task is cancelled. Only the writing log's appends wake it (a read-only log polls instead:
    /// `waitForMore`).
    func waitForVisible(beyond position: UInt64) async {
        let id = state.withLock { state in
            defer { state.nextWatcherID += 1 }
            return state.nextWatcherID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.closed || state.poisoned != nil || state.visible > position || Task.isCancelled { return true }
                    state.watchers.append(Watcher(id: id, beyond: position, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let watcher = state.withLock { state -> Watcher? in
                guard let index = state.watchers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.watchers.remove(at: index)
            }
            watcher?.continuation.resume()
        }
    }
}

extension FileEventLog.State {
    /// Marks the log poisoned and answers everyone waiting on it at once: durable appenders get
    /// `LogError.poisoned`, watchers (subscribers, retried duplicates) wake to find it. A write that
    /// fails outside a sync (a buffered batch, a flush for a read, a segment roll) would otherwise
    /// leave them waiting until `close()`. Resuming only enqueues their tasks, so it is safe under
    /// the lock.
    mutating func poison(_ reason: String) {
        poisoned = reason
        let failed = waiters, woken = watchers
        waiters = []
        watchers = []
        failed.forEach { $0.continuation.resume(throwing: LogError.poisoned(reason: reason)) }
        woken.forEach { $0.continuation.resume() }
    }
}
