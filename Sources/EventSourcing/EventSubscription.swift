/// Events of `$all` or one category from a position: first what is stored, then live appends.
///
/// Pull-based: the iterator reads one page when the consumer asks for an event and the page in
/// hand is spent, so a slow consumer holds at most one page in memory and nothing is dropped.
/// Once caught up it waits on the store (`EventStore.waitUntilReadable`) for the next position.
/// It never ends by itself: it throws `CancellationError` when its task is cancelled (checked for
/// every event, so a cancelled projection applies no more), and the store's own error when the
/// store can take no more appends (`LogError.closed` once a log closes, after the page in hand).
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RecordedEvent
    /// Reads at most `limit` events from a position, and says how far the read searched: past the
    /// last event returned, or, for a category, up to where it found none (it may say less than
    /// the position asked for, which the iterator keeps then).
    public typealias ReadPage = @Sendable (_ from: LogPosition, _ limit: Int) async throws
        -> (events: [RecordedEvent], searchedUpTo: LogPosition)

    let start: LogPosition
    let pageSize: Int
    let readPage: ReadPage
    let waitUntilReadable: @Sendable (LogPosition) async throws -> Void

    /// A subscription that reads with `readPage` and waits with `waitUntilReadable`: what a store
    /// builds for `EventStore.subscribe(category:from:pageSize:)`.
    public init(
        from start: LogPosition, pageSize: Int, readPage: @escaping ReadPage,
        waitUntilReadable: @escaping @Sendable (LogPosition) async throws -> Void
    ) {
        precondition(pageSize > 0, "a subscription reads at least one event a page")
        self.start = start
        self.pageSize = pageSize
        self.readPage = readPage
        self.waitUntilReadable = waitUntilReadable
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(subscription: self, next: start)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let subscription: EventSubscription
        var next: LogPosition
        var page: [RecordedEvent] = []
        var pageIndex = 0

        public mutating func next() async throws -> RecordedEvent? {
            try Task.checkCancellation()
            while pageIndex == page.count {
                let (read, searchedUpTo) = try await subscription.readPage(next, subscription.pageSize)
                page = read
                pageIndex = 0
                next = page.last?.position.next ?? Swift.max(next, searchedUpTo)
                if page.isEmpty { try await subscription.waitUntilReadable(next) }
            }
            defer { pageIndex += 1 }
            return page[pageIndex]
        }
    }
}

extension EventStore {
    /// Follows `$all` (`category` nil) or one category from `position`, reading `pageSize` events
    /// at a time (at least 1).
    public func subscribe(category: String? = nil, from position: LogPosition = .start, pageSize: Int = 1024) -> EventSubscription {
        makeSubscription(category: category, from: position, pageSize: pageSize)
    }

    /// A subscription through the store's reads: a category's page that finds nothing searched up
    /// to the head read before it, since any event of the category below that head is returned.
    public func makeSubscription(category: String?, from position: LogPosition, pageSize: Int) -> EventSubscription {
        EventSubscription(
            from: position, pageSize: pageSize,
            readPage: { from, limit in
                guard let category else {
                    let events = try await readAll(from: from, limit: limit)
                    return (events, events.last?.position.next ?? from)
                }
                let head = try await head()
                let events = try await readCategory(category, from: from, limit: limit)
                return (events, events.last?.position.next ?? head)
            },
            waitUntilReadable: { try await waitUntilReadable($0) })
    }
}
