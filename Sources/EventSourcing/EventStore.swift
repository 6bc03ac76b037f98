import Foundation

/// How long an append waits before it returns.
public enum Durability: Sendable, Hashable {
    /// Returns after the data is on stable storage (`fdatasync`); concurrent appends share one sync.
    case durable
    /// Returns once the data is written to the operating system; a crash of the machine (not of
    /// the process) may lose it. For bulk imports that sync once at the end with `sync()`.
    case buffered
    /// Returns once the batch is readable in this process; it reaches the operating system with
    /// later batches in one large write, at the latest at the next `sync()`, which makes it
    /// durable. A crash of the process before that loses it. For callers that report nothing
    /// before a sync, such as the group commit of `parley submit`.
    case deferred
}

/// The outcome of an append. Only `.appended` wrote anything.
public enum AppendResult: Hashable, Sendable {
    /// The batch was written; these are its first and last positions and the stream's new version.
    case appended(AppendedBatch)
    /// Every event id of the batch was already stored, in this stream, at consecutive versions in
    /// this order (a retry); nothing was written, and these are the original places (stored by
    /// several batches, they may have other streams' events between `first` and `last`).
    case duplicate(AppendedBatch)
    /// The stream's version did not meet the expectation; nothing was written.
    /// `actual` is the stream's last version, nil when the stream has no events.
    case conflict(expected: ExpectedVersion, actual: StreamVersion?)
    /// Some but not all of the batch's ids are already stored, or stored in another stream or
    /// order: the batch is neither new nor a retry, so nothing was written.
    case idsAlreadyStored([UUID])
}

/// The places a batch took: positions `first...last`, stream versions `firstVersion...lastVersion`.
public struct AppendedBatch: Hashable, Sendable {
    public var first: LogPosition
    public var last: LogPosition
    public var firstVersion: StreamVersion
    public var lastVersion: StreamVersion

    public init(first: LogPosition, last: LogPosition, firstVersion: StreamVersion, lastVersion: StreamVersion) {
        self.first = first
        self.last = last
        self.firstVersion = firstVersion
        self.lastVersion = lastVersion
    }
}

/// Which way a stream is read.
public enum ReadDirection: Sendable, Hashable {
    case forwards
    case backwards
}

/// An append-only store of events in streams, with one global order.
///
/// Implementations: `FileEventLog` (module EventLog) and `InMemoryEventStore`. All conform to the
/// same contract, which the conformance tests check: atomic batches, optimistic concurrency as a
/// value, idempotent ids, positions without gaps in commit order, and subscriptions that catch up
/// and then follow (`subscribe(category:from:pageSize:)`).
public protocol EventStore: Sendable {
    /// Appends `events` to `stream` as one atomic batch if the stream meets `expected`.
    func append(
        _ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability
    ) async throws -> AppendResult

    /// The events of one stream from `version` (inclusive) in `direction`, at most `limit`.
    func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws
        -> [RecordedEvent]

    /// Events of every stream from `position` (inclusive), at most `limit`.
    func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent]

    /// Events of every stream of `category` from `position` (inclusive), at most `limit`.
    func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent]

    /// The position the next appended event will take: the number of events stored.
    func head() async throws -> LogPosition

    /// The last version of `stream`, nil when it has no events.
    func version(of stream: StreamName) async throws -> StreamVersion?

    /// The position of the event with `id`, nil when it is not stored.
    func position(of id: UUID) async throws -> LogPosition?

    /// Returns once the event at `position` is readable. Throws `CancellationError` when the task
    /// is cancelled, and the store's own error when it can take no more appends (a closed log).
    func waitUntilReadable(_ position: LogPosition) async throws

    /// What `subscribe(category:from:pageSize:)` returns; a default reads through the store's
    /// `readAll`, `readCategory` and `head`, and a store may read its pages faster.
    func makeSubscription(category: String?, from position: LogPosition, pageSize: Int) -> EventSubscription
}
