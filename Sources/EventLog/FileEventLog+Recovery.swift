import EventSourcing
import Logging
import SystemPackage

extension FileEventLog {
    /// Opens every segment, loads the index snapshot when it is sound, scans what it does not
    /// cover, and cuts a torn tail (never in read-only mode, which just stops before it). A
    /// read-only open scans no further than the synced marker (`indexLimit`).
    static func recover(directory: String, options: Options, logger: Logger, into state: inout State) throws(LogError) {
        // Read before the segments are listed: a running writer moves the marker only past what
        // its files hold, so a reader beside it may use it too.
        let marker = try SyncedMarker.read(directory: directory)
        let acknowledged = marker.position
        if marker == .unreadable && !options.readOnly {
            logger.warning(
                "the synced marker is unreadable: damage at the end of the log cannot be told from a torn write",
                metadata: ["path": "\(directory)/\(SyncedMarker.fileName)"])
        }
        let names = try segmentNames(directory)
        for (base, name) in names {
            state.segments.append(try openSegment(directory + "/" + name, base: base, readOnly: options.readOnly))
        }
        if state.segments.isEmpty {
            // Checked before a writer starts a segment: a marker past 0 means the segments are gone.
            try checkReachesMarker(0, acknowledged: acknowledged, directory: directory, last: nil, blocksEnd: 0)
            if options.readOnly { return }
            state.segments.append(try createSegment(directory: directory, base: 0))
        }
        if !options.readOnly, let last = state.segments.last { try settle(last, logger: logger) }
        var start = (segment: 0, offset: Int64(SegmentHeader.size))
        let snapshot = options.verifying ? options.verifiedSnapshot : IndexSnapshot.contents(directory: directory)
        switch IndexSnapshot.load(snapshot, segments: state.segments) {
        case .loaded(let snapshot):
            state.index = snapshot.index
            state.snapshotEnd = snapshot.index.count
            start = (snapshot.segment, snapshot.offset)
            logger.debug("loaded index snapshot", metadata: ["events": "\(snapshot.index.count)"])
        case .rejected(let reason):
            logger.info(
                "ignored the index snapshot, rebuilding the log index from the segments",
                metadata: ["directory": "\(directory)", "reason": "\(reason)"])
            // Removed, so that it cannot match again once appends have grown the log back.
            if !options.readOnly { try IndexSnapshot.remove(directory: directory) }
        case .absent where !names.isEmpty:
            logger.info("rebuilding the log index from the segments", metadata: ["directory": "\(directory)"])
        case .absent:
            break
        }
        var scanned: UInt64 = 0
        let limit = options.readOnly && !options.verifying ? indexLimit(marker, known: 0) : nil
        var stoppedIn: Int?
        // Segments the snapshot covers are not scanned, but their headers are checked all the same.
        for number in 0..<start.segment {
            try checkHeader(state.segments[number], expectedBase: state.segments[number].base, isLast: false, readOnly: options.readOnly, logger: logger)
        }
        for number in start.segment..<state.segments.count {
            let segment = state.segments[number]
            let isLast = number == state.segments.count - 1
            let offset = number == start.segment ? start.offset : Int64(SegmentHeader.size)
            let base = offset == Int64(SegmentHeader.size) ? state.index.count : segment.base
            try checkHeader(segment, expectedBase: base, isLast: isLast, readOnly: options.readOnly, logger: logger)
            let before = state.index.count
            let scanner = SegmentScanner(segment: segment, segmentNumber: number)
            // A read-only open of a log without a marker may meet a block the writer is still copying.
            var outcome = try options.readOnly ? scanner.scanSettled(from: offset, into: &state.index, limit: limit) : scanner.scan(from: offset, into: &state.index)
            if outcome.reachedLimit {
                // The rest is read by `refresh` once the marker vouches for it.
                state.segments[number].size = outcome.committedEnd
                for later in number + 1..<state.segments.count { state.segments[later].size = Int64(SegmentHeader.size) }
                stoppedIn = number
                break
            }
            if options.verifying && isLast && outcome.damageConfirmed == true { outcome.damageConfirmed = false }
            scanned += state.index.count - before
            switch try scanner.ending(of: outcome, isLast: isLast, indexed: state.index.count, acknowledged: acknowledged) {
            case .clean(let blocksEnd):
                state.segments[number].size = blocksEnd
            case .torn(let tail):
                state.segments[number].size = tail.offset
                if options.readOnly { continue }
                logger.warning(
                    "cut a torn tail",
                    metadata: [
                        "segment": "\(segment.path)", "offset": "\(tail.offset)", "bytes": "\(tail.bytes)",
                        "from position": "\(tail.position)", "reason": "\(tail.reason)",
                    ])
                do {
                    try segment.descriptor.truncate(to: tail.offset)
                    try segment.descriptor.dataSync()
                } catch {
                    throw .io(operation: "cutting the torn tail of", path: segment.path, errno: error)
                }
                state.segments[number].allocated = tail.offset
            }
        }
        let end = stoppedIn.map { state.segments[$0] } ?? state.segments.last
        try checkReachesMarker(state.index.count, acknowledged: acknowledged, directory: directory, last: end, blocksEnd: end?.size ?? 0)
        if scanned > 100_000 && !options.readOnly {
            logger.info("scanned events not in the index snapshot", metadata: ["events": "\(scanned)"])
        }
    }

