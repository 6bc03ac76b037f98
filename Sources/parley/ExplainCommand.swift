import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Projections

/// `parley explain SCHEMA.TABLE ID`: the events that wrote one row of a read model.
struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace one row of a read model back to the events (positions, commands, actors) that wrote it."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The table, schema-qualified: e.g. migue.reminders (a version schema such as migue_v2 works too).")
    var table: String

    @Argument(help: "The row's id (UUID).")
    var id: String

    func run() async throws {
        let parts = table.split(separator: ".").map(String.init)
        guard parts.count == 2 else { throw ValidationError("\(table): expected SCHEMA.TABLE, e.g. migue.reminders") }
        guard let rowID = UUID(uuidString: id) else { throw ValidationError("\(id): expected a UUID") }
        let product = parts[0].split(separator: "_").first.map(String.init) ?? parts[0]
        guard let projection = ProjectionCatalog.all.first(where: { $0.schema == product }) else {
            throw ValidationError("schema \(parts[0]) belongs to no projection (known: \(ProjectionCatalog.all.map(\.schema).joined(separator: ", ")))")
        }
        let log = try LogAccess.openForReading(options)
        var writes: [RowProvenance.Write] = []
        for category in log.categories() where category.hasPrefix(projection.categoryPrefix) {
            var position = LogPosition.start
            while let page = Optional(try await log.readCategory(category, from: position, limit: 8192)), let last = page.last {
                writes += try RowProvenance.writes(of: rowID, in: parts[1], projection: projection, events: page)
                position = last.position.next
            }
        }
        writes.sort { $0.position < $1.position }
        if options.json {
            writes.forEach { JSONLines.print($0) }
        } else if writes.isEmpty {
            print("no event wrote \(table) \(rowID.lowercasedText)")
        } else {
            for write in writes {
                print("position \(write.position)  \(write.at)  \(write.verb.padding(6))  \(write.eventType) in \(write.stream)  "
                    + "by \(write.actor)  command \(write.command?.lowercasedText ?? "-")")
            }
        }
        if writes.isEmpty { throw ExitCode(1) }
    }
}
