import ArgumentParser
import EventLog
import EventSourcing
import Foundation

/// `parley history STREAM`: every event of one stream.
struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every event of one stream: version, position, time, type, actor and payload."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The stream, category-id, e.g. migue.reminder-7f3e...")
    var stream: String

    @Option(parsing: .unconditional, help: "From this stream version.")
    var from: UInt64 = 0

    func validate() throws { _ = try Arguments.stream(stream) }

    func run() async throws {
        let name = try Arguments.stream(stream)
        let log = try LogAccess.openForReading(options)
        let events = try await log.read(stream: name, from: StreamVersion(from), direction: .forwards, limit: .max)
        if events.isEmpty {
            throw CommandFailure("stream \(name) has no events\(from > 0 ? " from version \(from)" : "")")
        }
        for event in events {
            if options.json {
                print(EventJSON.line(event))
            } else {
                let payload = String(decoding: event.payload, as: UTF8.self)
                print("v\(event.version)  position \(event.position)  \(event.recordedAt)  \(PlainText.shown(event.type)) v\(event.schemaVersion)  "
                    + "by \(PlainText.shown(event.metadata.actor))")
                print("    \(PlainText.shown(payload))")
            }
        }
    }
}
