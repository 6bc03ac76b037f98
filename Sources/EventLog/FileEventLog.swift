import Dispatch
import EventSourcing
import Foundation
import Logging
import Synchronization
import SystemPackage

/// The append-only file log: segments of framed, checksummed, LZ4-compressed blocks.
///
/// One process writes (it holds `writer.lock`); any number read, in this process or others.
/// Appends are atomic per batch and durable on return unless asked otherwise; concurrent durable
/// appends share one `fdatasync`. Positions start at 0, are assigned in write order and become
/// visible to readers in that order, once durable. The format is in Specs/log-format.md.
public final class FileEventLog: EventStore, Sendable {
    /// Tunables; the defaults suit production.
    public struct Options: Sendable {
        /// A new segment starts once the current one is this large.
        public var segmentSize: Int64 = 128 << 20
        /// Raw record bytes per block before compression (a larger single record gets its own block);
        /// at most 64 MiB, the most a reader takes for a block's body.
        public var blockSize: Int = 64 << 10
        /// Open without the writer lock: reads only, never repairs; `refresh()` picks up new events.
        public var readOnly = false
        /// For `verify`'s read-only open: damage at the end of the last segment is left to
        /// verify's own scan, which judges it as the writer's open would (power cuts included)
        /// when no writer runs; the open stops before it.
        var verifying = false
        /// For `verify`'s open: the snapshot bytes it read before the segments, used instead of
        /// the file, which a writer closing meanwhile may have replaced.
        var verifiedSnapshot: Data?

        public init(segmentSize: Int64 = 128 << 20, blockSize: Int = 64 << 10, readOnly: Bool = false) {
            self.segmentSize = segmentSize
            self.blockSize = blockSize
            self.readOnly = readOnly
        }
    }

    public let directory: String
    let options: Options
    let logger: Logger
    let state: Mutex<State>
    let syncQueue = DispatchQueue(label: "parley.eventlog.sync")
    /// Held across each `fdatasync` and the marker write after it: syncs run one at a time.
    let syncing = Mutex<Void>(())
    /// Held across `close()`, so a second close returns only once the first is done.
    private let closing = Mutex<Void>(())
    /// Held while `writeIndexSnapshot` writes: its temporary file has one writer at a time.
    let snapshotting = Mutex<Void>(())
    /// Appends under way, from their check to their return; a lone one syncs on its own thread.
    let appending = Atomic<Int>(0)
    /// The open `writer.lock`, held until `close()`; nil when read-only or closed.
    private let writerLock: Mutex<FileDescriptor?>
    /// The synced-position marker for readers in other processes; nil when read-only.
    let marker: SyncedMarker.Writer?

    struct Segment: Sendable {
        var base: UInt64
        var path: String
        var descriptor: FileDescriptor
        /// Where its blocks end.
        var size: Int64
        /// The file's length: `size` and the zeroed tail after it (Specs/log-format.md).
        var allocated: Int64
    }

    struct Waiter: Sendable {
        var end: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    struct Watcher: Sendable {
        var id: UInt64
        var beyond: UInt64
        var continuation: CheckedContinuation<Void, Never>
    }

    struct State: Sendable {
        var index = LogIndex()
        /// Positions below this were indexed from `index.snapshot`; the rest from the segments.
        var snapshotEnd: UInt64 = 0
        var segments: [Segment] = []
        /// Durable batches at the end of the last segment (its `size` counts them) not yet
        /// written: the next sync, buffered append or segment roll writes them first.
        var pending: [UInt8] = []
        /// Small durable and deferred batches not yet framed; they come after the pending bytes.
        var open = OpenBlock()
        /// Positions below this are on stable storage.
        var synced: UInt64 = 0
        /// Positions below this are readable.
        var visible: UInt64 = 0
        /// Written batches not yet visible, in order: (end position, waits for a sync).
        var unpublished: [(end: UInt64, durable: Bool)] = []
        var waiters: [Waiter] = []
        var watchers: [Watcher] = []
        var nextWatcherID: UInt64 = 0
        /// Positions below this must be synced for a waiting durable append.
        var syncTarget: UInt64 = 0
        var syncScheduled = false
        /// What the last sync started covers: positions below it. New blocks carry it as their
        /// sync horizon (`SyncHorizon`); recovery starts it at what it kept, which the open syncs.
        var syncStarted: UInt64 = 0
        var poisoned: String?
        var closed = false
        /// The segments' descriptors after `close()`: closed only when the log is freed, since a
        /// read that copied a segment before the close may still be using its descriptor, and a
        /// descriptor number closed under it could be reused for another file.
        var retired: [FileDescriptor] = []
    }

