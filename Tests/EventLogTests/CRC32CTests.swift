import Testing
@testable import EventLog

@Suite struct CRC32CTests {
    @Test(arguments: [
        ("", UInt32(0)),
        ("a", 0xC1D0_4330),
        ("123456789", 0xE306_9283),
        ("The quick brown fox jumps over the lazy dog", 0x2262_0404),
    ])
    func knownVectors(text: String, expected: UInt32) {
        #expect(CRC32C.checksum(Array(text.utf8)) == expected)
    }

    @Test func thirtyTwoZeroBytesMatchRFC3720() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test func hardwareAndTableAgreeOnRandomData() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 7, 8, 9, 63, 64, 65, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let table = bytes.withUnsafeBytes { ~CRC32C.softwareUpdate(0xFFFF_FFFF, $0) }
            #expect(CRC32C.checksum(bytes) == table, "length \(length)")
        }
    }

    @Test func runningUpdateEqualsOneShot() {
        let bytes = Array("split anywhere, same checksum".utf8)
        let whole = CRC32C.checksum(bytes)
        for cut in bytes.indices {
            let running = bytes.withUnsafeBytes { all in
                ~CRC32C.update(CRC32C.update(0xFFFF_FFFF, UnsafeRawBufferPointer(rebasing: all[..<cut])), UnsafeRawBufferPointer(rebasing: all[cut...]))
            }
            #expect(running == whole)
        }
    }
}
