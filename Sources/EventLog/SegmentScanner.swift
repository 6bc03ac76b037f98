import Foundation
import EventSourcing
import SystemPackage

/// Reads a segment's blocks in order, checking each, and adds whole batches to an index.
///
/// Used by recovery, by read-only refresh and by `log verify`. A batch enters the index only when
/// its last block has been read and checked, so a half-written batch is never indexed. A read that
/// fails throws `LogError.io`: it says nothing about the bytes, so it is never taken for damage.
struct SegmentScanner {
    let segment: FileEventLog.Segment
    let segmentNumber: Int

    /// Where a scan stopped and why.
    struct Outcome {
        /// The offset after the last whole batch.
        var committedEnd: Int64
        /// The first damage met, nil when the segment ended cleanly (possibly inside a batch).
        var damage: (offset: Int64, position: UInt64, reason: String)?
        /// Raw and stored bytes of the blocks indexed, for statistics.
        var rawBytes: Int64 = 0
        var storedBytes: Int64 = 0
        /// Where the zeroed tail the writer keeps ahead of its writes starts, when the scan met it.
        var zeroTail: Int64?
        /// Set by `scanSettled` when there is damage: whether it was read twice, with a valid block
        /// at or after it in between (corruption), rather than once (a write in progress, maybe).
        var damageConfirmed: Bool?
        /// Whether the scan stopped at its `limit`, before blocks it was not to index.
        var reachedLimit = false
    }

    /// What zero bytes where a block should start mean (Specs/log-format.md, "The zeroed tail").
    enum ZeroTail {
        /// The end of the blocks only when every byte from there to the end of the file is zero:
        /// opening a log, verifying one.
        case checked
        /// The end of the blocks written so far: a reader beside a running writer.
        case live
    }

    /// Scans from `offset` (just after the segment header, or a block boundary) to the end, or
    /// until the index would reach past `limit` positions: a reader beside a writer indexes only
    /// what the synced marker vouches for, since a writer whose sync failed may cut the rest and
    /// write other batches at the same positions and offsets.
    func scan(from offset: Int64, into index: inout LogIndex, zeros: ZeroTail = .checked, limit: UInt64? = nil) throws(LogError) -> Outcome {
        var outcome = Outcome(committedEnd: offset)
        var cursor = offset
        var pendingBlocks: [BlockLocation] = []
        var pendingEvents: [(id: UUID, stream: StreamName)] = []
        var pendingStreamCounts: [StreamName: UInt64] = [:]
        var pendingRaw: Int64 = 0
        var headerBytes = [UInt8](repeating: 0, count: BlockHeader.size)
        while true {
            let expectedPosition = index.count + UInt64(pendingEvents.count)
            if let limit, expectedPosition >= limit, pendingEvents.isEmpty {
                outcome.reachedLimit = true
                return outcome
            }
            func damage(_ reason: String) -> Outcome {
                var result = outcome
                result.damage = (cursor, expectedPosition, reason)
                return result
            }
            let available = try read(into: &headerBytes, at: cursor)
            if available == 0 { return outcome }
            if headerBytes[..<available].allSatisfy({ $0 == 0 }) {
                let tail = zeros == .live ? true : try isZero(from: cursor + Int64(available))
                guard tail else {
                    return damage("zero bytes where a block should start, and data after them")
                }
                outcome.zeroTail = cursor
                return outcome
            }
            let header: BlockHeader
            do {
                header = try headerBytes.withUnsafeBytes { try BlockHeader.parse(UnsafeRawBufferPointer(rebasing: $0[..<available])) }
            } catch {
                return damage("\(error)")
            }
            guard header.firstPosition == expectedPosition else {
                return damage("block starts at position \(header.firstPosition), expected \(expectedPosition)")
            }
            var body = [UInt8](repeating: 0, count: Int(header.bodyLength))
            let read = try self.read(into: &body, at: cursor + Int64(BlockHeader.size))
            let records: [UInt8]
            do {
                records = try headerBytes.withUnsafeBytes { head in
                    try body.withUnsafeBytes { try header.verifiedRecords(header: head, body: UnsafeRawBufferPointer(rebasing: $0[..<read])) }
                }
            } catch let error as BlockHeader.Problem {
                return damage(error.description)
            } catch {
                return damage("\(error)")
            }
            let identities: [(id: UUID, stream: String, version: StreamVersion)]
            do {
                identities = try Self.identities(of: records, count: header.recordCount)
            } catch {
                return damage("\(error)")
            }
            for identity in identities {
                guard let stream = StreamName(identity.stream) else { return damage("record names an invalid stream") }
                let expectedVersion = UInt64(index.lastVersion(of: stream).map { $0.rawValue + 1 } ?? 0) + pendingStreamCounts[stream, default: 0]
                guard identity.version.rawValue == expectedVersion else {
                    return damage("stream \(stream) has version \(identity.version) where \(expectedVersion) was expected")
                }
                pendingStreamCounts[stream, default: 0] += 1
                pendingEvents.append((identity.id, stream))
            }
            pendingBlocks.append(BlockLocation(
                segment: segmentNumber, offset: cursor, length: header.totalLength,
                firstPosition: header.firstPosition, count: header.recordCount))
            pendingRaw += Int64(header.rawLength)
            cursor += Int64(header.totalLength)
            if header.endsBatch {
                // Left out whole; the caller judges an index short of a marker (corruption).
                if let limit, index.count + UInt64(pendingEvents.count) > limit {
                    outcome.reachedLimit = true
                    return outcome
                }
                pendingBlocks.forEach { index.addBlock($0) }
                pendingEvents.forEach { index.addEvent(id: $0.id, stream: $0.stream) }
                outcome.rawBytes += pendingRaw
                outcome.storedBytes += cursor - outcome.committedEnd
                outcome.committedEnd = cursor
                pendingBlocks = []
                pendingEvents = []
                pendingStreamCounts = [:]
                pendingRaw = 0
            }
        }
    }

