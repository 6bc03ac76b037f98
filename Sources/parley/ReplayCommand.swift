import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Postgres
import Projections

/// `parley replay`: a product's tables as they were at a point, in a schema of their own.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a product's tables as of a time or position into a separate schema, to query the past."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The product (projection), e.g. migue.")
    var product: String

    @Option(help: "Include the events recorded up to this RFC 3339 time: the log up to the first event recorded after it.")
    var asOf: String?

    @Option(parsing: .unconditional, help: "Include the events before this global position.")
    var atPosition: UInt64?

    @Option(help: "The schema to build into.")
    var into: String

    @Flag(help: "Drop and rebuild the schema when it exists.")
    var replace = false

    @Option(help: "Migrations folder.")
    var migrations = "migrations"

    func validate() throws {
        guard (asOf == nil) != (atPosition == nil) else { throw ValidationError("give exactly one of --as-of TIME and --at-position P") }
        let projection = try ProjectionSelection.resolve(product)[0]
        do { try SchemaBuilder.checkName(into, projection: projection) } catch { throw ValidationError("--into \(error)") }
        _ = try asOf.map { try TimeOption.parse($0, option: "--as-of") }
    }

    func run() async throws { try await DatabaseInterruption.run { try await work() } }

    private func work() async throws {
        let projection = try ProjectionSelection.resolve(product)[0]
        let log = try LogAccess.openForReading(options)
        let until: LogPosition
        if let atPosition {
            // A position past the end is the end: say which it was.
            until = min(LogPosition(atPosition), try await log.head())
        } else {
            until = try await Self.firstPosition(after: try TimeOption.parse(asOf!, option: "--as-of"), in: log)
        }
        let builder = SchemaBuilder(
            projection: projection, store: log, conninfo: try options.databaseLocation().conninfo,
            migrations: try MigrationFile.load(from: migrations), logger: options.logger)
        let progress = Progress(enabled: !options.json, label: "replaying \(projection.name):")
        let start = ContinuousClock.now
        let applied = try await builder.build(into: into, until: until, replace: replace) { progress.update($0.rawValue, of: until.rawValue) }
        progress.finish()
        struct Outcome: Encodable { var product: String, schema: String, until: UInt64, applied: Int, seconds: Double }
        let outcome = Outcome(product: product, schema: into, until: until.rawValue, applied: applied, seconds: (ContinuousClock.now - start).seconds)
        if options.json { return JSONLines.print(outcome) }
        let end = atPosition.map { $0 > until.rawValue ? ", the log's end" : "" } ?? ""
        print("\(into): \(product) as of position \(until)\(end) (\(applied) events applied, \(String(format: "%.2f", outcome.seconds)) s)")
        print("query it with: SET search_path TO \(into), public;")
    }

    /// The position of the first event recorded after `time` (the head when there is none). A scan
    /// of the log, page by page; Ctrl-C stops it between two pages.
    static func firstPosition(after time: Timestamp, in log: FileEventLog) async throws -> LogPosition {
        var position = LogPosition.start
        while true {
            if let reason = QueryCancellation.current?.reason { throw CommandFailure(reason) }
            let page = try await log.readAll(from: position, limit: 8192)
            guard let last = page.last else { return position }
            if let later = page.first(where: { $0.recordedAt > time }) { return later.position }
            position = last.position.next
        }
    }
}
