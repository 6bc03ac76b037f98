/// The framing of one block: a 32-byte header, then the body of records, raw or LZ4-compressed
/// (Specs/log-format.md, "Blocks").
struct BlockHeader: Equatable {
    static let size = 32
    /// `PBLK` in file order.
    static let magic: UInt32 = 0x4B4C_4250
    static let compressed: UInt16 = 1 << 0
    /// More blocks of the same batch follow; a batch ends with a block without this flag.
    static let continued: UInt16 = 1 << 1
    /// Bodies larger than this are refused on read as implausible (the writer stays far below).
    static let maximumBodySize = 64 << 20

    var checksum: UInt32
    var flags: UInt16
    var bodyLength: UInt32
    var rawLength: UInt32
    var recordCount: UInt32
    var firstPosition: UInt64
    /// The stored sync horizon field (`SyncHorizon`).
    var horizonField: UInt16 = 0

    /// Positions below this were covered by a sync started before the block was framed.
    var horizon: UInt64 { SyncHorizon.horizon(firstPosition: firstPosition, field: horizonField) }
    var isCompressed: Bool { flags & Self.compressed != 0 }
    var endsBatch: Bool { flags & Self.continued == 0 }
    var totalLength: Int { Self.size + Int(bodyLength) }

    /// Why a block's header or body is not valid.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case truncatedHeader(available: Int)
        case badMagic(UInt32)
        case implausibleLengths(body: UInt32, raw: UInt32, records: UInt32)
        case truncatedBody(declared: Int, available: Int)
        case checksumMismatch(stored: UInt32, computed: UInt32)
        case decompression(LZ4Error)
        case record(index: Int, RecordCodec.Problem)
        case recordCount(declared: UInt32, found: Int)

        var description: String {
            switch self {
            case .truncatedHeader(let available): "block header truncated (\(available) of 32 bytes)"
            case .badMagic(let value): "no block magic (found 0x\(String(value, radix: 16)))"
            case .implausibleLengths(let body, let raw, let records):
                "implausible block lengths (body \(body), raw \(raw), records \(records))"
            case .truncatedBody(let declared, let available): "block body truncated (\(available) of \(declared) bytes)"
            case .checksumMismatch(let stored, let computed):
                "CRC32C mismatch (stored 0x\(String(stored, radix: 16)), computed 0x\(String(computed, radix: 16)))"
            case .decompression(let error): "\(error)"
            case .record(let index, let problem): "record \(index) of the block is malformed (\(problem))"
            case .recordCount(let declared, let found): "block declares \(declared) records, holds \(found)"
            }
        }
    }

    /// Parses a header; checks the magic and that the lengths are plausible, not the checksum.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Problem) -> BlockHeader {
        guard bytes.count >= size else { throw .truncatedHeader(available: bytes.count) }
        var reader = ByteReader(bytes)
        let magic = reader.read(UInt32.self)!
        guard magic == Self.magic else { throw .badMagic(magic) }
        let checksum = reader.read(UInt32.self)!
        let flags = reader.read(UInt16.self)!
        let horizonField = reader.read(UInt16.self)!
        let header = BlockHeader(
            checksum: checksum, flags: flags, bodyLength: reader.read()!, rawLength: reader.read()!,
            recordCount: reader.read()!, firstPosition: reader.read()!, horizonField: horizonField
        )
        let plausible = header.recordCount > 0 && Int(header.bodyLength) <= maximumBodySize
            && Int(header.rawLength) <= maximumBodySize && header.rawLength >= UInt32(RecordCodec.fixedHeaderSize)
            && (header.isCompressed || header.rawLength == header.bodyLength)
            && header.flags & ~(compressed | continued) == 0
        guard plausible else {
            throw .implausibleLengths(body: header.bodyLength, raw: header.rawLength, records: header.recordCount)
        }
        return header
    }

    /// The checksum of a block: CRC32C over header bytes 8..<32, then the body.
    static func checksum(header: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) -> UInt32 {
        ~CRC32C.update(CRC32C.update(0xFFFF_FFFF, UnsafeRawBufferPointer(rebasing: header[8..<size])), body)
    }

    /// Checks the checksum and returns the raw record bytes, decompressing when flagged.
    func verifiedRecords(header: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer) throws(Problem) -> [UInt8] {
        var scratch: [UInt8] = []
        return try withVerifiedRecords(header: header, body: body, scratch: &scratch) { Array($0) }
    }

    /// Checks the checksum and lends the raw record bytes to `use`: the stored body itself, or
    /// its decompression into `scratch`, which grows as needed and can serve the next block.
    func withVerifiedRecords<Result>(
        header: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer, scratch: inout [UInt8],
        _ use: (UnsafeRawBufferPointer) -> Result
    ) throws(Problem) -> Result {
        guard body.count >= Int(bodyLength) else { throw .truncatedBody(declared: Int(bodyLength), available: body.count) }
        let body = UnsafeRawBufferPointer(rebasing: body[..<Int(bodyLength)])
        let computed = Self.checksum(header: header, body: body)
        guard computed == checksum else { throw .checksumMismatch(stored: checksum, computed: computed) }
        guard isCompressed else { return use(body) }
        if scratch.count < Int(rawLength) { scratch = [UInt8](repeating: 0, count: Int(rawLength)) }
        let raw = Int(rawLength)
        let outcome = scratch.withUnsafeMutableBytes { scratch -> Swift.Result<Result, LZ4Error> in
            let records = UnsafeMutableRawBufferPointer(rebasing: scratch[..<raw])
            do throws(LZ4Error) {
                try LZ4.decompress(body, into: records)
            } catch {
                return .failure(error)
            }
            return .success(use(UnsafeRawBufferPointer(records)))
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error): throw .decompression(error)
        }
    }
}

