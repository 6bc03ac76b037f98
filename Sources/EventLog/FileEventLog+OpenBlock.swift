import EventSourcing

/// The open block: small durable and deferred batches gather, unframed, until a sync, a read, a
/// larger batch or a full block frames them as one block, so what one sync writes (the group-commit
/// batch) is compressed together, as Kafka compresses a record batch.
extension FileEventLog {
    /// Records of whole batches not yet framed. Their events are indexed (ids, streams, versions)
    /// but have no block location until `sealOpenBlock` writes one.
    struct OpenBlock: Sendable {
        /// The position of the first record; meaningful only when `count > 0`.
        var first: UInt64 = 0
        var count = 0
        var records: [UInt8] = []

        /// Whether the event at `position` is among these records (or after them).
        func holds(_ position: UInt64) -> Bool { count > 0 && position >= first }
    }

    /// The open block is framed once the next batch would take it past this many record bytes
    /// (or past `Options.blockSize`, when that is smaller). Smaller than a batch's own blocks: a
    /// read of one event decompresses its whole block, and loading a stream's state from the log
    /// (a new process, a cold cache) reads many single events. Measured on `parley submit` of the
    /// 200,000 bench messages from a new process: 17.1 s with 64 KiB open blocks, 10.6 s with
    /// 16 KiB, 8.9 s with a block per batch; the setup log took 44, 46 and 111 MB.
    static let openBlockSize = 16 << 10

    /// Whether a batch of `rawSize` record bytes joins the open block rather than taking blocks of
    /// its own: a durable or deferred batch that fits one block. A buffered batch is written at
    /// once, so it never waits in memory.
    func joinsOpenBlock(rawSize: Int, durability: Durability) -> Bool {
        durability != .buffered && rawSize <= options.blockSize
    }

    /// Adds a batch's records, the first at stream version `firstVersion` and position `first`,
    /// framing the open block first when they would take it past the block size.
    func join(_ batch: CheckedBatch, firstVersion: UInt64, first: UInt64, state: inout State) throws(LogError) {
        if state.open.count > 0 && state.open.records.count + batch.rawSize > min(options.blockSize, Self.openBlockSize) {
            try sealOpenBlock(&state)
        }
        if state.open.count == 0 {
            state.open.first = first
            state.open.records.reserveCapacity(min(options.blockSize, Self.openBlockSize))
        }
        batch.encodeRecords(firstVersion: firstVersion, appendingTo: &state.open.records)
        state.open.count += batch.events.count
    }

    /// Frames the open block's records as one block (compressed when that pays) at the end of
    /// the pending bytes and indexes it. Nothing to do when the block is empty.
    func sealOpenBlock(_ state: inout State) throws(LogError) {
        let count = state.open.count, first = state.open.first
        guard count > 0 else { return }
        // Closed: the segments are gone (`close()` syncs before it lets them go).
        guard !state.segments.isEmpty else { throw .closed }
        try rollSegmentIfNeeded(adding: BlockEncoder.capacity(rawCount: state.open.records.count), base: first, state: &state)
        let number = state.segments.count - 1
        let offset = state.segments[number].size
        let start = state.pending.count
        state.open.records.withUnsafeBytes { records in
            BlockEncoder.append(
                records: records, count: count, firstPosition: first, horizon: state.syncStarted, continued: false, to: &state.pending)
        }
        let length = state.pending.count - start
        state.segments[number].size += Int64(length)
        state.index.addBlock(BlockLocation(segment: number, offset: offset, length: length, firstPosition: first, count: UInt32(count)))
        state.open.count = 0
        state.open.records.removeAll(keepingCapacity: true)
        if state.pending.count >= Self.pendingLimit { try flushPending(&state) }
    }

    /// Frames the open block and writes every pending byte: what a sync covers.
    func writeStaged(_ state: inout State) throws(LogError) {
        try sealOpenBlock(&state)
        try flushPending(&state)
    }
}
