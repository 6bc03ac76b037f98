import Foundation

/// An `EventStore` held in memory, for tests and for deciding commands without a log.
///
/// It keeps the whole contract of `EventStore`: atomic batches, idempotent ids checked before the
/// expected version, conflicts as values, positions from 0 without gaps. `durability` is ignored.
public actor InMemoryEventStore: EventStore {
    /// Why an append was refused before it could be judged.
    public enum AppendError: Error, Hashable, Sendable, CustomStringConvertible {
        /// A batch must hold at least one event.
        case emptyBatch(StreamName)
        /// The same id appears twice in one batch.
        case repeatedIDInBatch(UUID)
        /// An event is over `EventLimits`, as the file log would refuse it.
        case overLimits(UUID)

        public var description: String {
            switch self {
            case .emptyBatch(let stream): "an append to \(stream) holds no events"
            case .repeatedIDInBatch(let id): "event id \(id) appears twice in one batch"
            case .overLimits(let id): EventLimits.refusal(of: id)
            }
        }
    }

    private var events: [RecordedEvent] = []
    private var streams: [StreamName: [Int]] = [:]
    private var indexByID: [UUID: Int] = [:]
    /// Tasks in `waitUntilReadable`, by a number of their own: resumed by the append that reaches
    /// their position, or by their cancellation.
    private var waiters: [Int: (position: LogPosition, continuation: CheckedContinuation<Void, any Error>)] = [:]
    private var nextWaiter = 0

    public init() {}

    public func append(
        _ batch: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability
    ) throws -> AppendResult {
        guard !batch.isEmpty else { throw AppendError.emptyBatch(stream) }
        var seen = Set<UUID>()
        for event in batch where !seen.insert(event.id).inserted { throw AppendError.repeatedIDInBatch(event.id) }
        let nameBytes = stream.description.utf8.count
        for event in batch where EventLimits.size(of: event, streamNameBytes: nameBytes) == nil { throw AppendError.overLimits(event.id) }

        let stored = batch.compactMap { indexByID[$0.id] }
        if !stored.isEmpty {
            return retryOrClash(batch, stored: stored, stream: stream)
        }
        let current = version(in: stream)
        guard expected.isSatisfied(by: current) else { return .conflict(expected: expected, actual: current) }

        let firstVersion = current.map(\.next) ?? StreamVersion(0)
        let firstPosition = LogPosition(UInt64(events.count))
        for (offset, event) in batch.enumerated() {
            let index = events.count
            events.append(RecordedEvent(
                position: LogPosition(UInt64(index)), stream: stream,
                version: StreamVersion(firstVersion.rawValue + UInt64(offset)), event: event))
            streams[stream, default: []].append(index)
            indexByID[event.id] = index
        }
        for (id, waiter) in waiters where waiter.position.rawValue < UInt64(events.count) {
            waiters[id] = nil
            waiter.continuation.resume()
        }
        return .appended(AppendedBatch(
            first: firstPosition, last: LogPosition(UInt64(events.count - 1)),
            firstVersion: firstVersion, lastVersion: StreamVersion(firstVersion.rawValue + UInt64(batch.count - 1))))
    }

    /// `.duplicate` when every id is stored in `stream` at consecutive versions in batch order (as
    /// the file log decides: positions may have other streams' events between), else `.idsAlreadyStored`.
    private func retryOrClash(_ batch: [ProposedEvent], stored: [Int], stream: StreamName) -> AppendResult {
        let storedIDs = batch.map(\.id).filter { indexByID[$0] != nil }
        guard stored.count == batch.count else { return .idsAlreadyStored(storedIDs) }
        let originals = stored.map { events[$0] }
        let consecutive = zip(originals, originals.dropFirst()).allSatisfy { earlier, later in
            later.version == earlier.version.next
        }
        guard consecutive, originals.allSatisfy({ $0.stream == stream }),
            let first = originals.first, let last = originals.last
        else { return .idsAlreadyStored(storedIDs) }
        return .duplicate(AppendedBatch(
            first: first.position, last: last.position, firstVersion: first.version, lastVersion: last.version))
    }

    private func version(in stream: StreamName) -> StreamVersion? {
        streams[stream]?.last.map { events[$0].version }
    }

    public func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int)
        -> [RecordedEvent]
    {
        guard limit > 0, let indexes = streams[stream] else { return [] }
        let start = Int(clamping: version.rawValue)
        switch direction {
        case .forwards:
            guard start < indexes.count else { return [] }
            return indexes[start...].prefix(limit).map { events[$0] }
        case .backwards:
            let top = min(start, indexes.count - 1)
            return indexes[...top].reversed().prefix(limit).map { events[$0] }
        }
    }

    public func readAll(from position: LogPosition, limit: Int) -> [RecordedEvent] {
        let start = Int(clamping: position.rawValue)
        guard limit > 0, start < events.count else { return [] }
        return Array(events[start...].prefix(limit))
    }

    public func readCategory(_ category: String, from position: LogPosition, limit: Int) -> [RecordedEvent] {
        let start = Int(clamping: position.rawValue)
        guard limit > 0, start < events.count else { return [] }
        return Array(events[start...].lazy.filter { $0.stream.category.utf8.elementsEqual(category.utf8) }.prefix(limit))
    }

    public func head() -> LogPosition { LogPosition(UInt64(events.count)) }

    public func version(of stream: StreamName) -> StreamVersion? { version(in: stream) }

    public func position(of id: UUID) -> LogPosition? { indexByID[id].map { events[$0].position } }

    public func waitUntilReadable(_ position: LogPosition) async throws {
        let id = nextWaiter
        nextWaiter += 1
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if position.rawValue < UInt64(events.count) {
                    continuation.resume()
                } else if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters[id] = (position, continuation)
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// How many tasks wait in `waitUntilReadable`, for tests.
    var waitingCount: Int { waiters.count }

    private func cancelWaiter(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume(throwing: CancellationError())
    }
}
