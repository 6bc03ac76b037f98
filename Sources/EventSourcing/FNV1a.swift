/// 64-bit FNV-1a: a fast, stable hash of bytes, the same in every process and on every machine
/// (unlike `Hasher`, seeded per process). Not for adversaries: for stable choices and digests.
public enum FNV1a {
    public static func hash(_ text: String) -> UInt64 { hash(text.utf8) }

    public static func hash(_ bytes: some Sequence<UInt8>, startingWith start: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var hash = start
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
