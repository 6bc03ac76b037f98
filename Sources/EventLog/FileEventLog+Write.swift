import EventSourcing
import SystemPackage

/// Writing batches to the last segment: durable batches gather in memory and reach the file
/// with one `pwrite` just before the `fdatasync` that covers them.
extension FileEventLog {
    /// Durable batches at least this large are written at once when nothing is pending, rather
    /// than copied into the pending bytes first.
    static let directWriteSize = 64 << 10

    /// Puts `bytes` at the end of the log, in a new segment when the current one is full, and
    /// returns the segment's number and the offset they take.
    ///
    /// A durable batch joins the pending bytes, written by the next sync; a buffered one is
    /// written at once, after the pending bytes, so the file never has a hole.
    func write(_ bytes: [UInt8], durability: Durability, state: inout State) throws(LogError) -> (segment: Int, offset: Int64) {
        try rollSegmentIfNeeded(adding: bytes.count, state: &state)
        let number = state.segments.count - 1
        let offset = state.segments[number].size
        if durability == .durable && (!state.pending.isEmpty || bytes.count < Self.directWriteSize) {
            state.pending.append(contentsOf: bytes)
        } else {
            try Self.flushPending(&state)
            try Self.writeAll(bytes, to: number, at: offset, state: &state)
        }
        state.segments[number].size += Int64(bytes.count)
        return (number, offset)
    }

    /// Writes the pending bytes to the end of the last segment; a failure poisons the log.
    static func flushPending(_ state: inout State) throws(LogError) {
        guard !state.pending.isEmpty, let number = state.segments.indices.last else { return }
        let offset = state.segments[number].size - Int64(state.pending.count)
        let pending = state.pending
        try writeAll(pending, to: number, at: offset, state: &state)
        state.pending.removeAll(keepingCapacity: state.pending.count <= 1 << 20)
    }

    private static func writeAll(_ bytes: [UInt8], to number: Int, at offset: Int64, state: inout State) throws(LogError) {
        let segment = state.segments[number]
        do {
            try bytes.withUnsafeBytes { try segment.descriptor.writeAll($0, at: offset) }
        } catch {
            let errno = error as? Errno ?? .ioError
            state.poisoned = "writing \(segment.path): \(errno)"
            throw .io(operation: "writing", path: segment.path, errno: errno)
        }
    }

    /// Starts a new segment before a batch that would take the current one past `segmentSize`,
    /// after writing and syncing what the current one holds.
    private func rollSegmentIfNeeded(adding count: Int, state: inout State) throws(LogError) {
        guard let active = state.segments.last, active.size > Int64(SegmentHeader.size),
            active.size + Int64(count) > options.segmentSize
        else { return }
        try Self.flushPending(&state)
        do {
            try active.descriptor.dataSync()
        } catch {
            state.poisoned = "syncing \(active.path): \(error)"
            throw .io(operation: "syncing", path: active.path, errno: error)
        }
        state.segments.append(try Self.createSegment(directory: directory, base: state.index.count))
    }
}
