import EventSourcing
import SystemPackage

/// Writing blocks to the last segment: durable and deferred blocks (the open block once framed,
/// larger batches' own blocks) gather in memory and reach the file with one `pwrite`, just before
/// the `fdatasync` that covers them, before a read that needs them, or once they are many.
extension FileEventLog {
    /// Durable and deferred batches at least this large are written at once when nothing is
    /// pending, rather than copied into the pending bytes first.
    static let directWriteSize = 64 << 10
    /// Pending bytes are written once they reach this size after a deferred batch or a framed
    /// open block.
    static let pendingLimit = 1 << 20

    /// Puts `bytes`, blocks from position `firstPosition`, at the end of the log, in a new segment
    /// when the current one is full, and returns the segment's number and the offset they take.
    /// The open block must be empty (`sealOpenBlock` first), so positions stay in file order.
    ///
    /// A durable or deferred batch joins the pending bytes, written by the next sync (or read);
    /// a buffered one is written at once, after the pending bytes, so the file never has a hole.
    func write(_ bytes: [UInt8], firstPosition: UInt64, durability: Durability, state: inout State) throws(LogError)
        -> (segment: Int, offset: Int64)
    {
        try rollSegmentIfNeeded(adding: bytes.count, base: firstPosition, state: &state)
        let number = state.segments.count - 1
        let offset = state.segments[number].size
        if durability != .buffered && (!state.pending.isEmpty || bytes.count < Self.directWriteSize) {
            state.pending.append(contentsOf: bytes)
            if durability == .deferred && state.pending.count >= Self.pendingLimit {
                state.segments[number].size += Int64(bytes.count)
                try flushPending(&state)
                return (number, offset)
            }
        } else {
            try flushPending(&state)
            try writeAll(bytes, to: number, at: offset, zeroingAhead: durability != .buffered, state: &state)
        }
        state.segments[number].size += Int64(bytes.count)
        return (number, offset)
    }

    /// Writes the pending bytes when `block` lies in them, so that it can be read from the file.
    func flushPending(holding block: BlockLocation, _ state: inout State) throws(LogError) {
        guard !state.pending.isEmpty, block.segment == state.segments.count - 1,
            block.offset + Int64(block.length) > state.segments[block.segment].size - Int64(state.pending.count)
        else { return }
        try flushPending(&state)
    }

    /// Writes the pending bytes to the end of the last segment; a failure poisons the log.
    ///
    /// A poisoned log writes nothing more: its pending bytes may hold the batch whose failed write
    /// poisoned it, which its caller was told is not stored.
    func flushPending(_ state: inout State) throws(LogError) {
        guard !state.pending.isEmpty, let number = state.segments.indices.last else { return }
        if let reason = state.poisoned { throw .poisoned(reason: reason) }
        let offset = state.segments[number].size - Int64(state.pending.count)
        let pending = state.pending
        try writeAll(pending, to: number, at: offset, zeroingAhead: true, state: &state)
        state.pending.removeAll(keepingCapacity: state.pending.count <= 1 << 20)
    }

    /// Writes `bytes` at `offset` of segment `number`; when they reach past the zeroed tail, zeroes
    /// ahead of them for a write a sync will cover (a buffered one waits for no sync, and zeros
    /// ahead of it slowed `parley import` down). A failure poisons the log.
    private func writeAll(_ bytes: [UInt8], to number: Int, at offset: Int64, zeroingAhead: Bool, state: inout State) throws(LogError) {
        let segment = state.segments[number]
        do {
            try bytes.withUnsafeBytes { try segment.descriptor.writeAll($0, at: offset) }
            let end = offset + Int64(bytes.count)
            if end > segment.allocated { state.segments[number].allocated = zeroingAhead ? try zeroAhead(of: end, in: segment) : end }
        } catch {
            let errno = error as? Errno ?? .ioError
            state.poison("writing \(segment.path): \(errno)")
            throw .io(operation: "writing", path: segment.path, errno: errno)
        }
    }

    /// Starts a new segment before a batch that would take the current one past `segmentSize`,
    /// after writing what the current one holds, cutting its zeroed tail and syncing it. A failure
    /// poisons the log: batches already in the index (the open block's) could not be written anywhere.
    func rollSegmentIfNeeded(adding count: Int, base: UInt64, state: inout State) throws(LogError) {
        guard let active = state.segments.last, active.size > Int64(SegmentHeader.size),
            active.size + Int64(count) > options.segmentSize
        else { return }
        if let reason = state.poisoned { throw .poisoned(reason: reason) }
        try flushPending(&state)
        let last = state.segments.count - 1
        do {
            try Self.cutZeroTail(of: state.segments[last])
            state.segments[last].allocated = state.segments[last].size
            try active.descriptor.dataSync()
        } catch {
            state.poison("syncing \(active.path): \(error)")
            throw .io(operation: "syncing", path: active.path, errno: error)
        }
        do {
            state.segments.append(try Self.createSegment(directory: directory, base: base))
        } catch {
            state.poison("\(error)")
            throw error
        }
    }
}
