import EventSourcing
import Foundation

extension FileEventLog {
    /// A subscription that reads its pages straight from the log's blocks (a category's page says
    /// how far its index search went) and waits by notification in the writing process, by
    /// polling `refresh()` every 20 ms in a read-only one.
    public func makeSubscription(category: String?, from position: LogPosition, pageSize: Int) -> EventSubscription {
        EventSubscription(
            from: position, pageSize: pageSize,
            readPage: { [self] from, limit in
                if let category { return try readCategoryNow(category, from: from, limit: limit) }
                let events = try readAllNow(from: from, limit: limit)
                return (events, events.last?.position.next ?? from)
            },
            waitUntilReadable: { [self] in try await waitUntilReadable($0) })
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits until the head passes `position`: by notification when writing, by polling every
    /// 20 ms when read-only. Throws `LogError.poisoned` when the writing log can append
    /// no more, `LogError.closed` when the log closed, and `CancellationError` when the task is
    /// cancelled, each only while nothing beyond `position` is readable.
    func waitForMore(after position: LogPosition) async throws {
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
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension FileEventLog {
    /// Returns once the event at `position` is readable: notified in the writing process, by
    /// polling `refresh()` every 20 ms in a read-only one. Throws `CancellationError` when cancelled,
    /// `LogError.closed` when the log closes first, and `LogError.poisoned` when a writing log can
    /// append no more.
    public func waitUntilReadable(_ position: LogPosition) async throws {
        try await waitForMore(after: position)
    }
}