    /// Whether a file of a log's folder is a segment by its name: 20 digits and `.seg`, naming a
    /// position (Specs/log-format.md, "The directory"); readers ignore any other `.seg`.
    public static func isSegmentFileName(_ name: String) -> Bool {
        SegmentHeader.basePosition(fileName: name) != nil
    }

    /// The segment files of `directory` by base position, in log order.
    static func segmentNames(_ directory: String) throws(LogError) -> [(base: UInt64, name: String)] {
        let entries: [String]
        do { entries = try directoryEntries(directory) } catch { throw .io(operation: "listing", path: directory, errno: error) }
        return entries.compactMap { name in SegmentHeader.basePosition(fileName: name).map { ($0, name) } }.sorted { $0.base < $1.base }
    }

    /// Checks that `segment` starts with a header whose base is its file name's and `expectedBase`.
    static func checkHeader(_ segment: Segment, expectedBase: UInt64, isLast: Bool, readOnly: Bool, logger: Logger) throws(LogError) {
        var bytes = [UInt8](repeating: 0, count: SegmentHeader.size)
        let read: Int
        do {
            read = try bytes.withUnsafeMutableBytes { try segment.descriptor.readFully(into: $0, at: 0) }
        } catch {
            throw .io(operation: "reading the header of", path: segment.path, errno: error as? Errno ?? .ioError)
        }
        do {
            let header = try bytes.withUnsafeBytes { try SegmentHeader.parse(UnsafeRawBufferPointer(rebasing: $0[..<read])) }
            guard header.basePosition == segment.base, header.basePosition == expectedBase else {
                throw LogError.corrupt(
                    segment: segment.path, offset: 0, position: LogPosition(expectedBase),
                    reason: "segment header says base position \(header.basePosition), expected \(expectedBase)")
            }
        } catch let error as LogError {
            throw error
        } catch {
            // A segment whose header never reached the disk (created just before a crash) is a torn tail.
            let size = try segment.fileSize()
            guard isLast, size <= Int64(SegmentHeader.size), segment.base == expectedBase else {
                throw LogError.corrupt(segment: segment.path, offset: 0, position: LogPosition(expectedBase), reason: "\(error)")
            }
            guard !readOnly else { return }
            logger.warning(
                "rewrote a torn segment header",
                metadata: ["segment": "\(segment.path)", "bytes": "\(size)", "base position": "\(expectedBase)", "reason": "\(error)"])
            let header = SegmentHeader(basePosition: segment.base).bytes
            do {
                try segment.descriptor.truncate(to: 0)
                try header.withUnsafeBytes { try segment.descriptor.writeAll($0, at: 0) }
                try segment.descriptor.dataSync()
            } catch {
                throw LogError.io(operation: "rewriting the header of", path: segment.path, errno: error as? Errno ?? .ioError)
            }
        }
    }

    /// Only the last segment has a zeroed tail: the writer cuts it before starting the next one.
    static let zerosBeforeLast = "zero bytes where a block should start, in a segment that is not the last"

    static func openSegment(_ path: String, base: UInt64, readOnly: Bool) throws(LogError) -> Segment {
        do {
            let descriptor = try FileDescriptor.open(FilePath(path), readOnly ? .readOnly : .readWrite, options: [.closeOnExec])
            let size = try closingOnError(descriptor) { try descriptor.size() }
            return Segment(base: base, path: path, descriptor: descriptor, size: size, allocated: size)
        } catch {
            throw .io(operation: "opening", path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// `body`'s result; when it throws, `descriptor` is closed first (it has no other owner yet).
    private static func closingOnError<T>(_ descriptor: FileDescriptor, _ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            try? descriptor.close()
            throw error
        }
    }

    /// Creates a segment file with its header, durably (the file, then its directory entry).
    static func createSegment(directory: String, base: UInt64) throws(LogError) -> Segment {
        let path = directory + "/" + SegmentHeader.fileName(basePosition: base)
        do {
            let descriptor = try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
            let header = SegmentHeader(basePosition: base).bytes
            try closingOnError(descriptor) {
                try header.withUnsafeBytes { try descriptor.writeAll($0, at: 0) }
                try descriptor.dataSync()
                try syncDirectory(directory)
            }
            return Segment(base: base, path: path, descriptor: descriptor, size: Int64(header.count), allocated: Int64(header.count))
        } catch {
            throw .io(operation: "creating", path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// Before a writer judges the last segment: syncs what the last writer left (it may have died
    /// before its sync), then drops the segment's cached pages, so the scan reads what the device
    /// holds. After a failed `fdatasync` Linux may keep pages it never wrote cached as clean: read
    /// from the cache, a batch whose append failed would look whole and be vouched for.
    private static func settle(_ segment: Segment, logger: Logger) throws(LogError) {
        do { try segment.descriptor.dataSync() } catch { throw .io(operation: "syncing", path: segment.path, errno: error) }
        do { try segment.descriptor.dropCachedPages() } catch {
            logger.warning("could not drop the cached pages of \(segment.path) before scanning it: \(error)")
        }
    }

    static func syncDirectory(_ directory: String) throws(Errno) {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(directory), .readOnly, options: [.directory, .closeOnExec])
        } catch {
            throw error as? Errno ?? .ioError
        }
        defer { try? descriptor.close() }
        try descriptor.fullSync()
    }
}
