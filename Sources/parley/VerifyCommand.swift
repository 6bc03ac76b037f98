import ArgumentParser
import EventLog
import Projections

/// `parley verify`: rebuilds a product into a scratch schema and compares it with the live one.
struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a product's read model into a scratch schema and compare it row for row with the live one."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The product (projection), e.g. migue.")
    var product: String

    @Option(help: "Migrations folder.")
    var migrations = "migrations"

    func validate() throws { _ = try ProjectionSelection.resolve(product) }

    func run() async throws { try await DatabaseInterruption.run { try await work() } }

    private func work() async throws {
        let projection = try ProjectionSelection.resolve(product)[0]
        let log = try LogAccess.openForReading(options)
        let builder = SchemaBuilder(
            projection: projection, store: log, conninfo: try options.databaseLocation().conninfo,
            migrations: try MigrationFile.load(from: migrations), logger: options.logger)
        let progress = Progress(enabled: !options.json, label: "verifying \(projection.name): rebuilt up to")
        let outcome = try await ProjectionVerifier(builder: builder).verify { progress.update($0.rawValue, of: $1.rawValue) }
        progress.finish()
        if options.json {
            JSONLines.print(outcome)
        } else {
            print("\(outcome.projection) (schema \(outcome.schema)) at position \(outcome.position):")
            for table in outcome.tables {
                print("    \(table.table.padding(24)) live \(table.liveRows) rows, rebuilt \(table.rebuiltRows) rows: \(table.matches ? "same" : "DIFFERENT")")
            }
        }
        guard outcome.matches else {
            throw CommandFailure("the live read model differs from a rebuild in: \(outcome.tables.filter { !$0.matches }.map(\.table).joined(separator: ", "))")
        }
    }
}
