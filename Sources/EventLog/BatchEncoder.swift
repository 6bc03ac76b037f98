import EventSourcing
import Foundation

/// A batch checked against the format's limits, ready to encode.
///
/// Checking and encoding need no log state but the stream's version, so appenders do both
/// before they take the append lock.
struct CheckedBatch {
    let events: [ProposedEvent]
    let stream: StreamName
    /// Each record's encoded size.
    let sizes: [Int]
    private let streamBytes: [UInt8]

    /// Checks that the batch is not empty, holds no id twice, and that every record fits the format.
    init(_ events: [ProposedEvent], stream: StreamName) throws(LogError) {
        guard !events.isEmpty else { throw .invalidBatch(reason: "no events") }
        if events.count > 1 {
            var ids = Set<UUID>(minimumCapacity: events.count)
            for index in events.indices where !ids.insert(events[index].id).inserted {
                throw .invalidBatch(reason: "an event id appears twice in the batch")
            }
        }
        let streamBytes = Array(stream.description.utf8)
        var sizes: [Int] = []
        sizes.reserveCapacity(events.count)
        for index in events.indices {
            guard let size = RecordCodec.size(of: events[index], streamLength: streamBytes.count), size <= BlockHeader.maximumBodySize else {
                throw .invalidBatch(
                    reason: "event \(events[index].id) has a stream name, type or actor over 65535 bytes, or is over \(BlockHeader.maximumBodySize >> 20) MiB in all")
            }
            sizes.append(size)
        }
        self.events = events
        self.stream = stream
        self.sizes = sizes
        self.streamBytes = streamBytes
    }

    /// Frames the records, the first at stream version `firstVersion`, as blocks of at most
    /// `blockSize` raw bytes (a larger single record gets a block of its own).
    func encode(firstVersion: UInt64, blockSize: Int) -> EncodedBatch {
        var plan: [(first: Int, count: Int, raw: Int)] = []
        var first = 0, raw = 0
        for (index, size) in sizes.enumerated() {
            if index > first && raw + size > blockSize {
                plan.append((first, index - first, raw))
                first = index
                raw = 0
            }
            raw += size
        }
        plan.append((first, sizes.count - first, raw))
        let capacity = plan.reduce(0) { $0 + BlockEncoder.capacity(rawCount: $1.raw) }
        var blocks: [EncodedBatch.Block] = []
        blocks.reserveCapacity(plan.count)
        let bytes = withUnsafeTemporaryAllocation(byteCount: plan.map(\.raw).max()!, alignment: 8) { scratch in
            streamBytes.withUnsafeBytes { stream in
                [UInt8](unsafeUninitializedCapacity: capacity) { output, initialized in
                    let output = UnsafeMutableRawBufferPointer(output)
                    var offset = 0
                    for (number, block) in plan.enumerated() {
                        var recordOffset = 0
                        for index in block.first..<block.first + block.count {
                            RecordCodec.encode(
                                events[index], stream: stream, version: firstVersion + UInt64(index), size: sizes[index], into: scratch,
                                at: recordOffset)
                            recordOffset += sizes[index]
                        }
                        let length = BlockEncoder.frame(
                            records: UnsafeRawBufferPointer(rebasing: scratch[..<block.raw]), count: block.count,
                            continued: number < plan.count - 1, into: UnsafeMutableRawBufferPointer(rebasing: output[offset...]))
                        blocks.append(EncodedBatch.Block(offset: offset, length: length, firstIndex: block.first, count: block.count))
                        offset += length
                    }
                    initialized = offset
                }
            }
        }
        return EncodedBatch(bytes: bytes, blocks: blocks, firstVersion: firstVersion)
    }
}

/// A batch framed as blocks but not yet placed in the log: each block's first position and
/// checksum are written by `seal(firstPosition:)` once the position is known.
struct EncodedBatch {
    struct Block {
        var offset: Int
        var length: Int
        /// The index in the batch of the block's first record.
        var firstIndex: Int
        var count: Int
    }

    /// The blocks, back to back.
    var bytes: [UInt8]
    var blocks: [Block]
    /// The stream version of the batch's first event.
    let firstVersion: UInt64

    /// Writes each block's first position and checksum.
    mutating func seal(firstPosition: UInt64) {
        let blocks = self.blocks
        bytes.withUnsafeMutableBytes { all in
            for block in blocks {
                BlockEncoder.seal(
                    UnsafeMutableRawBufferPointer(rebasing: all[block.offset..<block.offset + block.length]),
                    firstPosition: firstPosition + UInt64(block.firstIndex))
            }
        }
    }
}
