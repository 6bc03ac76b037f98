import EventSourcing
import Foundation
import Logging
import SystemPackage

/// What `parley log verify` found.
public struct LogVerification: Sendable, Equatable {
    public var events: UInt64
    public var streams: Int
    public var segments: Int
    public var blocks: Int
    /// Bytes of all segment files (with a running writer's zeroed tail).
    public var bytesOnDisk: Int64
    /// Record bytes before compression.
    public var rawRecordBytes: Int64
    /// Block bytes as stored (headers and bodies).
    public var storedBlockBytes: Int64
    public var firstPosition: LogPosition?
    public var lastPosition: LogPosition?
    /// `sound`, `stale` (covers a prefix; the rest is scanned on open), `damaged` or `missing` (rebuilt on open).
    public var indexSnapshot: String
    /// Bytes of the index snapshot verify read (0 when there is none).
    public var indexSnapshotBytes: Int
    /// Damage at the end of the last segment that a crash explains: the next writer to open the
    /// log cuts it. With `writerRunning`, a block still being written.
    public var tornTail: TornTail?
    /// Whether a writer held the log's lock: the last segment was then read as a reader beside
    /// it reads (Specs/log-format.md, "The zeroed tail"), and may end in a block being written.
    public var writerRunning: Bool

    /// Raw record bytes per stored block byte: above 1 when compression pays.
    public var compressionRatio: Double { storedBlockBytes == 0 ? 1 : Double(rawRecordBytes) / Double(storedBlockBytes) }
}

extension FileEventLog {
    /// About how many bytes of events verify holds at once while reading them back.
    static let pageBytes = 32 << 20

    /// Checks every block, record and the index snapshot of the log in `directory`, read-only.
    ///
    /// Every block's CRC32C is checked and every record fully decoded; the index is rebuilt from
    /// the segments and compared with what the snapshot says. A torn tail is reported as on open
    /// (`tornTail`); any other damage throws `LogError.corrupt`.
    public static func verify(directory: String, logger: Logger, progress: (UInt64) -> Void = { _ in }) throws(LogError) -> LogVerification {
        try verify(directory: directory, logger: logger, progress: progress) { writerIsRunning(directory: directory) }
    }

