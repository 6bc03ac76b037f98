import Dispatch
import EventSourcing
import Foundation

/// A batch checked against the format's limits, ready to encode.
///
/// Checking and encoding need no log state but the stream's version, so appenders do both
/// before they take the append lock.
struct CheckedBatch: Sendable {
    let events: [ProposedEvent]
    let stream: StreamName
    /// Each record's encoded size.
    let sizes: [Int]
    private let streamBytes: [UInt8]

    /// Checks that the batch is not empty and that every record fits the format; repeated ids are
    /// found when the log claims them (`LogIndex.claimIds`) or by `checkDistinctIds`.
    init(_ events: [ProposedEvent], stream: StreamName) throws(LogError) {
        guard !events.isEmpty else { throw .invalidBatch(reason: "no events") }
        var streamBytes: [UInt8] = []
        streamBytes.reserveCapacity(stream.category.utf8.count + 1 + stream.id.utf8.count)
        streamBytes += stream.category.utf8
        streamBytes.append(UInt8(ascii: "-"))
        streamBytes += stream.id.utf8
        var sizes: [Int] = []
        sizes.reserveCapacity(events.count)
        for index in events.indices {
            guard let size = RecordCodec.size(of: events[index], streamLength: streamBytes.count) else {
                throw .invalidBatch(reason: EventLimits.refusal(of: events[index].id))
            }
            sizes.append(size)
        }
        self.events = events
        self.stream = stream
        self.sizes = sizes
        self.rawSize = sizes.reduce(0, +)
        self.streamBytes = streamBytes
    }

    /// Throws when an id appears twice in the batch.
    func checkDistinctIds() throws(LogError) {
        var ids = Set<UUID>(minimumCapacity: events.count)
        for index in events.indices where !ids.insert(events[index].id).inserted {
            throw .invalidBatch(reason: Self.repeatedId)
        }
    }

    static let repeatedId = "an event id appears twice in the batch"

    /// The records' bytes before framing.
    let rawSize: Int

    /// Appends the records to `records`, back to back and unframed, the first at stream version
    /// `firstVersion`: a batch joining the log's open block (`FileEventLog.OpenBlock`).
    func encodeRecords(firstVersion: UInt64, appendingTo records: inout [UInt8]) {
        let start = records.count
        records.append(contentsOf: repeatElement(0, count: rawSize))
        records.withUnsafeMutableBytes { output in
            streamBytes.withUnsafeBytes { stream in
                var offset = start
                for index in events.indices {
                    RecordCodec.encode(
                        events[index], stream: stream, version: firstVersion + UInt64(index), size: sizes[index], into: output, at: offset)
                    offset += sizes[index]
                }
            }
        }
    }

    /// Frames the records, the first at stream version `firstVersion`, as blocks of at most
    /// `blockSize` raw bytes (a larger single record gets a block of its own).
    ///
    /// Each block is encoded and compressed into its own region of the output, the blocks of a
    /// large batch in parallel; the regions are then closed up.
    func encode(firstVersion: UInt64, blockSize: Int) -> EncodedBatch {
        let plan = plan(blockSize: blockSize)
        var starts: [Int] = []
        var capacity = 0
        for block in plan {
            starts.append(capacity)
            capacity += BlockEncoder.capacity(rawCount: block.raw)
        }
        var lengths = [Int](repeating: 0, count: plan.count)
        let bytes = streamBytes.withUnsafeBytes { stream in
            [UInt8](unsafeUninitializedCapacity: capacity) { output, initialized in
                let output = UnsafeMutableRawBufferPointer(output)
                lengths.withUnsafeMutableBufferPointer { lengths in
                    let shared = Regions(output: output, lengths: lengths, stream: stream)
                    let frame = { @Sendable [starts] (number: Int) in
                        let block = plan[number]
                        let region = starts[number]..<starts[number] + BlockEncoder.capacity(rawCount: block.raw)
                        shared.lengths[number] = encodeBlock(
                            block, stream: shared.stream, firstVersion: firstVersion, continued: number < plan.count - 1,
                            into: UnsafeMutableRawBufferPointer(rebasing: shared.output[region]))
                    }
                    if plan.count > 1 && capacity >= Self.parallelFrom {
                        DispatchQueue.concurrentPerform(iterations: plan.count, execute: frame)
                    } else {
                        plan.indices.forEach(frame)
                    }
                }
                var offset = 0
                for number in plan.indices {
                    if offset != starts[number] { memmove(output.baseAddress! + offset, output.baseAddress! + starts[number], lengths[number]) }
                    offset += lengths[number]
                }
                initialized = offset
            }
        }
        var blocks: [EncodedBatch.Block] = []
        blocks.reserveCapacity(plan.count)
        var offset = 0
        for (number, block) in plan.enumerated() {
            blocks.append(EncodedBatch.Block(offset: offset, length: lengths[number], firstIndex: block.first, count: block.count))
            offset += lengths[number]
        }
        return EncodedBatch(bytes: bytes, blocks: blocks, firstVersion: firstVersion)
    }

    /// The buffers `encode` lends to its parallel iterations: each iteration writes only its own
    /// block's region and length, and all of them end before the buffers' closures return.
    private struct Regions: @unchecked Sendable {
        let output: UnsafeMutableRawBufferPointer
        let lengths: UnsafeMutableBufferPointer<Int>
        let stream: UnsafeRawBufferPointer
    }

    /// Batches with at least this many bytes of records compress their blocks in parallel.
    static let parallelFrom = 256 << 10

    /// The batch's blocks: first record, record count and raw bytes of each.
    private func plan(blockSize: Int) -> [(first: Int, count: Int, raw: Int)] {
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
        return plan
    }

    /// Encodes one block's records and frames them into `output`; returns the block's length.
    private func encodeBlock(
        _ block: (first: Int, count: Int, raw: Int), stream: UnsafeRawBufferPointer, firstVersion: UInt64, continued: Bool,
        into output: UnsafeMutableRawBufferPointer
    ) -> Int {
        withUnsafeTemporaryAllocation(byteCount: block.raw, alignment: 8) { records in
            var offset = 0
            for index in block.first..<block.first + block.count {
                RecordCodec.encode(
                    events[index], stream: stream, version: firstVersion + UInt64(index), size: sizes[index], into: records, at: offset)
                offset += sizes[index]
            }
            return BlockEncoder.frame(records: UnsafeRawBufferPointer(records), count: block.count, continued: continued, into: output)
        }
    }
}

/// A batch framed as blocks but not yet placed in the log: each block's first position and
/// checksum are written by `seal(firstPosition:horizon:)` once the position is known.
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

    /// Writes each block's first position, its sync horizon and its checksum.
    mutating func seal(firstPosition: UInt64, horizon: UInt64) {
        let blocks = self.blocks
        bytes.withUnsafeMutableBytes { all in
            for block in blocks {
                BlockEncoder.seal(
                    UnsafeMutableRawBufferPointer(rebasing: all[block.offset..<block.offset + block.length]),
                    firstPosition: firstPosition + UInt64(block.firstIndex), horizon: horizon)
            }
        }
    }
}
