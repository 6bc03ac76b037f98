/// Where UTF-8 text goes wrong, for errors that name the byte.
public enum UTF8Check {
    /// The offset (from 0) where valid UTF-8 stops: the first byte of the first sequence that is
    /// not valid (a sequence cut short by the end included: `é` then `E2 82` gives 2, the `E2`);
    /// the count when every byte is valid.
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
