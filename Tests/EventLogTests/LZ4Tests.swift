import Testing
@testable import EventLog

@Suite struct LZ4Tests {
    static let chat = Array(String(repeating: #"{"type":"message.received","text":"hello there, how are you today?"}"#, count: 40).utf8)

    @Test func compressibleInputRoundTrips() throws {
        var compressed: [UInt8] = [0xAA]
        let size = try #require(Self.chat.withUnsafeBytes { LZ4.compress($0, appendingTo: &compressed) })
        #expect(compressed.count == size + 1)
        #expect(compressed[0] == 0xAA)
        #expect(size < Self.chat.count / 4)
        let restored = try compressed.dropFirst().withUnsafeBytes { try LZ4.decompress($0, originalSize: Self.chat.count) }
        #expect(restored == Self.chat)
    }

    @Test func incompressibleInputIsLeftRawAndOutputUntouched() {
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var output: [UInt8] = [1, 2, 3]
        #expect(noise.withUnsafeBytes { LZ4.compress($0, appendingTo: &output) } == nil)
        #expect(output == [1, 2, 3])
    }

    @Test func corruptBlockIsRejectedNotTrusted() throws {
        var compressed: [UInt8] = []
        _ = Self.chat.withUnsafeBytes { LZ4.compress($0, appendingTo: &compressed) }
        // Truncated input.
        #expect(throws: LZ4Error.self) {
            try compressed.prefix(compressed.count / 2).withUnsafeBytes { try LZ4.decompress($0, originalSize: Self.chat.count) }
        }
        // A wrong recorded size, too small and too large.
        #expect(throws: LZ4Error.self) {
            try compressed.withUnsafeBytes { try LZ4.decompress($0, originalSize: Self.chat.count - 1) }
        }
        #expect(throws: LZ4Error.self) {
            try compressed.withUnsafeBytes { try LZ4.decompress($0, originalSize: Self.chat.count + 1) }
        }
        // Garbage that claims to be a block.
        let garbage: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01]
        let error = try #require(throws: LZ4Error.self) {
            try garbage.withUnsafeBytes { try LZ4.decompress($0, originalSize: 100) }
        }
        #expect(error.compressedSize == 7)
        #expect(error.expectedSize == 100)
    }

    @Test func everySingleByteFlipEitherFailsOrKeepsTheSize() throws {
        var compressed: [UInt8] = []
        _ = Self.chat.withUnsafeBytes { LZ4.compress($0, appendingTo: &compressed) }
        for index in compressed.indices {
            var damaged = compressed
            damaged[index] ^= 0x5A
            if let bytes = try? damaged.withUnsafeBytes({ try LZ4.decompress($0, originalSize: Self.chat.count) }) {
                #expect(bytes.count == Self.chat.count)
            }
        }
    }

    @Test func versionIsTheLinkedLibrary() {
        #expect(LZ4.version.split(separator: ".").count == 3)
    }
}
