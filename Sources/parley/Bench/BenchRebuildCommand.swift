import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Postgres
import Projections

/// `parley bench rebuild`: a full rebuild of migue against COPY of the rows it produces.
struct BenchRebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild migue from a log of N events and compare with COPY of the resulting rows into empty tables."
    )

    @OptionGroup var options: GlobalOptions

    @Option(parsing: .unconditional, help: "Approximate number of events in the log (messages through the deciders; inbound ones also move a window).")
    var events = 1_000_000

    @Option(help: "Scratch folder for the log (made by the benchmark and removed afterwards; an existing folder it did not make is refused).")
    var directory = ParleyHome.path + "/bench-rebuild"

    @Option(help: "The folder holding chatterbot_corpus/, as tools/setup installs it (else PARLEY_CORPUS, else $PARLEY_HOME/corpus).")
    var corpus = ParleyHome.corpus

    @Option(help: "Migrations folder.")
    var migrations = "migrations"

    @Flag(help: "Keep the log folder and reuse the log an earlier run left there (written with the same --events).")
    var reuseLog = false

    func validate() throws {
        guard events >= 3 else { throw ValidationError("--events must be at least 3 (a user, a conversation, a message)") }
        try ScratchFolder.check(directory)
    }

    func run() async throws {
        let leftovers = try BenchLeftovers.install()
        try await leftovers.guarding { try await runCases(leftovers) }
    }

    private func runCases(_ leftovers: BenchLeftovers) async throws {
        let progress = BenchProgress(json: options.json)
        let folder = try ScratchFolder.prepare(directory, keeping: reuseLog, leftovers: leftovers)
        let scratch = try ScratchBenchDatabase(
            server: try options.databaseLocation().conninfo, logger: options.logger, migrations: migrations, leftovers: leftovers)
        let log = try await self.log(in: folder.path + "/log")
        let head = try await log.head()

        progress.step("projecting the live version")
        let live = try await ProjectionRunner.runners(for: ProjectionCatalog.migue, store: log, conninfo: scratch.conninfo, logger: options.logger)
        let (_, liveTime) = try await measure { for runner in live { try await runner.catchUp() } }

        progress.step("rebuilding into a shadow schema and swapping")
        let builder = SchemaBuilder(
            projection: ProjectionCatalog.migue, store: log, conninfo: scratch.conninfo, migrations: try MigrationFile.load(from: migrations),
            logger: options.logger)
        let (outcome, rebuildTime) = try await measure { try await Rebuilder(builder: builder).rebuild() }

        progress.step("loading the same rows with COPY into empty tables")
        let (rows, copyTime) = try copyBaseline(builder: builder, conninfo: scratch.conninfo)

        let report = RebuildBenchReport(
            events: Int(head.rawValue), rows: rows, liveSeconds: liveTime.seconds, rebuildSeconds: rebuildTime.seconds,
            copySeconds: copyTime.seconds, applied: outcome.applied)
        report.print(json: options.json)
    }

    /// The benchmark's log: the one an earlier `--reuse-log` run left, else a new one.
    private func log(in directory: String) async throws -> FileEventLog {
        if reuseLog, FileManager.default.fileExists(atPath: directory) {
            let log = try FileEventLog(directory: directory, logger: options.logger)
            if try await log.head().rawValue > 0 { return log }
        }
        try? FileManager.default.removeItem(atPath: directory)
        // Alternating directions: an outbound message is one event, an inbound one two (window + message).
        let messages = events * 2 / 3
        BenchProgress(json: options.json).step("writing \(messages) message commands (about \(events) events) through the migue deciders")
        let log = try FileEventLog(directory: directory, logger: options.logger)
        try await BenchCommands.submit(messages: messages, sentences: try CorpusPayloads.sentences(corpus: corpus), to: log)
        try log.sync()
        return log
    }

    /// Copies every row of the live schema into a fresh copy of the tables; returns rows and the COPY time only.
    private func copyBaseline(builder: SchemaBuilder, conninfo: String) throws -> (Int, Duration) {
        let connection = try Connection(conninfo, logger: options.logger)
        let target = "migue_copy_baseline"
        try connection.execute("DROP SCHEMA IF EXISTS \(target) CASCADE")
        for file in builder.migrations { try connection.executeScript(file.retargeted(to: target), name: file.name) }
        // Parents before children, as the foreign keys need.
        let order = ["users", "conversations", "messages_v2", "reminders", "messaging_windows", "flow_sessions", "call_logs",
            "user_interactions", "user_locations", "user_memory", "ai_usage_tracking", "scheduled_messages", "webhook_failures"]
        var total = 0
        var time = Duration.zero
        for table in order {
            let columns = try connection.query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'migue' AND table_name = $1 ORDER BY ordinal_position",
                [table]).map { try $0.decode("column_name", as: String.self) }
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let rows = try connection.query("SELECT \(columns.map { "\"\($0)\"::text" }.joined(separator: ", ")) FROM migue.\(table)").map(\.values)
            let (_, took) = try measure { try connection.copyIn("COPY \(target).\(table) (\(list)) FROM STDIN", rows: rows) }
            time += took
            total += rows.count
        }
        try connection.execute("DROP SCHEMA \(target) CASCADE")
        return (total, time)
    }
}

/// The figures of `parley bench rebuild`.
struct RebuildBenchReport: Encodable {
    var events: Int
    var rows: Int
    var liveSeconds: Double
    var rebuildSeconds: Double
    var copySeconds: Double
    var applied: Int
    var rebuildToCopy: Double { rebuildSeconds / copySeconds }

    enum CodingKeys: String, CodingKey {
        case events, rows, liveSeconds = "live_projection_seconds", rebuildSeconds = "rebuild_seconds", copySeconds = "copy_seconds"
        case applied = "rebuild_events_applied", rebuildToCopy = "ratio_rebuild_to_copy"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(rows, forKey: .rows)
        try container.encode(liveSeconds, forKey: .liveSeconds)
        try container.encode(rebuildSeconds, forKey: .rebuildSeconds)
        try container.encode(copySeconds, forKey: .copySeconds)
        try container.encode(applied, forKey: .applied)
        try container.encode(rebuildToCopy, forKey: .rebuildToCopy)
    }

    func print(json: Bool) {
        if json { return JSONLines.print(self) }
        Swift.print("measure".padding(46) + "figure".padding(44) + "target")
        Swift.print("live projection of \(events) events".padding(46) + String(format: "%.1f s, %@ events/s", liveSeconds, grouped(Double(events) / liveSeconds)).padding(44))
        Swift.print("rebuild (shadow, catch-up, checks, swap)".padding(46)
            + String(format: "%.1f s, %@ events/s", rebuildSeconds, grouped(Double(applied) / rebuildSeconds)).padding(44))
        Swift.print("COPY of the \(rows) resulting rows".padding(46) + String(format: "%.1f s, %@ rows/s", copySeconds, grouped(Double(rows) / copySeconds)).padding(44))
        Swift.print("rebuild / COPY time".padding(46) + String(format: "%.2f x", rebuildToCopy).padding(44) + "<= 2 x")
    }
}
