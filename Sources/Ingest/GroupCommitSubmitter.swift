import Dispatch
import EventSourcing

/// Handles commands in order and confirms them in groups: a group's appends are `.deferred` (the
/// log writes them to the operating system together), then one `fdatasync` makes the whole group
/// durable, and only then are its outcomes released to the caller. A full group's sync runs on
/// another thread while the next group is handled; its outcomes come out of the `submit` that
/// closes the next group, or of `confirm()`.
///
/// So every outcome a caller reports is durable, as with a sync per command, at the cost of one
/// sync per group instead. A crash of the process or the machine before a group's sync loses at
/// most that unreported group, or its tail; submitting the same commands again restores it (command ids make that a no-op for
/// what survived). A group of 1 is a sync per command.
public struct GroupCommitSubmitter: Sendable {
    public let router: CommandRouter
    public let groupSize: Int
    /// Fixes what a sync covers, on the submitting task; returns the sync itself (the blocking part).
    private let startSync: @Sendable () throws -> @Sendable () throws -> Void
    private var pending: [SubmitOutcome] = []
    /// The last full group, while its sync runs on `syncQueue`.
    private var syncing: (outcomes: [SubmitOutcome], done: Task<Void, any Error>)?

    private static let syncQueue = DispatchQueue(label: "parley.submit.sync")

    /// A sync failed: every outcome in `unconfirmed` stays unconfirmed. Unlike an error from
    /// handling a command, it does not blame the command in hand.
    public struct SyncFailed: Error, CustomStringConvertible {
        public let underlying: any Error
        /// Whether the command being submitted when it came out was handled, and is among the
        /// unconfirmed: true when closing its group met the failure, false when the failed sync
        /// had poisoned the log and its append was refused.
        public let commandHandled: Bool
        public var description: String { "\(underlying)" }
    }

    /// A submitter appending through `store` (deferred, or durable for groups of 1) and calling
    /// `sync` (the store's `fdatasync` of everything appended) once per `groupSize` commands.
    public init(store: any EventStore, groupSize: Int, cache: StateCache = StateCache(), sync: @escaping @Sendable () throws -> Void) {
        self.init(store: store, groupSize: groupSize, cache: cache, startSync: { sync })
    }

    /// As `init(store:groupSize:cache:sync:)`, with the sync in two steps: `startSync` runs on the
    /// submitting task as a group closes and fixes what the sync covers (so the log's bytes do not
    /// depend on when the background sync runs: `FileEventLog.startSync()`); the sync it returns
    /// runs on the sync queue.
    public init(
        store: any EventStore, groupSize: Int, cache: StateCache = StateCache(),
        startSync: @escaping @Sendable () throws -> @Sendable () throws -> Void
    ) {
        precondition(groupSize > 0, "a group holds at least one command")
        router = CommandRouter(store: store, durability: groupSize == 1 ? .durable : .deferred, cache: cache)
        self.groupSize = groupSize
        self.startSync = startSync
    }

    /// The commands handled but not yet confirmed by a sync, oldest first.
    public var unconfirmed: [SubmitOutcome] { (syncing?.outcomes ?? []) + pending }

    /// Handles one command (its JSON line, numbered from 1); returns the outcomes this call found
    /// durable: none, or the group before the one it closed. Throws `SyncFailed` when that
    /// group's sync failed, or the error that kept the command from being handled.
    public mutating func submit(json bytes: some Collection<UInt8>, line: Int) async throws -> [SubmitOutcome] {
        let (commandID, result) = try await blamingAFailedSync { try await router.handle(json: bytes) }
        return try await add(SubmitOutcome(line: line, commandID: commandID, result: result))
    }

    /// Handles one prepared command, numbered `line`; as `submit(json:line:)`.
    public mutating func submit(_ prepared: PreparedCommand, line: Int) async throws -> [SubmitOutcome] {
        let result = try await blamingAFailedSync { try await router.handle(prepared) }
        return try await add(SubmitOutcome(line: line, commandID: prepared.commandID, result: result))
    }

    /// Handles one decoded command, numbered `line`; as `submit(json:line:)`.
    public mutating func submit(_ envelope: CommandEnvelope, line: Int) async throws -> [SubmitOutcome] {
        let result = try await blamingAFailedSync { try await router.handle(envelope) }
        return try await add(SubmitOutcome(line: line, commandID: envelope.id, result: result))
    }

    /// Syncs everything handled, then returns every outcome not yet returned. When a sync fails
    /// they all stay unconfirmed and `SyncFailed` is thrown.
    public mutating func confirm() async throws -> [SubmitOutcome] {
        if groupSize > 1, syncing != nil || !pending.isEmpty {
            // This sync covers the group still being synced too: it was written before. That one
            // is awaited even when this one fails, so no sync is left running behind the caller.
            var failure: (any Error)?
            do { try startSync()() } catch { failure = error }
            if let done = syncing?.done {
                do { try await done.value } catch { failure = failure ?? error }
            }
            if let failure { throw SyncFailed(underlying: failure, commandHandled: true) }
        }
        defer {
            syncing = nil
            pending.removeAll(keepingCapacity: true)
        }
        return unconfirmed
    }

    /// Runs `handle`; when it fails while the last group's sync failed, throws `SyncFailed`: a
    /// failed sync refuses every append after it, and the command in hand is not to blame.
    private func blamingAFailedSync<T>(_ handle: () async throws -> T) async throws -> T {
        do {
            return try await handle()
        } catch {
            if let done = syncing?.done, case .failure(let syncError) = await done.result {
                throw SyncFailed(underlying: syncError, commandHandled: false)
            }
            throw error
        }
    }

    private mutating func add(_ outcome: SubmitOutcome) async throws -> [SubmitOutcome] {
        pending.append(outcome)
        guard pending.count >= groupSize else { return [] }
        guard groupSize > 1 else { return try await confirm() }
        var released: [SubmitOutcome] = []
        if let (outcomes, done) = syncing {
            do { try await done.value } catch { throw SyncFailed(underlying: error, commandHandled: true) }
            released = outcomes
        }
        // A failure to start comes out as the sync's own would, when the next group closes.
        let sync = Result { try startSync() }
        let done = Task<Void, any Error>.detached {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Self.syncQueue.async { continuation.resume(with: Result { try sync.get()() }) }
            }
        }
        syncing = (pending, done)
        pending = []
        return released
    }
}
