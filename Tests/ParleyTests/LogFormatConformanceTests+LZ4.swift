import EventSourcing
import Foundation
import Logging
import Testing

@testable import EventLog

extension LogFormatConformanceTests {
    /// Payloads at the edges of what dump counts as JSON (Specs/log-format.md, "What `parley log
    /// dump` prints"), each in a block of its own, raw where it does not compress: the reader
    /// embeds or base64-encodes each as dump does.
    @Test func payloadsAtTheEdgesOfJSONReadAlike() async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        var random = SystemRandomNumberGenerator()
        let payloads: [[UInt8]] = [
            #"{"x":1e400}"#, #"["\ud800"]"#, #"{"\udc00":1}"#, #"["\ud83d\ude00"]"#, #"{"a":1,"a":2}"#, "[NaN]", "[-Infinity]",
            String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
            String(repeating: "[", count: 511) + String(repeating: "]", count: 511),  // 512 deep inside the dumped line: Foundation's limit
            "[1" + String(repeating: "0", count: 400) + "]", "[12345678901234567890]", "{\n \"spans\": [1,\n2]}", "\u{FEFF}{}", "",
        ].map { Array($0.utf8) } + [(0..<300).map { _ in UInt8.random(in: 0...255, using: &random) }]
        let writer = try FileEventLog(directory: log, logger: Logger(label: "test"))
        for (index, payload) in payloads.enumerated() {
            let event = ProposedEvent(
                id: UUID(), type: "test.edge", recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64(index)),
                metadata: EventMetadata(actor: "test"), payload: payload)
            _ = try await writer.append([event], to: StreamName(category: "json", id: "edges")!, expected: .any)
        }
        try writer.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: log + "/00000000000000000000.seg")))
        #expect(Self.blocks(of: bytes).contains { bytes[$0.offset + 8] & 1 == 0 }, "a raw block among them")
        try expectReaderMatchesDump(log, atLeast: payloads.count)
        let dumped = try lines(try ParleyBinary.run(["log", "dump", "--log", log]).standardOutput)
        #expect(dumped.map { $0["payload"] != nil } == [false, false, false, true, false, false, false, false, true, false, true, true, false, false, false])
    }

    /// LZ4 bodies that decode to the right records by the format's sequences alone, but break the
    /// end-of-block rules `LZ4_decompress_safe` enforces (Specs/log-format.md, "Blocks"): verify
    /// and the reader both call them corruption, at the same block.
    @Test(arguments: ["a match ending the output", "a match starting within 12 bytes of the end", "a match ending within the last 5 bytes"])
    func anLZ4BodyBreakingTheEndRulesIsCorruptionToBoth(rule: String) async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        // The payload is each record's last field, so its last bytes end the raw body.
        let payload = ["a match ending the output": "ABCDABCD", "a match starting within 12 bytes of the end": "WXYZWXYZ123456"][rule]
            ?? String(repeating: "WXYZ", count: 6)
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

        // One run of literals, a match 4 bytes back (the payload repeats), then the rest: the
        // last case's match starts 13 bytes before the end (allowed) and ends 2 before it.
        let (match, tail) = ["a match ending the output": (4, 0), "a match starting within 12 bytes of the end": (4, 6)][rule] ?? (11, 2)
        let literals = raw.count - match - tail
        var body: [UInt8] = [0xF0 | UInt8(match - 4)]
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
