import EventSourcing
import Foundation
import SystemPackage

extension FileEventLog {
    /// What the locked part of an append decided.
    private enum Staged {
        case done(AppendResult)
        /// Written; returns once positions below `end` are durable.
        case awaitSync(AppendResult, end: UInt64)
        /// Already stored by an earlier append that is not yet visible: wait for it.
        case awaitVisible(AppendResult, end: UInt64)
    }

    public func append(
        _ events: [ProposedEvent], to stream: StreamName, expected: ExpectedVersion, durability: Durability = .durable
    ) async throws -> AppendResult {
        let batch = try CheckedBatch(events, stream: stream)
        appending.add(1, ordering: .relaxed)
        defer { appending.subtract(1, ordering: .relaxed) }
        let encoded: Encoded
        if joinsOpenBlock(rawSize: batch.rawSize, durability: durability) {
            // Copied into the open block under the lock: less work than a second lock and a buffer.
            encoded = .joining
        } else {
            // Encoded and compressed from the stream's current version before the lock is taken
            // for the write; an append to the same stream in between makes the locked part encode again.
            let speculated = state.withLock { $0.index.lastVersion(of: stream) }.map { $0.rawValue + 1 } ?? 0
            encoded = .blocks(batch.encode(firstVersion: speculated, blockSize: options.blockSize))
        }
        let (staged, syncHere, woken) = try state.withLock { state throws(LogError) in
            let staged = try stage(batch, encoded: encoded, expected: expected, durability: durability, state: &state)
            var syncHere: Bool?
            if case .awaitSync = staged, !state.syncScheduled {
                state.syncScheduled = true
                // With other appends under way, sync on the queue and leave this thread to them.
                syncHere = appending.load(ordering: .relaxed) == 1
            }
            return (staged, syncHere, Self.publish(&state))
        }
        woken.forEach { $0.continuation.resume() }
        switch syncHere {
        case true?: leadSync()
        case false?: syncQueue.async { self.runSyncLoop() }
        case nil: break
        }
        switch staged {
        case .done(let result):
            return result
        case .awaitSync(let result, let end):
            try await waitUntilSynced(end)
            return result
        case .awaitVisible(let result, let end):
            await waitForVisible(beyond: end - 1)
            // The original's sync may have failed instead: then it is not durable, and neither is this.
            let (visible, unanswered) = state.withLock { state -> (Bool, LogError?) in
                if let reason = state.poisoned { return (false, .poisoned(reason: reason)) }
                return state.visible >= end ? (true, nil) : (false, state.closed ? .closed : nil)
            }
            if let unanswered { throw unanswered }
            // Not yet visible, the log open: the task was cancelled.
            if !visible { throw CancellationError() }
            return result
        }
    }

    /// A batch that joins the open block, encoded under the lock, or that has blocks of its own,
    /// encoded before it.
    private enum Encoded {
        case joining
        case blocks(EncodedBatch)
    }

    private func stage(
        _ batch: CheckedBatch, encoded: consuming Encoded, expected: ExpectedVersion, durability: Durability, state: inout State
    ) throws(LogError) -> Staged {
        guard !state.closed else { throw .closed }
        guard !options.readOnly else { throw .readOnly }
        if let reason = state.poisoned { throw .poisoned(reason: reason) }
        let stream = batch.stream
        let events = batch.events
        switch state.index.claimIds(count: events.count, id: { events[$0].id }) {
        case .claimed:
            break
        case .repeated:
            throw .invalidBatch(reason: CheckedBatch.repeatedId)
        case .stored:
            try batch.checkDistinctIds()
            guard let repeated = Self.alreadyStored(events, stream: stream, index: state.index) else {
                preconditionFailure("an id the index claims is stored is not found")
            }
            guard case .duplicate(let places) = repeated else { return .done(repeated) }
            let end = places.last.rawValue + 1
            // A durable retry of a batch no sync has covered yet (the original buffered or
            // deferred, or durable with its sync under way) returns once it is durable.
            if durability == .durable && end > state.synced {
                state.syncTarget = max(state.syncTarget, end)
                return .awaitSync(repeated, end: end)
            }
            return end <= state.visible ? .done(repeated) : .awaitVisible(repeated, end: end)
        }
        let number = state.index.streamNumber(of: stream)
        let current = state.index.lastVersion(ofStreamNumber: number)
        guard expected.isSatisfied(by: current) else {
            state.index.releaseClaimedIds()
            return .done(.conflict(expected: expected, actual: current))
        }
        let firstVersion = current.map { $0.rawValue + 1 } ?? 0
        let first = state.index.count
        do {
            try place(batch, encoded: encoded, firstVersion: firstVersion, first: first, durability: durability, state: &state)
        } catch {
            state.index.releaseClaimedIds()
            throw error
        }
        state.index.addClaimedEvents(count: events.count, stream: stream, number: number)
        let end = state.index.count
        let result = AppendResult.appended(AppendedBatch(
            first: LogPosition(first), last: LogPosition(end - 1),
            firstVersion: StreamVersion(firstVersion), lastVersion: StreamVersion(firstVersion + UInt64(events.count) - 1)))
        state.unpublished.append((end, durability == .durable))
        guard durability == .durable else { return .done(result) }
        state.syncTarget = max(state.syncTarget, end)
        return .awaitSync(result, end: end)
    }

    /// Puts the batch's records in the open block, or its blocks after the open block's, encoding
    /// again when the stream's version moved since `encoded` was made.
    private func place(
        _ batch: CheckedBatch, encoded: consuming Encoded, firstVersion: UInt64, first: UInt64, durability: Durability,
        state: inout State
    ) throws(LogError) {
        switch consume encoded {
        case .joining:
            try join(batch, firstVersion: firstVersion, first: first, state: &state)
        case .blocks(var blocks):
            if blocks.firstVersion != firstVersion { blocks = batch.encode(firstVersion: firstVersion, blockSize: options.blockSize) }
            blocks.seal(firstPosition: first, horizon: state.syncStarted)
            try sealOpenBlock(&state)
            let (number, offset) = try write(blocks.bytes, firstPosition: first, durability: durability, state: &state)
            for block in blocks.blocks {
                state.index.addBlock(BlockLocation(
                    segment: number, offset: offset + Int64(block.offset), length: block.length,
                    firstPosition: first + UInt64(block.firstIndex), count: UInt32(block.count)))
            }
        }
    }

    /// `.duplicate` when every id is stored as this batch in this stream, `.idsAlreadyStored`
    /// when some are stored otherwise, nil when none is.
    private static func alreadyStored(_ events: [ProposedEvent], stream: StreamName, index: LogIndex) -> AppendResult? {
        let positions = events.map { index.ids[$0.id] }
        let stored = zip(events, positions).filter { $0.1 != nil }
        guard !stored.isEmpty else { return nil }
        guard stored.count == events.count, let first = positions[0], let firstVersion = index.version(at: first) else {
            return .idsAlreadyStored(stored.map(\.0.id))
        }
        let versions = positions.map { index.version(at: $0!) }
        let sameBatch = positions.allSatisfy { index.stream(at: $0!) == stream }
            && versions.enumerated().allSatisfy { $0.element?.rawValue == firstVersion.rawValue + UInt64($0.offset) }
        guard sameBatch, let last = positions.last! else { return .idsAlreadyStored(events.map(\.id)) }
        return .duplicate(AppendedBatch(
            first: LogPosition(first), last: LogPosition(last), firstVersion: firstVersion,
            lastVersion: StreamVersion(firstVersion.rawValue + UInt64(events.count) - 1)))
    }
}
