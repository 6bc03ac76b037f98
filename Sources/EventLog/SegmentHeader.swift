/// The 32-byte header that starts every segment file (Specs/log-format.md, "Segments").
struct SegmentHeader: Equatable {
    static let size = 32
    static let magic: [UInt8] = Array("PRLYLOG1".utf8)
    static let formatVersion: UInt32 = 1

    /// The position of the segment's first event.
    var basePosition: UInt64

    var bytes: [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.write(Self.magic)
        writer.write(Self.formatVersion)
        writer.write(UInt32(Self.size))
        writer.write(basePosition)
        let checksum = writer.bytes.withUnsafeBytes { CRC32C.checksum($0) }
        writer.write(checksum)
        writer.write(UInt32(0))
        return writer.bytes
    }

    /// Why a segment header is not valid.
    enum Problem: Error, Equatable, CustomStringConvertible {
        case truncated(available: Int)
        case badMagic
        case unsupportedVersion(UInt32)
        case checksumMismatch

        var description: String {
            switch self {
            case .truncated(let available): "segment header truncated (\(available) of 32 bytes)"
            case .badMagic: "not a Parley log segment (bad magic)"
            case .unsupportedVersion(let version): "segment format version \(version) is not supported (this build reads 1)"
            case .checksumMismatch: "segment header CRC32C mismatch"
            }
        }
    }

    static func parse(_ bytes: UnsafeRawBufferPointer) throws(Problem) -> SegmentHeader {
        guard bytes.count >= size else { throw .truncated(available: bytes.count) }
        guard Array(bytes[0..<8]) == magic else { throw .badMagic }
        var reader = ByteReader(bytes, offset: 8)
        let version = reader.read(UInt32.self)!
        guard version == formatVersion else { throw .unsupportedVersion(version) }
        _ = reader.read(UInt32.self)
        let base = reader.read(UInt64.self)!
        let stored = reader.read(UInt32.self)!
        guard stored == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<24])) else { throw .checksumMismatch }
        return SegmentHeader(basePosition: base)
    }

    /// `00000000000000000000.seg`: the base position in 20 decimal digits, so names sort in order.
    static func fileName(basePosition: UInt64) -> String {
        let digits = String(basePosition)
        return String(repeating: "0", count: 20 - digits.count) + digits + ".seg"
    }

    /// The base position a segment file name states: 20 ASCII digits then `.seg` (no sign, no
    /// other digits); nil for other files.
    static func basePosition(fileName: String) -> UInt64? {
        let bytes = Array(fileName.utf8)
        guard bytes.count == 24, fileName.hasSuffix(".seg"), bytes[..<20].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return UInt64(fileName.prefix(20))
    }
}
