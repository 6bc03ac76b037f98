import Foundation

/// One batch a command wrote to one stream, or found already written by an earlier submission.
public struct WrittenBatch: Hashable, Sendable {
    public var stream: StreamName
    /// The places of the batch: new ones, or the original ones when `isDuplicate`.
    public var batch: AppendedBatch
    /// The event types of the batch, in order.
    public var eventTypes: [String]
    /// True when the store already held the batch (the same command submitted again).
    public var isDuplicate: Bool

    public init(stream: StreamName, batch: AppendedBatch, eventTypes: [String], isDuplicate: Bool) {
        self.stream = stream
        self.batch = batch
        self.eventTypes = eventTypes
        self.isDuplicate = isDuplicate
    }
}

/// What handling one command came to.
public enum CommandResult: Hashable, Sendable {
    /// The command was accepted; these are the batches it wrote or found written, in append order.
    /// Empty when there was nothing to record (a redelivered message, a profile already so).
    case accepted([WrittenBatch])
    /// The command was refused and nothing was appended for it.
    case rejected(CommandRejection)

    /// Whether the command appended at least one new event.
    public var appendedAnything: Bool {
        guard case .accepted(let batches) = self else { return false }
        return batches.contains { !$0.isDuplicate }
    }
}
