import EventSourcing
import Foundation
import Logging
import Testing

@testable import EventLog

extension LogFormatConformanceTests {
    /// LZ4 bodies that decode to the right records by the format's sequences alone, but break the
    /// end-of-block rules `LZ4_decompress_safe` enforces (Specs/log-format.md, "Blocks"): verify
    /// and the reader both call them corruption, at the same block.
    @Test(arguments: ["a match ending the output", "a match starting within 12 bytes of the end"])
    func anLZ4BodyBreakingTheEndRulesIsCorruptionToBoth(rule: String) async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        // The payload is each record's last field, so its last bytes end the raw body.
        let payload = rule == "a match ending the output" ? "ABCDABCD" : "WXYZWXYZ123456"
        let writer = try FileEventLog(directory: log, logger: Logger(label: "test"))
        for index in 0..<2 {
            let event = ProposedEvent(
                id: UUID(), type: "test.said", recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64(index)),
                metadata: EventMetadata(actor: "test"), payload: Array(payload.utf8))
            _ = try await writer.append([event], to: StreamName(category: "lz4", id: "end")!, expected: .any)
        }
        try writer.close()
        try FileManager.default.removeItem(atPath: log + "/" + IndexSnapshot.fileName)
        let segment = log + "/00000000000000000000.seg"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: segment)))
        let blocks = Self.blocks(of: bytes)
        #expect(blocks.count == 2, "one block per event")
        let stored = bytes[64..<blocks[1].offset]
        let rawLength = Int(bytes[48]) | Int(bytes[49]) << 8
        let raw = bytes[40] & 1 == 0 ? Array(stored) : try stored.withUnsafeBytes { try LZ4.decompress($0, originalSize: rawLength) }
        #expect(raw.count == rawLength && raw.suffix(4).elementsEqual(payload.utf8.suffix(4)))

        // One run of literals, a 4-byte match 4 bytes back (the payload repeats), then the rest.
        let tail = rule == "a match ending the output" ? 0 : 6
        let literals = raw.count - 4 - tail
        var body: [UInt8] = [0xF0]
        var more = literals - 15
        while more >= 255 { body.append(255); more -= 255 }
        body.append(UInt8(more))
        body += raw[..<literals] + [4, 0]
        body += [UInt8(tail << 4)] + raw.suffix(tail)
        var header = Array(bytes[32..<64])
        header[8] |= 1
        header.replaceSubrange(12..<16, with: withUnsafeBytes(of: UInt32(body.count).littleEndian, Array.init))
        let checksum = header.withUnsafeBytes { header in body.withUnsafeBytes { BlockHeader.checksum(header: header, body: $0) } }
        header.replaceSubrange(4..<8, with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        try Data(bytes[..<32] + header + body + bytes[blocks[1].offset...]).write(to: URL(fileURLWithPath: segment))

        let reason = try expectCorruptionNamedAlike(log, segment: "00000000000000000000.seg", offset: 32, position: 0)
        #expect(reason.contains("LZ4"), "\(reason)")
    }
}
