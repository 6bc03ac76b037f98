import EventSourcing
import Foundation

/// Events of `$all` or one category from a position: first what is stored, then live appends.
///
/// Pull-based: the iterator reads one page at a time when the consumer asks, so a slow consumer
/// holds at most one page in memory. Live events arrive by notification in the writing process
/// and by polling `refresh()` in a read-only one. It never ends by itself: closing the log ends
/// it with `LogError.closed` (once the page in hand is delivered), so a consumer can tell that
/// from having caught up; cancelling the task, with `CancellationError`.
public struct LogSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent

    let log: FileEventLog
    let start: LogPosition
    let category: String?
    let pageSize: Int
    let pollInterval: Duration

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, next: start, category: category, pageSize: pageSize, pollInterval: pollInterval)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let log: FileEventLog
        var next: LogPosition
        let category: String?
        let pageSize: Int
        let pollInterval: Duration
        var page: [RecordedEvent] = []
        var pageIndex = 0

        public mutating func next() async throws -> RecordedEvent? {
            // Checked for every event, not every page: a cancelled projection applies no more.
            try Task.checkCancellation()
            while pageIndex == page.count {
                let (read, searchedUpTo) = try readPage()
                page = read
                pageIndex = 0
                next = page.last?.position.next ?? searchedUpTo
                if page.isEmpty {
                    try await log.waitForMore(after: next, pollInterval: pollInterval)
                }
            }
            defer { pageIndex += 1 }
            return page[pageIndex]
        }

        /// The next page and how far it searched.
        private func readPage() throws(LogError) -> (events: [RecordedEvent], searchedUpTo: LogPosition) {
            if let category { return try log.readCategoryNow(category, from: next, limit: pageSize) }
            let events = try log.readAllNow(from: next, limit: pageSize)
            return (events, events.last?.position.next ?? next)
        }
    }
}

extension FileEventLog {
    /// Follows `$all` from `position`, reading `pageSize` events at a time (at least 1); a read-only
    /// log looks for new events every `pollInterval`.
    public func subscribe(from position: LogPosition = .start, pageSize: Int = 1024, pollInterval: Duration = .milliseconds(20))
        -> LogSubscription
    {
        precondition(pageSize > 0, "a subscription reads at least one event a page")
        return LogSubscription(log: self, start: position, category: nil, pageSize: pageSize, pollInterval: pollInterval)
    }

    /// Follows one category from `position`, as `subscribe(from:pageSize:pollInterval:)`.
    public func subscribe(category: String, from position: LogPosition = .start, pageSize: Int = 1024, pollInterval: Duration = .milliseconds(20))
        -> LogSubscription
    {
        precondition(pageSize > 0, "a subscription reads at least one event a page")
        return LogSubscription(log: self, start: position, category: category, pageSize: pageSize, pollInterval: pollInterval)
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits until the head passes `position`: by notification when writing, by polling every
    /// `pollInterval` when read-only. Throws `LogError.poisoned` when the writing log can append
    /// no more, `LogError.closed` when the log closed, and `CancellationError` when the task is
    /// cancelled, each only while nothing beyond `position` is readable.
    func waitForMore(after position: LogPosition, pollInterval: Duration = .milliseconds(20)) async throws {
        if !options.readOnly { await waitForVisible(beyond: position.rawValue) }
        // Another reader of this log may have refreshed first: wait for the head, not for this call's growth.
        while true {
            if options.readOnly { try refresh() }
            let (readable, closed, poisoned) = state.withLock { ($0.visible > position.rawValue, $0.closed, $0.poisoned) }
            if readable { return }
            if let poisoned, !options.readOnly { throw LogError.poisoned(reason: poisoned) }
            if closed { throw LogError.closed }
            try Task.checkCancellation()
            guard options.readOnly else { return }
            try await Task.sleep(for: pollInterval)
        }
    }
}

extension FileEventLog {
    /// Returns once the event at `position` is readable: notified in the writing process, by
    /// polling `refresh()` every 20 ms in a read-only one. Throws `CancellationError` when cancelled
    /// and `LogError.closed` when the log closes first.
    public func waitUntilReadable(_ position: LogPosition) async throws {
        try await waitForMore(after: position)
    }
}
