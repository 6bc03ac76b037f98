import CLZ4

/// LZ4 block compression through liblz4, bounds-checked in both directions.
///
/// Every liblz4 call Parley makes is in this file. Compression is given the exact capacity of its
/// output buffer; decompression uses `LZ4_decompress_safe` with the size the caller recorded, so
/// a corrupt or hostile block is an error, never an out-of-bounds write.
public enum LZ4 {
    /// The version string of the liblz4 this binary links, e.g. `1.9.4`.
    public static var version: String { String(cString: LZ4_versionString()) }

    /// The largest input liblz4 accepts in one block.
    public static let maximumInputSize = Int(LZ4_MAX_INPUT_SIZE)

    /// The worst-case compressed size of `count` bytes.
    static func bound(_ count: Int) -> Int {
        Int(LZ4_compressBound(Int32(clamping: count)))
    }

    /// Compresses `source` and appends the result to `output`; a higher `acceleration` is faster
    /// and compresses less (1 is liblz4's default).
    ///
    /// Returns the number of bytes appended, or nil (appending nothing) when the compressed form
    /// would be larger than `maximumSize` (by default, one byte less than the input), in which
    /// case the caller stores the input raw.
    public static func compress(
        _ source: UnsafeRawBufferPointer, appendingTo output: inout [UInt8], maximumSize: Int? = nil, acceleration: Int32 = 1
    ) -> Int? {
        guard source.count > 0, source.count <= maximumInputSize else { return nil }
        let capacity = min(maximumSize ?? source.count - 1, source.count - 1)
        guard capacity > 0 else { return nil }
        let start = output.count
        var written: Int32 = 0
        output.append(contentsOf: repeatElement(0, count: capacity))
        output.withUnsafeMutableBytes { destination in
            written = LZ4_compress_fast(
                source.baseAddress!.assumingMemoryBound(to: CChar.self),
                destination.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self),
                Int32(source.count),
                Int32(capacity),
                acceleration
            )
        }
        guard written > 0 else {
            output.removeLast(capacity)
            return nil
        }
        output.removeLast(capacity - Int(written))
        return Int(written)
    }

    /// Compresses `source` into `destination`, whose size is the most the caller accepts.
    ///
    /// Returns the compressed length, or nil (leaving `destination` unspecified) when the result
    /// would not fit, in which case the caller stores the input raw.
    static func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer, acceleration: Int32 = 1) -> Int? {
        guard let input = source.baseAddress, let output = destination.baseAddress, source.count <= maximumInputSize,
            destination.count > 0
        else { return nil }
        let written = LZ4_compress_fast(
            input.assumingMemoryBound(to: CChar.self), output.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(clamping: destination.count), acceleration)
        return written > 0 ? Int(written) : nil
    }

    /// Decompresses `source` into `destination`, which it must fill exactly.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws(LZ4Error) {
        guard destination.count <= maximumInputSize, source.count <= Int(Int32.max) else {
            throw LZ4Error(compressedSize: source.count, expectedSize: destination.count, produced: -1)
        }
        guard let input = source.baseAddress, let output = destination.baseAddress else {
            guard source.isEmpty, destination.isEmpty else {
                throw LZ4Error(compressedSize: source.count, expectedSize: destination.count, produced: -1)
            }
            return
        }
        let produced = LZ4_decompress_safe(
            input.assumingMemoryBound(to: CChar.self), output.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        guard produced == Int32(destination.count) else {
            throw LZ4Error(compressedSize: source.count, expectedSize: destination.count, produced: Int(produced))
        }
    }

    /// Decompresses `source`, which must expand to exactly `originalSize` bytes.
    public static func decompress(_ source: UnsafeRawBufferPointer, originalSize: Int) throws(LZ4Error) -> [UInt8] {
        guard originalSize >= 0, originalSize <= maximumInputSize, source.count <= Int(Int32.max) else {
            throw LZ4Error(compressedSize: source.count, expectedSize: originalSize, produced: -1)
        }
        if originalSize == 0 {
            guard source.isEmpty else {
                throw LZ4Error(compressedSize: source.count, expectedSize: 0, produced: -1)
            }
            return []
        }
        var produced: Int32 = -1
        let bytes = [UInt8](unsafeUninitializedCapacity: originalSize) { destination, initialized in
            if let input = source.baseAddress {
                produced = LZ4_decompress_safe(
                    input.assumingMemoryBound(to: CChar.self),
                    UnsafeMutableRawPointer(destination.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(source.count),
                    Int32(originalSize)
                )
            }
            initialized = produced == Int32(originalSize) ? originalSize : 0
        }
        guard produced == Int32(originalSize) else {
            throw LZ4Error(compressedSize: source.count, expectedSize: originalSize, produced: Int(produced))
        }
        return bytes
    }
}

/// A block that did not decompress to the size recorded for it.
public struct LZ4Error: Error, Equatable, CustomStringConvertible {
    /// Bytes of compressed input.
    public var compressedSize: Int
    /// Bytes the block should have produced.
    public var expectedSize: Int
    /// What liblz4 returned: bytes produced, or a negative value for malformed input.
    public var produced: Int

    public var description: String {
        if produced < 0 {
            return "LZ4 block of \(compressedSize) bytes is malformed (expected \(expectedSize) bytes out)"
        }
        return "LZ4 block of \(compressedSize) bytes produced \(produced) bytes, expected \(expectedSize)"
    }
}
