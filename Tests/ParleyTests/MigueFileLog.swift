import EventLog
import EventSourcing
import Foundation
import Logging
import Migue

/// A file log in a temporary folder, written through migue's service as `parley submit` would:
/// the stories the report commands' tests read back.
struct MigueFileLog {
    let directory: String
    let log: FileEventLog
    let service: MigueService
    /// Names the command ids: `<prefix>-1`, `<prefix>-2`, ... in migue's namespace.
    let prefix: String
    /// The ids of the commands submitted, in order.
    private(set) var commands: [String] = []

    init(prefix: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-\(prefix)-\(UUID())").path
        log = try FileEventLog(directory: directory, logger: Logger(label: "test"))
        service = MigueService(store: log)
        self.prefix = prefix
    }

    /// Submits one command at `second` seconds after 2026-11-22T10:00:00Z; throws unless it is accepted.
    mutating func submit(_ type: String, _ data: String, second: Int, actor: String = "test") async throws {
        let id = UUID(namespace: Migue.namespace, name: "\(prefix)-\(commands.count + 1)").lowercasedText
        commands.append(id)
        let at = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!.adding(seconds: Int64(second))
        let line = #"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"\#(at)","actor":"\#(actor)","data":\#(data)}"#
        guard case .accepted = try await service.handle(json: Array(line.utf8)) else { throw NotAccepted(line: line) }
    }

    struct NotAccepted: Error { var line: String }
}
