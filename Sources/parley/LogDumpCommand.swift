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

    @Option(help: "From this global position ($all) or stream version (--stream).")
    var from: UInt64 = 0

    @Option(help: "At most this many events.")
    var limit: Int = .max

    func run() async throws {
        let directory = options.logPath
        guard FileManager.default.fileExists(atPath: directory) else {
            throw ValidationError("no event log at \(directory) (give --log DIR or set PARLEY_LOG)")
        }
        let log = try FileEventLog(directory: directory, options: .init(readOnly: true), logger: options.logger)
        var remaining = limit
        var next = from
        let streamName: StreamName?
        if let stream {
            guard let name = StreamName(stream) else { throw ValidationError("--stream \(stream): expected category-id, e.g. reminder-42") }
            streamName = name
        } else {
            streamName = nil
        }
        while remaining > 0 {
            let page: [RecordedEvent]
            if let streamName {
                page = try await log.read(stream: streamName, from: StreamVersion(next), direction: .forwards, limit: min(remaining, 4096))
                next = (page.last?.version.rawValue ?? next) + 1
            } else {
                page = try await log.readAll(from: LogPosition(next), limit: min(remaining, 4096))
                next = (page.last?.position.rawValue ?? next) + 1
            }
            if page.isEmpty { break }
            for event in page { print(EventJSON.line(event)) }
            remaining -= page.count
        }
    }
}

/// One event as a JSON object: payload and custom metadata inline when they are JSON, else base64.
enum EventJSON {
    static func line(_ event: RecordedEvent) -> String {
        var object: [String: Any] = [
            "position": event.position.rawValue, "stream": event.stream.description, "version": event.version.rawValue,
            "id": event.id.uuidString.lowercased(), "type": event.type, "schema_version": Int(event.schemaVersion),
            "recorded_at": event.recordedAt.description, "actor": event.metadata.actor,
        ]
        if let correlation = event.metadata.correlationID { object["correlation_id"] = correlation.uuidString.lowercased() }
        if let causation = event.metadata.causationID { object["causation_id"] = causation.uuidString.lowercased() }
        embed(event.payload, as: "payload", in: &object)
        if !event.metadata.custom.isEmpty { embed(event.metadata.custom, as: "metadata", in: &object) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func embed(_ bytes: [UInt8], as key: String, in object: inout [String: Any]) {
        if let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) {
            object[key] = value
        } else {
            object[key + "_base64"] = Data(bytes).base64EncodedString()
        }
    }
}
