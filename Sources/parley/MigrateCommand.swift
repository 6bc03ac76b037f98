import ArgumentParser
import Postgres
import Projections

/// `parley migrate`: apply pending migrations, or list applied and pending ones with `--status`.
struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations in order, each in its own transaction (--status lists them)."
    )

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("migrations"), help: "The migrations folder, holding <schema>/NNNN_description.sql.")
    var directory = "migrations"

    @Flag(name: .long, help: "List applied and pending migrations; apply nothing.")
    var status = false

    func run() throws { try DatabaseInterruption.run { try work() } }

    private func work() throws {
        let files = try MigrationFile.load(from: directory)
        guard !files.isEmpty else {
            throw CommandFailure("no migration files under \(directory): migrations are \(directory)/<schema>/NNNN_name.sql")
        }
        let location = try options.databaseLocation()
        let connection = try Connection(location.conninfo, logger: options.logger)
        let migrator = Migrator(connection: connection, files: files, logger: options.logger)
        if status {
            // Every file is listed, a changed or missing one in that state; then the run fails on it.
            let (entries, problem) = try migrator.listing()
            entries.forEach(report)
            if entries.isEmpty && !options.json { print("no migrations in \(directory)") }
            if let problem { throw problem }
        } else {
            // Each file is reported as it commits: when a later one fails, those before it stay applied.
            let applied = try migrator.migrate(onApplied: report)
            if applied.isEmpty && !options.json { print("nothing to apply: every migration in \(directory) is applied") }
        }
    }

    private func report(_ entry: Migrator.Entry) {
        if options.json { return JSONLines.print(entry) }
        let when = entry.appliedAt.map { "  \($0)" } ?? ""
        let took = entry.durationMs.map { " (\($0) ms)" } ?? ""
        print("\(entry.state.rawValue.padding(8)) \(entry.name.padding(44)) \(entry.checksum.prefix(12))\(when)\(took)")
    }
}
