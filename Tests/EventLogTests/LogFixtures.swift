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
