import EventSourcing
import Foundation
import SystemPackage

/// The index saved to `index.snapshot` so that opening a large log need not re-read every block
/// (Specs/log-format.md, "Index snapshot"). It covers a prefix of the log; recovery scans the rest.
/// A snapshot that is missing, damaged or disagrees with the segments is ignored and rebuilt.
enum IndexSnapshot {
    static let fileName = "index.snapshot"
    static let magic: [UInt8] = Array("PRLYIDX1".utf8)

    struct Loaded {
        var index: LogIndex
        /// The segment and offset where the snapshot's coverage ends.
        var segment: Int
        var offset: Int64
    }

    /// Encodes `index` (every block and event in it), which must be durable on disk already.
    static func encode(_ index: LogIndex, segments: [FileEventLog.Segment]) -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + index.blocks.count * 32 + Int(index.count) * 20)
        writer.write(magic)
        writer.write(UInt32(1))
        writer.write(UInt32(segments.count))
        writer.write(UInt64(index.blocks.count))
        writer.write(UInt64(index.streams.count))
        writer.write(index.count)
        for segment in segments { writer.write(segment.base) }
        for block in index.blocks {
            writer.write(UInt32(block.segment))
            writer.write(UInt32(block.length))
            writer.write(block.offset)
            writer.write(block.firstPosition)
            writer.write(block.count)
        }
        for stream in index.streams {
            let name = stream.description.utf8
            writer.write(UInt16(name.count))
            writer.write(name)
        }
        for position in 0..<Int(index.count) {
            RecordCodec.writeUUID(index.ids.ids[position], into: &writer)
            writer.write(index.streamOfPosition[position])
        }
        let checksum = writer.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        writer.write(checksum)
        return writer.bytes
    }

    /// What `load` found.
    enum Found {
        case absent
        case loaded(Loaded)
        /// Damaged, or not matching the segments: ignored, and removed by a writer.
        case rejected(reason: String)
    }

    /// The bytes of the snapshot file of `directory`, nil when there is none.
    static func contents(directory: String) -> Data? {
        FileManager.default.contents(atPath: directory + "/" + fileName)
    }

    /// Checks snapshot bytes read earlier (`contents`) against `segments`.
    static func load(_ contents: Data?, segments: [FileEventLog.Segment]) -> Found {
        guard let data = contents else { return .absent }
        guard data.count >= 44 else { return .rejected(reason: "\(data.count) bytes, shorter than a snapshot") }
        let bytes = [UInt8](data)
        return bytes.withUnsafeBytes { raw -> Found in
            let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 4)])
            guard raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self).littleEndian == CRC32C.checksum(body),
                Array(body[0..<8]) == magic
            else { return .rejected(reason: "no snapshot magic, or its checksum does not match") }
            guard let index = decode(body) else { return .rejected(reason: "its counts or entries are inconsistent") }
            return check(index, segments: segments)
        }
    }

    /// The index a checksum-valid snapshot body holds, or nil when its contents do not add up.
    ///
    /// Every count is checked against the bytes left before anything is reserved or looped over.
    private static func decode(_ body: UnsafeRawBufferPointer) -> (index: LogIndex, bases: [UInt64])? {
        var reader = ByteReader(body, offset: 8)
        guard reader.read(UInt32.self) == 1, let segmentCount = reader.read(UInt32.self),
            let blockCount = reader.read(UInt64.self), let streamCount = reader.read(UInt64.self),
            let eventCount = reader.read(UInt64.self),
            UInt64(segmentCount) <= UInt64(reader.remaining / 8), blockCount <= UInt64(reader.remaining / 28),
            streamCount <= UInt64(reader.remaining / 2), eventCount <= UInt64(reader.remaining / 20)
        else { return nil }
        var bases: [UInt64] = []
        for _ in 0..<segmentCount {
            guard let base = reader.read(UInt64.self) else { return nil }
            bases.append(base)
        }
        var index = LogIndex()
        for _ in 0..<blockCount {
            guard let segment = reader.read(UInt32.self), let length = reader.read(UInt32.self),
                let offset = reader.read(Int64.self), let first = reader.read(UInt64.self), let count = reader.read(UInt32.self),
                Int(segment) < bases.count, first == index.blocks.last.map({ $0.endPosition }) ?? 0,
                offset >= Int64(SegmentHeader.size), Int(length) >= BlockHeader.size,
                Int(length) <= BlockHeader.size + BlockHeader.maximumBodySize, count > 0, offset <= Int64.max - Int64(length)
            else { return nil }
            // A segment's first block starts at the segment's base position.
            if segment != index.blocks.last.map({ UInt32($0.segment) }), first != bases[Int(segment)] { return nil }
            index.addBlock(BlockLocation(segment: Int(segment), offset: offset, length: Int(length), firstPosition: first, count: count))
        }
        var streams: [StreamName] = []
        streams.reserveCapacity(Int(streamCount))
        for _ in 0..<streamCount {
            guard let length = reader.read(UInt16.self), let name = reader.readBytes(Int(length)),
                let text = String(validating: name, as: UTF8.self), let stream = StreamName(text)
            else { return nil }
            streams.append(stream)
        }
        var ids: [UUID] = [], numbers: [UInt32] = []
        ids.reserveCapacity(Int(eventCount))
        numbers.reserveCapacity(Int(eventCount))
        // The table is in order of first events: a position's number is one already used or the next.
        var used: UInt32 = 0
        for _ in 0..<eventCount {
            guard let id = RecordCodec.readUUID(&reader), let number = reader.read(UInt32.self), number <= used, Int(number) < streams.count
            else { return nil }
            if number == used { used += 1 }
            ids.append(id)
            numbers.append(number)
        }
        guard Int(used) == streams.count else { return nil }
        // Consecutive events of one stream (a batch) enter the index together.
        var start = 0
        while start < ids.count {
            var end = start + 1
            while end < ids.count && numbers[end] == numbers[start] { end += 1 }
            index.addEvents(count: end - start, stream: streams[Int(numbers[start])]) { [start] in ids[start + $0] }
            start = end
        }
        // A name listed twice would have merged into one stream.
        guard reader.remaining == 0, index.count == (index.blocks.last?.endPosition ?? 0), index.streams.count == streams.count else { return nil }
        return (index, bases)
    }

    /// Whether the decoded snapshot describes these segments: the same bases, and its last block
    /// still on disk, whole, holding the events the snapshot says (by id). A log cut back and grown
    /// again puts other events there.
    private static func check(_ decoded: (index: LogIndex, bases: [UInt64]), segments: [FileEventLog.Segment]) -> Found {
        let (index, bases) = decoded
        guard bases.count <= segments.count, zip(bases, segments).allSatisfy({ $0 == $1.base }) else {
            return .rejected(reason: "it names other segments than the log holds")
        }
        guard let last = index.blocks.last else { return .loaded(Loaded(index: index, segment: 0, offset: Int64(SegmentHeader.size))) }
        let segment = segments[last.segment]
        guard let size = try? segment.descriptor.size(), size >= last.offset + Int64(last.length) else {
            return .rejected(reason: "it covers blocks past the end of \(segment.path)")
        }
        var block = [UInt8](repeating: 0, count: last.length)
        guard let read = try? block.withUnsafeMutableBytes({ try segment.descriptor.readFully(into: $0, at: last.offset) }), read == last.length,
            let stored = try? block.withUnsafeBytes({ raw throws(BlockHeader.Problem) -> [UUID]? in
                let header = UnsafeRawBufferPointer(rebasing: raw[..<BlockHeader.size])
                let parsed = try BlockHeader.parse(header)
                guard parsed.firstPosition == last.firstPosition, parsed.recordCount == last.count, parsed.totalLength == last.length else {
                    return nil
                }
                let records = try parsed.verifiedRecords(header: header, body: UnsafeRawBufferPointer(rebasing: raw[BlockHeader.size...]))
                return try SegmentScanner.identities(of: records, count: parsed.recordCount).map(\.id)
            }),
            stored == Array(index.ids.ids[Int(last.firstPosition)..<Int(last.endPosition)])
        else { return .rejected(reason: "its last block, at byte \(last.offset) of \(segment.path), is not what the segment holds there") }
        return .loaded(Loaded(index: index, segment: last.segment, offset: last.offset + Int64(last.length)))
    }

    /// Deletes the snapshot of `directory`, if any. The writer's open syncs the folder after
    /// recovery (`startMarker`), so the removal is durable before anything is appended.
    static func remove(directory: String) throws(LogError) {
        let path = directory + "/" + fileName
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(operation: "removing", path: path, errno: Errno(rawValue: errno)) }
    }
}

