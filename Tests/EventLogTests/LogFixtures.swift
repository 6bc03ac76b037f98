import EventLog
import EventSourcing
import Foundation
import Logging

/// A fresh log directory per test, removed afterwards.
struct TemporaryLog {
    let directory: String

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-log-\(UUID().uuidString)").path
    }

    func open(_ options: FileEventLog.Options = .init()) throws -> FileEventLog {
        try FileEventLog(directory: directory, options: options, logger: Logger(label: "test"))
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    var segments: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
            .map { directory + "/" + $0 }
    }
}

/// Realistic chat events: JSON payloads of a few hundred bytes.
enum Events {
    static func make(_ count: Int, seed: UInt64 = 1, text: String = "hello, how are you doing today? I wanted to ask about tomorrow") -> [ProposedEvent] {
        (0..<count).map { index in
            let payload = #"{"conversation_id":"c-\#(seed)","direction":"inbound","index":\#(index),"text":"\#(text) #\#(index)"}"#
            return ProposedEvent(
                id: UUID(), type: "migue.message.received", schemaVersion: 1,
                recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64(index)),
                metadata: EventMetadata(correlationID: index % 2 == 0 ? UUID() : nil, causationID: nil, actor: "whatsapp"),
                payload: Array(payload.utf8))
        }
    }
}

extension StreamName {
    static func test(_ category: String, _ id: String) -> StreamName { StreamName(category: category, id: id)! }
}

/// The blocks of a segment file as bytes: the segment header is 32 bytes, then blocks back to
/// back (magic `PBLK`), each 32 bytes of header and its body (length at header bytes 12..<16).
enum SegmentBlocks {
    /// Where each block starts, and where the blocks end (the zeroed tail or the end of the file).
    static func of(_ bytes: [UInt8]) -> (starts: [Int], end: Int) {
        var starts: [Int] = []
        var offset = 32
        while offset + 32 <= bytes.count, bytes[offset..<(offset + 4)] == [0x50, 0x42, 0x4C, 0x4B] {
            starts.append(offset)
            offset += 32 + bytes[(offset + 12)..<(offset + 16)].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        }
        return (starts, offset)
    }

    /// `of(_:)` for the segment file at `path`.
    static func of(file path: String) throws -> (starts: [Int], end: Int) {
        of([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
