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

    func validate() throws { _ = try target() }

    /// The projection the schema belongs to (its own, or a version `<schema>_v<N>`), the table and the row id.
    private func target() throws -> (projection: Projection, table: String, row: UUID) {
        let parts = table.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { throw ValidationError("\(table): expected SCHEMA.TABLE, e.g. migue.reminders") }
        guard let rowID = UUID(uuidString: id) else { throw ValidationError("\(id): expected a UUID") }
        let projection = ProjectionCatalog.all.first { projection in
            parts[0] == projection.schema || parts[0].wholeMatch(of: /(.+)_v[0-9]+/)?.1 == projection.schema[...]
        }
        guard let projection else {
            throw ValidationError("schema \(parts[0]) belongs to no projection (known: \(ProjectionCatalog.all.map(\.schema).joined(separator: ", ")), or a version such as migue_v2)")
        }
        guard projection.tables.isEmpty || projection.tables.contains(parts[1]) else {
            throw ValidationError("\(projection.name) has no table \(parts[1]) (tables: \(projection.tables.joined(separator: ", ")))")
        }
        return (projection, parts[1], rowID)
    }

    func run() async throws {
        let (projection, tableName, rowID) = try target()
        let log = try LogAccess.openForReading(options)
        var writes: [RowProvenance.Write] = []
        for category in log.categories() where category.hasPrefix(projection.categoryPrefix) {
            var position = LogPosition.start
            while let page = Optional(try await log.readCategory(category, from: position, limit: 8192)), let last = page.last {
                writes += try RowProvenance.writes(of: rowID, in: tableName, projection: projection, events: page)
                position = last.position.next
            }
        }
        writes.sort { $0.position < $1.position }
        // Said on standard error in both modes: `--json` prints no line for it.
        guard !writes.isEmpty else { throw CommandFailure("no event wrote \(table) \(rowID.lowercasedText)") }
        if options.json {
            writes.forEach { JSONLines.print($0) }
            return
        }
        for write in writes {
            print("position \(write.position)  \(write.at)  \(write.verb.padding(6))  \(PlainText.shown(write.eventType)) in "
                + "\(PlainText.shown("\(write.stream)"))  by \(PlainText.shown(write.actor))  command \(write.command?.lowercasedText ?? "-")")
        }
    }
}
