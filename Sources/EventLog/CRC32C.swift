import CLZ4

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every log block.
///
/// Uses the CPU's `crc32` instruction when there is one (SSE4.2, through the CLZ4 shim) and a
/// table otherwise; both give the same value, which the tests check on random data.
public enum CRC32C {
    /// The checksum of `bytes`, e.g. `0xE3069283` for the ASCII digits `123456789`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        ~update(0xFFFF_FFFF, bytes)
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some Collection<UInt8>) -> UInt32 {
        if let value = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) {
            return value
        }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// Continues a running checksum in its internal (inverted) form.
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        if hardware {
            return parley_crc32c_hardware(crc, base, bytes.count)
        }
        return softwareUpdate(crc, bytes)
    }

    static let hardware = parley_crc32c_hardware_available() != 0

    /// The table-driven implementation, for CPUs without the instruction and for tests.
    static func softwareUpdate(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = crc
        for byte in bytes {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1
        }
        return value
    }
}