extension FileEventLog {
    /// Saves the index of everything durable to `index.snapshot` (atomically: temp file, sync, rename).
    public func writeIndexSnapshot() throws(LogError) {
        guard !options.readOnly else { throw .readOnly }
        try snapshotting.withLock { _ throws(LogError) in try writeSnapshot() }
    }

    private func writeSnapshot() throws(LogError) {
        // Read under one lock: once every indexed event is synced, every block is framed and
        // written, so the block table covers the index. After a close there are no segments.
        let taken = try state.withLock { state throws(LogError) -> (LogIndex, [Segment])? in
            guard !state.segments.isEmpty else { throw .closed }
            // Only whole durable batches: the index may hold batches still waiting for their sync.
            return state.synced == state.index.count ? (state.index, state.segments) : nil
        }
        guard let (index, segments) = taken else { return }
        let bytes = IndexSnapshot.encode(index, segments: segments)
        let path = directory + "/" + IndexSnapshot.fileName
        let temporary = path + ".tmp"
        do {
            let descriptor = try FileDescriptor.open(
                FilePath(temporary), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
            defer { try? descriptor.close() }
            try bytes.withUnsafeBytes { try descriptor.writeAll($0, at: 0) }
            try descriptor.dataSync()
        } catch {
            throw .io(operation: "writing", path: temporary, errno: error as? Errno ?? .ioError)
        }
        guard rename(temporary, path) == 0 else { throw .io(operation: "renaming", path: temporary, errno: Errno(rawValue: errno)) }
        do { try Self.syncDirectory(directory) } catch { throw .io(operation: "syncing", path: directory, errno: error) }
    }
}
