import EventSourcing

/// Handles commands in order and confirms them in groups: a group's appends are `.deferred` (the
/// log writes them to the operating system together), then one `fdatasync` makes the whole group
/// durable, and only then are its outcomes released to the caller.
///
/// So every outcome a caller reports is durable, as with a sync per command, at the cost of one
/// sync per group instead. A crash of the process or the machine before a group's sync loses at
/// most that unreported group, or its tail; submitting the same commands again restores it (command ids make that a no-op for
/// what survived). A group of 1 is a sync per command.
public struct GroupCommitSubmitter: Sendable {
    public let router: CommandRouter
    public let groupSize: Int
    private let sync: @Sendable () throws -> Void
    private var pending: [SubmitOutcome] = []

    /// A submitter appending through `store` (deferred, or durable for groups of 1) and calling
    /// `sync` (the store's `fdatasync` of everything appended) once per `groupSize` commands.
    public init(store: any EventStore, groupSize: Int, cache: StateCache = StateCache(), sync: @escaping @Sendable () throws -> Void) {
        precondition(groupSize > 0, "a group holds at least one command")
        router = CommandRouter(store: store, durability: groupSize == 1 ? .durable : .deferred, cache: cache)
        self.groupSize = groupSize
        self.sync = sync
    }

    /// The commands handled but not yet confirmed by a sync, oldest first.
    public var unconfirmed: [SubmitOutcome] { pending }

    /// Handles one command (its JSON line, numbered from 1); returns the outcomes this call made
    /// durable: none, or a whole group.
    public mutating func submit(json bytes: some Collection<UInt8>, line: Int) async throws -> [SubmitOutcome] {
        let (commandID, result) = try await router.handle(json: bytes)
        pending.append(SubmitOutcome(line: line, commandID: commandID, result: result))
        return pending.count >= groupSize ? try confirm() : []
    }

    /// Handles one prepared command, numbered `line`; as `submit(json:line:)`.
    public mutating func submit(_ prepared: PreparedCommand, line: Int) async throws -> [SubmitOutcome] {
        let result = try await router.handle(prepared)
        pending.append(SubmitOutcome(line: line, commandID: prepared.commandID, result: result))
        return pending.count >= groupSize ? try confirm() : []
    }

    /// Handles one decoded command, numbered `line`; as `submit(json:line:)`.
    public mutating func submit(_ envelope: CommandEnvelope, line: Int) async throws -> [SubmitOutcome] {
        let result = try await router.handle(envelope)
        pending.append(SubmitOutcome(line: line, commandID: envelope.id, result: result))
        return pending.count >= groupSize ? try confirm() : []
    }

    /// Syncs, then returns the outcomes that were waiting for it. When the sync fails they stay
    /// unconfirmed and the error is thrown.
    public mutating func confirm() throws -> [SubmitOutcome] {
        guard !pending.isEmpty else { return [] }
        if groupSize > 1 { try sync() }
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }
}
