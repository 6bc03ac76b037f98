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

    /// Reads the snapshot of `directory`; nil when absent, damaged or not matching `segments`.
    static func load(directory: String, segments: [FileEventLog.Segment]) -> Loaded? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + fileName), data.count >= 44 else { return nil }
        let bytes = [UInt8](data)
        return bytes.withUnsafeBytes { raw -> Loaded? in
            let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 4)])
            guard raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self).littleEndian == CRC32C.checksum(body),
                Array(body[0..<8]) == magic
            else { return nil }
            var reader = ByteReader(body, offset: 8)
            guard reader.read(UInt32.self) == 1, let segmentCount = reader.read(UInt32.self),
                let blockCount = reader.read(UInt64.self), let streamCount = reader.read(UInt64.self),
                let eventCount = reader.read(UInt64.self), Int(segmentCount) <= segments.count
            else { return nil }
            for number in 0..<Int(segmentCount) {
                guard reader.read(UInt64.self) == segments[number].base else { return nil }
            }
            var index = LogIndex()
            for _ in 0..<blockCount {
                guard let segment = reader.read(UInt32.self), let length = reader.read(UInt32.self),
                    let offset = reader.read(Int64.self), let first = reader.read(UInt64.self), let count = reader.read(UInt32.self),
                    Int(segment) < Int(segmentCount), first == index.blocks.last.map({ $0.endPosition }) ?? 0
                else { return nil }
                index.addBlock(BlockLocation(segment: Int(segment), offset: offset, length: Int(length), firstPosition: first, count: count))
            }
            var streams: [StreamName] = []
            streams.reserveCapacity(Int(streamCount))
            for _ in 0..<streamCount {
                guard let length = reader.read(UInt16.self), let name = reader.readBytes(Int(length)),
                    let stream = StreamName(String(decoding: name, as: UTF8.self))
                else { return nil }
                streams.append(stream)
            }
            var ids: [UUID] = [], numbers: [UInt32] = []
            ids.reserveCapacity(min(Int(eventCount), reader.remaining / 20))
            numbers.reserveCapacity(ids.capacity)
            for _ in 0..<eventCount {
                guard let id = RecordCodec.readUUID(&reader), let number = reader.read(UInt32.self), Int(number) < streams.count else { return nil }
                ids.append(id)
                numbers.append(number)
            }
            // Consecutive events of one stream (a batch) enter the index together.
            var start = 0
            while start < ids.count {
                var end = start + 1
                while end < ids.count && numbers[end] == numbers[start] { end += 1 }
                index.addEvents(count: end - start, stream: streams[Int(numbers[start])]) { [start] in ids[start + $0] }
                start = end
            }
            guard reader.remaining == 0, index.count == (index.blocks.last?.endPosition ?? 0) else { return nil }
            guard let last = index.blocks.last else {
                return Loaded(index: index, segment: 0, offset: Int64(SegmentHeader.size))
            }
            guard covers(last, segments: segments) else { return nil }
            return Loaded(index: index, segment: last.segment, offset: last.offset + Int64(last.length))
        }
    }

    /// Whether the snapshot's last block is still on disk, whole, with its header unchanged.
    private static func covers(_ block: BlockLocation, segments: [FileEventLog.Segment]) -> Bool {
        var header = [UInt8](repeating: 0, count: BlockHeader.size)
        guard let size = try? segments[block.segment].descriptor.size(), size >= block.offset + Int64(block.length),
            let read = try? header.withUnsafeMutableBytes({ try segments[block.segment].descriptor.readFully(into: $0, at: block.offset) }),
            read == BlockHeader.size,
            let parsed = try? header.withUnsafeBytes({ try BlockHeader.parse($0) })
        else { return false }
        return parsed.firstPosition == block.firstPosition && parsed.recordCount == block.count && parsed.totalLength == block.length
    }
}

extension FileEventLog {
    /// Saves the index of everything durable to `index.snapshot` (atomically: temp file, sync, rename).
    public func writeIndexSnapshot() throws(LogError) {
        guard !options.readOnly else { throw .readOnly }
        let (index, segments) = state.withLock { state in (state.index, state.segments) }
        // Only whole durable batches: the index may hold batches still waiting for their sync.
        let synced = state.withLock { $0.synced }
        guard synced == index.count else { return }
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
