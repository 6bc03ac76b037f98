import ArgumentParser
import EventLog
import Projections

/// `parley rebuild`: the next version of a read model, built beside the live one and swapped in.
struct Rebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a product's read model into a shadow schema while the live one serves, check it, and swap it in.",
        discussion: """
            The live schema keeps its name (e.g. migue) and keeps serving reads until the swap, which renames the \
            schemas in one transaction. The previous version stays as <schema>_v<n> for --rollback until --drop-previous.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "The product (projection), e.g. migue.")
    var product: String

    @Flag(help: "Swap the previous version back in (caught up first).")
    var rollback = false

    @Flag(help: "Drop the schemas of previous versions.")
    var dropPrevious = false

    @Flag(help: "Drop the version an interrupted or refused rebuild left building, instead of resuming it.")
    var abandon = false

    @Flag(help: "Swap even when a table's row count differs from the live one (a deliberate projector change).")
    var acceptDifferentCounts = false

    @Flag(help: "Rebuild even when the live version has applied events past this log's end (projected from another log, or from this one before it was cut back).")
    var acceptShorterLog = false

    @Option(help: "Migrations folder.")
    var migrations = "migrations"

    func validate() throws {
        let steps = [("--rollback", rollback), ("--drop-previous", dropPrevious), ("--abandon", abandon)].filter(\.1).map(\.0)
        guard steps.count <= 1 else { throw ValidationError("\(steps.joined(separator: " and ")) are separate steps") }
        _ = try ProjectionSelection.resolve(product)
    }

    func run() async throws { try await DatabaseInterruption.run { try await work() } }

    private func work() async throws {
        let projection = try ProjectionSelection.resolve(product)[0]
        let log = try LogAccess.openForReading(options)
        let rebuilder = Rebuilder(builder: SchemaBuilder(
            projection: projection, store: log, conninfo: try options.databaseLocation().conninfo,
            migrations: try MigrationFile.load(from: migrations), logger: options.logger))
        if rollback {
            let (previous, current) = try await rebuilder.rollback()
            if options.json { return JSONLines.print(Rollback(projection: product, retired: previous, active: current)) }
            return print("\(product): version \(current) is active again; version \(previous) retired")
        }
        if dropPrevious {
            let dropped = try await rebuilder.dropPrevious()
            if options.json { return JSONLines.print(Dropped(projection: product, dropped: dropped)) }
            return print(dropped.isEmpty ? "\(product): no previous version to drop" : "\(product): dropped version(s) \(dropped.map(String.init).joined(separator: ", "))")
        }
        if abandon {
            let dropped = try await rebuilder.abandon()
            if options.json { return JSONLines.print(Dropped(projection: product, dropped: dropped.map { [$0] } ?? [])) }
            return print(dropped.map { "\(product): dropped version \($0), which was building" } ?? "\(product): no version is building")
        }
        let head = try await log.head()
        let progress = Progress(enabled: !options.json, label: "rebuilding \(product):")
        var accept: RebuildAcceptance = []
        if acceptDifferentCounts { accept.insert(.differentCounts) }
        if acceptShorterLog { accept.insert(.shorterLog) }
        let outcome = try await rebuilder.rebuild(accept: accept) { progress.update($0.rawValue, of: head.rawValue) }
        progress.finish()
        if options.json { return JSONLines.print(outcome) }
        let resumed = outcome.applied < outcome.position ? " (\(outcome.applied) of them in this run)" : ""
        print("\(product): version \(outcome.current) built from the events before position \(outcome.position)\(resumed) "
            + "and swapped in; version \(outcome.previous) kept for --rollback")
        for table in outcome.tables {
            print("    \(table.table.padding(24)) live \(table.liveRows) rows, rebuilt \(table.rebuiltRows) rows\(table.matches ? "" : " (counts differ)")")
        }
    }

    /// What `--rollback --json` prints: versions as numbers, as a rebuild prints them.
    struct Rollback: Encodable {
        var projection: String
        var retired: Int
        var active: Int
    }

    /// What `--drop-previous --json` and `--abandon --json` print.
    struct Dropped: Encodable {
        var projection: String
        var dropped: [Int]
    }
}