/// Frames raw record bytes as blocks, compressing each when that makes it smaller.
enum BlockEncoder {
    /// liblz4's acceleration for log blocks (1 is its default and compresses best).
    static let acceleration: Int32 = 1

    /// The most bytes `frame` writes for `rawCount` bytes of records.
    static func capacity(rawCount: Int) -> Int { BlockHeader.size + rawCount }

    /// Writes one block holding `records` (`count` records) at the start of `output`, which has
    /// at least `capacity(rawCount:)` bytes; its first position and checksum stay 0 until `seal`.
    /// Returns the block's length.
    static func frame(
        records: UnsafeRawBufferPointer, count: Int, continued: Bool, into output: UnsafeMutableRawBufferPointer,
        acceleration: Int32 = acceleration
    ) -> Int {
        precondition(records.count > 0 && output.count >= capacity(rawCount: records.count))
        let body = UnsafeMutableRawBufferPointer(rebasing: output[BlockHeader.size..<BlockHeader.size + records.count])
        var flags: UInt16 = continued ? BlockHeader.continued : 0
        let bodyLength: Int
        // Compression must save at least 1/16 of the block to be worth a decompression on read.
        let limit = UnsafeMutableRawBufferPointer(rebasing: body[..<(records.count - records.count / 16)])
        if let compressed = LZ4.compress(records, into: limit, acceleration: acceleration) {
            flags |= BlockHeader.compressed
            bodyLength = compressed
        } else {
            body.copyMemory(from: records)
            bodyLength = records.count
        }
        var header = RawWriter(buffer: UnsafeMutableRawBufferPointer(rebasing: output[..<BlockHeader.size]))
        header.write(BlockHeader.magic)
        header.write(UInt32(0))
        header.write(flags)
        header.write(UInt16(0))
        header.write(UInt32(bodyLength))
        header.write(UInt32(records.count))
        header.write(UInt32(count))
        header.write(UInt64(0))
        return BlockHeader.size + bodyLength
    }

    /// Writes a framed block's first position and sync horizon, then its checksum.
    static func seal(_ block: UnsafeMutableRawBufferPointer, firstPosition: UInt64, horizon: UInt64) {
        precondition(block.count >= BlockHeader.size)
        let field = SyncHorizon.field(firstPosition: firstPosition, horizon: horizon)
        block.storeBytes(of: field.littleEndian, toByteOffset: SyncHorizon.offset, as: UInt16.self)
        block.storeBytes(of: firstPosition.littleEndian, toByteOffset: 24, as: UInt64.self)
        let checksum = BlockHeader.checksum(
            header: UnsafeRawBufferPointer(rebasing: block[..<BlockHeader.size]),
            body: UnsafeRawBufferPointer(rebasing: block[BlockHeader.size...]))
        block.storeBytes(of: checksum.littleEndian, toByteOffset: 4, as: UInt32.self)
    }

    /// Appends one framed, sealed block holding `records` (`count` records from `firstPosition`,
    /// framed with the sync horizon `horizon`) to `output`.
    static func append(
        records: UnsafeRawBufferPointer, count: Int, firstPosition: UInt64, horizon: UInt64, continued: Bool, to output: inout [UInt8],
        acceleration: Int32 = acceleration
    ) {
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: capacity(rawCount: records.count)))
        let length = output.withUnsafeMutableBytes { all in
            let block = UnsafeMutableRawBufferPointer(rebasing: all[start...])
            let length = frame(records: records, count: count, continued: continued, into: block, acceleration: acceleration)
            seal(UnsafeMutableRawBufferPointer(rebasing: block[..<length]), firstPosition: firstPosition, horizon: horizon)
            return length
        }
        output.removeLast(output.count - start - length)
    }
}
