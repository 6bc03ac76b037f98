/// Where UTF-8 text goes wrong, for errors that name the byte.
public enum UTF8Check {
    /// The offset (from 0) of the first byte of `bytes` that does not continue valid UTF-8, or of
    /// the end when the text stops inside a sequence; the count when every byte is valid.
    public static func firstInvalidOffset(in bytes: some Sequence<UInt8>) -> Int {
        var decoder = Unicode.UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) {
            offset += UTF8.width(scalar)
        }
        return offset
    }
}
