import ArgumentParser
import EventLog
import EventSourcing
import Foundation

/// `parley log dump`: events as JSON lines, decompressed.
struct LogDump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print events as JSON lines, one per event, from $all or one stream."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only this stream (category-id).")
    var stream: String?

    @Option(parsing: .unconditional, help: "From this global position ($all) or stream version (--stream).")
    var from: UInt64 = 0

    @Option(parsing: .unconditional, help: "At most this many events.")
    var limit: Int = .max

    func validate() throws {
        _ = try stream.map(Arguments.stream)
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let log = try LogAccess.openForReading(options)
        var remaining = limit
        var next = from
        let streamName = try stream.map(Arguments.stream)
        if let streamName, try await log.version(of: streamName) == nil {
            throw CommandFailure("stream \(streamName) has no events")
        }
        while remaining > 0 {
            let page: [RecordedEvent]
            if let streamName {
                page = try await log.read(stream: streamName, from: StreamVersion(next), direction: .forwards, limit: min(remaining, 4096))
            } else {
                page = try await log.readAll(from: LogPosition(next), limit: min(remaining, 4096))
            }
            guard let last = page.last else { break }
            for event in page { print(EventJSON.line(event)) }
            remaining -= page.count
            let reached = streamName == nil ? last.position.rawValue : last.version.rawValue
            guard reached < .max else { break }
            next = reached + 1
        }
    }
}

/// One event as a JSON object with keys sorted: payload and custom metadata inline, as stored,
/// when they are JSON (re-encoded only when they span lines), else base64.
enum EventJSON {
    static func line(_ event: RecordedEvent) -> String {
        var fields: [(key: String, json: String)] = [
            ("position", "\(event.position.rawValue)"), ("stream", JSONValue.string(event.stream.description).encoded),
            ("version", "\(event.version.rawValue)"), ("id", JSONValue.string(event.id.uuidString.lowercased()).encoded),
            ("type", JSONValue.string(event.type).encoded), ("schema_version", "\(event.schemaVersion)"),
            ("recorded_at", JSONValue.string(event.recordedAt.description).encoded), ("actor", JSONValue.string(event.metadata.actor).encoded),
        ]
        if let correlation = event.metadata.correlationID { fields.append(("correlation_id", JSONValue.string(correlation.uuidString.lowercased()).encoded)) }
        if let causation = event.metadata.causationID { fields.append(("causation_id", JSONValue.string(causation.uuidString.lowercased()).encoded)) }
        fields.append(embedded(event.payload, as: "payload"))
        if !event.metadata.custom.isEmpty { fields.append(embedded(event.metadata.custom, as: "metadata")) }
        let members = fields.sorted { $0.key < $1.key }.map { "\(JSONValue.string($0.key).encoded):\($0.json)" }
        return "{" + members.joined(separator: ",") + "}"
    }

    private static func embedded(_ bytes: [UInt8], as key: String) -> (key: String, json: String) {
        guard let value = JSONValue(parsing: bytes) else { return (key + "_base64", JSONValue.string(Data(bytes).base64EncodedString()).encoded) }
        let oneLine = !bytes.contains(UInt8(ascii: "\n")) && !bytes.contains(UInt8(ascii: "\r"))
        return (key, oneLine ? String(decoding: bytes, as: UTF8.self) : value.encoded)
    }
}