    /// `scan` as a reader beside a running writer must read it: it may meet a block the writer is
    /// still copying. Damage with a valid block at or after it is read once more from the last
    /// whole batch; only damage met again at the same offset is confirmed (the writer copies in
    /// order, so by then every block before the valid one was whole). Damage without a valid
    /// block after it, or met further on the second time, is left unconfirmed, for the next look.
    func scanSettled(from offset: Int64, into index: inout LogIndex, limit: UInt64? = nil) throws(LogError) -> Outcome {
        var first = try scan(from: offset, into: &index, zeros: .live, limit: limit)
        guard let damage = first.damage else { return first }
        guard try hasValidBlock(atOrAfter: damage.offset) else {
            first.damageConfirmed = false
            return first
        }
        var second = try scan(from: first.committedEnd, into: &index, zeros: .live, limit: limit)
        second.rawBytes += first.rawBytes
        second.storedBytes += first.storedBytes
        if let again = second.damage { second.damageConfirmed = again.offset == damage.offset }
        return second
    }

    /// The id, stream and version of every record of a block, checking the count.
    static func identities(of records: [UInt8], count: UInt32) throws(BlockHeader.Problem) -> [(id: UUID, stream: String, version: StreamVersion)] {
        var result: [(id: UUID, stream: String, version: StreamVersion)] = []
        // The count comes from disk: reserve no more than the records' bytes can hold.
        result.reserveCapacity(min(Int(count), records.count / RecordCodec.fixedHeaderSize))
        var problem: BlockHeader.Problem?
        records.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            while reader.remaining > 0 {
                do {
                    result.append(try RecordCodec.peekIdentity(&reader))
                } catch {
                    problem = .record(index: result.count, error as? RecordCodec.Problem ?? .truncated)
                    return
                }
            }
        }
        if let problem { throw problem }
        guard result.count == Int(count) else { throw .recordCount(declared: count, found: result.count) }
        return result
    }

    /// Whether every byte from `offset` to the end of the file is zero.
    func isZero(from offset: Int64) throws(LogError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var cursor = offset
        while true {
            let read = try read(into: &chunk, at: cursor)
            if read == 0 { return true }
            guard chunk[..<read].allSatisfy({ $0 == 0 }) else { return false }
            cursor += Int64(read)
        }
    }

    /// Whether a whole, checksum-valid block starts at `offset` or after it: a reader beside the
    /// writer then looks again before it calls the damage corruption.
    func hasValidBlock(atOrAfter offset: Int64) throws(LogError) -> Bool {
        var found = false
        try forEachValidBlock(atOrAfter: offset) { _, _ in
            found = true
            return true
        }
        return found
    }

    /// Calls `visit` with the offset and header of each whole, checksum-valid block that starts
    /// at `offset` or after it, in file order up to the end of the file, until it returns true.
    /// A crash leaves none at the damage itself, none whose position is below the cut, and none
    /// whose sync horizon is above the cut (`SyncHorizon`).
    ///
    /// Reads the file a 1 MiB window at a time, and a candidate block's body on its own.
    func forEachValidBlock(atOrAfter offset: Int64, _ visit: (Int64, BlockHeader) -> Bool) throws(LogError) {
        let size = try segment.fileSize()
        let window = 1 << 20
        var chunk = [UInt8](repeating: 0, count: window + BlockHeader.size)
        var body: [UInt8] = []
        var start = offset
        while start + Int64(BlockHeader.size) <= size {
            let read = try read(into: &chunk, at: start)
            // The file may have shrunk since its size was read (a writer cutting its zeroed tail).
            guard read >= BlockHeader.size else { return }
            // Candidates start in this window; the window's last header may run into the next.
            for candidate in 0..<min(window, read - BlockHeader.size + 1) {
                let header: BlockHeader? = chunk.withUnsafeBytes { all in
                    guard all.loadUnaligned(fromByteOffset: candidate, as: UInt32.self) == BlockHeader.magic.littleEndian else { return nil }
                    return try? BlockHeader.parse(UnsafeRawBufferPointer(rebasing: all[candidate..<candidate + BlockHeader.size]))
                }
                let blockStart = start + Int64(candidate)
                guard let header, blockStart + Int64(header.totalLength) <= size else { continue }
                body = [UInt8](repeating: 0, count: Int(header.bodyLength))
                guard try self.read(into: &body, at: blockStart + Int64(BlockHeader.size)) == body.count else { continue }
                let checksum = chunk.withUnsafeBytes { all in
                    body.withUnsafeBytes { BlockHeader.checksum(header: UnsafeRawBufferPointer(rebasing: all[candidate..<candidate + BlockHeader.size]), body: $0) }
                }
                if checksum == header.checksum && visit(blockStart, header) { return }
            }
            start += Int64(window)
        }
    }

    /// Reads up to `buffer.count` bytes at `offset` (fewer only at the end of the file).
    private func read(into buffer: inout [UInt8], at offset: Int64) throws(LogError) -> Int {
        do {
            return try buffer.withUnsafeMutableBytes { try segment.descriptor.readFully(into: $0, at: offset) }
        } catch {
            throw .io(operation: "reading byte \(offset) of", path: segment.path, errno: error as? Errno ?? .ioError)
        }
    }
}

extension FileEventLog.Segment {
    /// The file's length.
    func fileSize() throws(LogError) -> Int64 {
        do { return try descriptor.size() } catch { throw .io(operation: "reading the size of", path: path, errno: error) }
    }
}