    /// `verify`, asking `writerProbe` whether a writer holds the log's lock.
    ///
    /// The probe is asked before the segments are opened and again after the last one is scanned
    /// without a writer, if that scan met damage: a writer that opened the log in between may have
    /// been writing where the scan read, so the rest is read again as a reader beside it.
    static func verify(
        directory: String, logger: Logger, progress: (UInt64) -> Void, writerProbe: () -> Bool
    ) throws(LogError) -> LogVerification {
        // Read before the segments are opened: a running writer moves the marker only past what
        // the files hold, so every position below it is in the segments opened next. The same
        // holds for the snapshot, which a writer replaces as it closes: read later, it could
        // describe blocks written after the scan.
        let acknowledged = try SyncedMarker.read(directory: directory).position
        let snapshotContents = IndexSnapshot.contents(directory: directory)
        var writerRunning = writerProbe()
        var options = Options(readOnly: true)
        options.verifying = true
        options.verifiedSnapshot = snapshotContents
        let log = try FileEventLog(directory: directory, options: options, logger: logger)
        // Every record on disk is checked, synced or not: past the synced marker too.
        let segments = log.state.withLock { state in
            state.visible = state.index.count
            return state.segments
        }
        var rebuilt = LogIndex()
        var raw: Int64 = 0, stored: Int64 = 0, onDisk: Int64 = 0
        var torn: TornTail?, blocksEnd = Int64(SegmentHeader.size)
        for (number, segment) in segments.enumerated() {
            let isLast = number == segments.count - 1
            try checkHeader(segment, expectedBase: rebuilt.count, isLast: isLast, readOnly: true, logger: logger)
            let scanner = SegmentScanner(segment: segment, segmentNumber: number)
            var outcome = try writerRunning && isLast ? scanner.scanSettled(from: Int64(SegmentHeader.size), into: &rebuilt) : scanner.scan(from: Int64(SegmentHeader.size), into: &rebuilt)
            if isLast, !writerRunning, outcome.damage != nil, writerProbe() {
                writerRunning = true
                var again = try scanner.scanSettled(from: outcome.committedEnd, into: &rebuilt)
                again.rawBytes += outcome.rawBytes
                again.storedBytes += outcome.storedBytes
                outcome = again
            }
            switch try scanner.ending(of: outcome, isLast: isLast, indexed: rebuilt.count, acknowledged: acknowledged) {
            case .clean(let end): blocksEnd = end
            case .torn(let tail): (torn, blocksEnd) = (tail, tail.offset)
            }
            raw += outcome.rawBytes
            stored += outcome.storedBytes
            onDisk += try segment.fileSize()
        }
        try checkReachesMarker(rebuilt.count, acknowledged: acknowledged, directory: directory, last: segments.last, blocksEnd: blocksEnd)
        try checkDistinctIDs(rebuilt, segments: segments)
        let snapshot: String
        switch IndexSnapshot.load(snapshotContents, segments: segments) {
        case .loaded(let loaded):
            // What the snapshot says of the positions it covers must be what the segments say.
            guard rebuilt.begins(with: loaded.index) else {
                throw .corrupt(
                    segment: directory + "/" + IndexSnapshot.fileName, offset: 0, position: LogPosition(loaded.index.count),
                    reason: "the index snapshot is well-formed but disagrees with the segments; delete it to rebuild")
            }
            snapshot = loaded.index.count == rebuilt.count ? "sound" : "stale"
        case .rejected:
            snapshot = "damaged"
        case .absent:
            snapshot = "missing"
        }
        // Every event is read back through the log's index, which open built from that same
        // snapshot: compared first, a snapshot that misplaces a block is named, not the segment.
        // Pages sized by the bytes their events hold, not their count alone: events may be up
        // to 64 MiB each. The first page is small; each next one aims at `pageBytes`.
        var position = LogPosition.start
        var limit = 1024
        while true {
            let page = try log.readAllNow(from: position, limit: limit)
            guard let last = page.last else { break }
            position = last.position.next
            progress(position.rawValue)
            let bytes = page.reduce(0) { $0 + $1.payload.count + $1.metadata.custom.count + $1.type.utf8.count + $1.stream.description.utf8.count }
            limit = max(1, min(65_536, Self.pageBytes / max(1, bytes / page.count)))
        }
        return LogVerification(
            events: rebuilt.count, streams: rebuilt.streams.count, segments: segments.count, blocks: rebuilt.blocks.count,
            bytesOnDisk: onDisk, rawRecordBytes: raw, storedBlockBytes: stored,
            firstPosition: rebuilt.count > 0 ? .start : nil, lastPosition: rebuilt.count > 0 ? LogPosition(rebuilt.count - 1) : nil,
            indexSnapshot: snapshot, indexSnapshotBytes: snapshotContents?.count ?? 0, tornTail: torn, writerRunning: writerRunning)
    }
}

extension FileEventLog {
    /// Every event id is stored once: an append of a stored id returns the original instead, so
    /// only a faulty writer repeats one, and a retry would then resolve to the first copy.
    static func checkDistinctIDs(_ index: LogIndex, segments: [Segment]) throws(LogError) {
        for (position, id) in index.ids.ids.enumerated() {
            guard let first = index.ids[id], first != UInt64(position), let number = index.blockIndex(containing: UInt64(position)) else { continue }
            let block = index.blocks[number]
            throw .corrupt(
                segment: segments[block.segment].path, offset: block.offset, position: LogPosition(UInt64(position)),
                reason: "the event id \(id) was stored before, at position \(first)")
        }
    }

    /// Whether a process holds the log's writer lock (`writer.lock`, exclusive `flock`).
    static func writerIsRunning(directory: String) -> Bool {
        guard let descriptor = try? FileDescriptor.open(FilePath(directory + "/writer.lock"), .readOnly, options: [.closeOnExec]) else {
            return false
        }
        defer { try? descriptor.close() }
        return (try? descriptor.tryLockShared()) == false
    }
}