    /// Opens (creating if needed) the log in `directory`, recovering from a crash.
    ///
    /// A torn tail is cut and logged as a warning. Damage anywhere else throws `LogError.corrupt`.
    public init(directory: String, options: Options = Options(), logger: Logger) throws(LogError) {
        guard (1...BlockHeader.maximumBodySize).contains(options.blockSize) else {
            throw .invalidOptions(reason: "blockSize \(options.blockSize) is outside 1...\(BlockHeader.maximumBodySize) (64 MiB)")
        }
        guard options.segmentSize > 0 else { throw .invalidOptions(reason: "segmentSize \(options.segmentSize) is not above 0") }
        self.directory = directory
        self.options = options
        self.logger = logger
        let lockDescriptor = options.readOnly ? nil : try Self.takeWriterLock(directory: directory)
        writerLock = Mutex(lockDescriptor)
        var state = State()
        var marker: SyncedMarker.Writer?
        do {
            try Self.recover(directory: directory, options: options, logger: logger, into: &state)
            if !options.readOnly { marker = try Self.startMarker(directory: directory, state: state) }
            state.visible = options.readOnly ? try Self.readableEnd(of: state.index.count, directory: directory, known: 0) : state.index.count
        } catch {
            state.segments.forEach { try? $0.descriptor.close() }
            try? lockDescriptor?.close()
            throw error
        }
        self.marker = marker
        state.synced = state.index.count
        state.syncStarted = state.index.count
        self.state = Mutex(state)
    }

    /// Marks what recovery kept (synced by then: `settle`, or the cut of a torn tail) synced for
    /// readers in other processes.
    private static func startMarker(directory: String, state: State) throws(LogError) -> SyncedMarker.Writer {
        let marker = try SyncedMarker.Writer(directory: directory)
        do { try marker.advance(to: state.index.count) } catch { throw .io(operation: "writing", path: marker.path, errno: error) }
        do { try marker.sync() } catch { throw .io(operation: "syncing", path: marker.path, errno: error) }
        do { try syncDirectory(directory) } catch { throw .io(operation: "syncing", path: directory, errno: error) }
        return marker
    }

    /// For a read-only log: the end of what may be read, the writer's synced marker within what
    /// was scanned. A log without a marker (written before markers existed) is readable whole; an
    /// unreadable marker keeps the end `known` before; one that cannot be read at all throws.
    static func readableEnd(of scanned: UInt64, directory: String, known: UInt64) throws(LogError) -> UInt64 {
        switch try SyncedMarker.read(directory: directory) {
        case .absent: scanned
        case .position(let synced): min(scanned, synced)
        case .unreadable: min(scanned, known)
        }
    }

    /// For a read-only log: how many positions it may index, given the marker it read: what the
    /// marker vouches for (`known` while it is unreadable), or all there is in a log without one.
    /// Blocks past the marker are written but not synced: a writer whose sync failed cuts them
    /// when it reopens the log and writes other batches at their positions and offsets.
    static func indexLimit(_ marker: SyncedMarker.Reading, known: UInt64) -> UInt64? {
        switch marker {
        case .absent: nil
        case .position(let synced): synced
        case .unreadable: known
        }
    }

    deinit {
        state.withLock { state in
            state.segments.forEach { try? $0.descriptor.close() }
            state.retired.forEach { try? $0.close() }
            state.segments = []
        }
        writerLock.withLock { try? $0?.close() }
    }

    /// Syncs, cuts the zeroed tail, saves the index snapshot so the next open is fast, stops
    /// reads and appends and releases the writer lock, even when a step before fails (the error
    /// is thrown after), so the log can be opened again. The segment files close when the log is
    /// freed. A second close returns when the first is done, without doing anything.
    public func close() throws(LogError) {
        try closing.withLock { _ throws(LogError) in try closeOnce() }
    }

    private func closeOnce() throws(LogError) {
        // Refuse new appends first; then one last sync covers every batch already written, so
        // each of their waiters is answered before the files close.
        let wasClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !wasClosed else { return }
        var failure: LogError?
        if !options.readOnly {
            do throws(LogError) {
                try sync()
                // Synced here as at open: after a clean close, a power cut brings back a marker
                // that covers the whole log, and with it every block is judged acknowledged.
                if let marker {
                    do { try marker.sync() } catch { logger.warning("could not sync \(marker.path): \(error); the data is synced") }
                }
                try cutZeroTail()
                try writeIndexSnapshot()
            } catch {
                failure = error
            }
        }
        let (watchers, waiters) = state.withLock { state -> ([Watcher], [Waiter]) in
            state.retired = state.segments.map(\.descriptor)
            state.segments = []
            defer {
                state.watchers = []
                state.waiters = []
            }
            return (state.watchers, state.waiters)
        }
        writerLock.withLock { descriptor in
            try? descriptor?.close()
            descriptor = nil
        }
        watchers.forEach { $0.continuation.resume() }
        waiters.forEach { $0.continuation.resume(throwing: LogError.closed) }
        if let failure { throw failure }
    }

    /// Takes the writer lock, trying for up to 100 ms: `parley log verify` holds a shared lock
    /// for an instant to learn whether a writer runs, and must not make a starting one fail.
    private static func lockExclusive(_ descriptor: FileDescriptor) throws(Errno) -> Bool {
        for _ in 0..<20 {
            if try descriptor.tryLockExclusive() { return true }
            usleep(5_000)
        }
        return false
    }

    private static func takeWriterLock(directory: String) throws(LogError) -> FileDescriptor {
        do {
            try makeDirectory(directory)
        } catch {
            throw .io(operation: "creating directory", path: directory, errno: error)
        }
        let path = directory + "/writer.lock"
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .io(operation: "opening", path: path, errno: error as? Errno ?? .ioError)
        }
        do {
            guard try Self.lockExclusive(descriptor) else {
                let holder = lockHolder(descriptor)
                try? descriptor.close()
                throw LogError.locked(directory: directory, holderPID: holder)
            }
            // Written over the old number, then cut to length: the file is never empty for a
            // refused writer to read, and its first line is always this process's number.
            let pid = Array("\(currentProcessID)\n".utf8)
            try pid.withUnsafeBytes { try descriptor.writeAll($0, at: 0) }
            try descriptor.truncate(to: Int64(pid.count))
        } catch let error as LogError {
            throw error
        } catch {
            try? descriptor.close()
            throw .io(operation: "locking", path: path, errno: error as? Errno ?? .ioError)
        }
        return descriptor
    }

    /// The process number on the first line of the lock file; nil while a new file is still
    /// empty after a few short waits (its writer has locked it but not yet written).
    private static func lockHolder(_ descriptor: FileDescriptor) -> Int32? {
        for attempt in 0..<20 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = (try? buffer.withUnsafeMutableBytes { try descriptor.readFully(into: $0, at: 0) }) ?? 0
            if let line = buffer[..<count].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first, !line.isEmpty {
                return Int32(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces))
            }
            if attempt < 19 { usleep(1000) }
        }
        return nil
    }

    /// The position after the last readable event. A read-only log first picks up what its writer
    /// appended since it was opened (`refresh()`), so a catch-up that runs to the head follows it.
    public func head() async throws -> LogPosition {
        if options.readOnly, !options.verifying { try refresh() }
        return LogPosition(state.withLock { $0.visible })
    }

    public func version(of stream: StreamName) async throws -> StreamVersion? {
        state.withLock { state in
            let positions = state.index.streamPositions(stream, from: StreamVersion(UInt64.max), direction: .backwards, before: state.visible, limit: 1)
            return positions.first.flatMap { state.index.version(at: $0) }
        }
    }

    public func position(of id: UUID) async throws -> LogPosition? {
        state.withLock { state in
            state.index.ids[id].flatMap { $0 < state.visible ? LogPosition($0) : nil }
        }
    }

    /// Every stream name, in order of first appearance.
    public func streamNames() -> [StreamName] {
        state.withLock { state in
            state.index.streams.filter { state.index.streamPositions($0, from: 0, direction: .forwards, before: state.visible, limit: 1).count == 1 }
        }
    }
}

extension FileEventLog {
    /// Every category with at least one readable event, sorted.
    public func categories() -> [String] {
        state.withLock { state in
            state.index.categoryStarts.filter { $0.first < state.visible }.map(\.category).sorted()
        }
    }
}
