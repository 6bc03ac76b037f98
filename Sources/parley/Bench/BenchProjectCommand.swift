import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Migue
import Postgres
import Projections

/// `parley bench project`: the runner against plain COPY and one INSERT per transaction, same rows.
struct BenchProject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Project corpus message events into migue.messages_v2 and compare with COPY and per-event INSERTs."
    )

    @OptionGroup var options: GlobalOptions

    @Option(parsing: .unconditional, help: "Message events to project.")
    var messages = 200_000

    @Option(parsing: .unconditional, help: "Rows loaded one INSERT per transaction (a sample: that path is slow by design).")
    var perEventSample = 5_000

    @Option(parsing: .unconditional, help: "Events per runner transaction.")
    var batchSize = 1000

    @Option(help: "Scratch folder for the log (made by the benchmark and removed afterwards; an existing folder it did not make is refused).")
    var directory = ParleyHome.path + "/bench-project"

    @Option(help: "The folder holding chatterbot_corpus/, as tools/setup installs it (else PARLEY_CORPUS, else $PARLEY_HOME/corpus).")
    var corpus = ParleyHome.corpus

    @Option(help: "Migrations folder.")
    var migrations = "migrations"

    func validate() throws {
        guard messages > 0 else { throw ValidationError("--messages must be at least 1") }
        guard perEventSample > 0 else { throw ValidationError("--per-event-sample must be at least 1") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        try ScratchFolder.check(directory)
    }

    func run() async throws {
        let leftovers = try BenchLeftovers.install()
        try await leftovers.guarding { try await runCases(leftovers) }
    }

    private func runCases(_ leftovers: BenchLeftovers) async throws {
        let progress = BenchProgress(json: options.json)
        let folder = try ScratchFolder.prepare(directory, leftovers: leftovers)
        let server = try options.databaseLocation().conninfo
        let scratch = try ScratchBenchDatabase(server: server, logger: options.logger, migrations: migrations, leftovers: leftovers)

        // Message events only: outbound replies record the message and nothing else (an inbound one
        // would add a window event), so the runner and COPY load exactly the same rows.
        progress.step("writing \(messages) message commands to a log through the migue deciders")
        let log = try FileEventLog(directory: folder.path + "/log", logger: options.logger)
        let sentences = try CorpusPayloads.sentences(corpus: corpus)
        try await BenchCommands.submit(messages: messages, sentences: sentences, inboundEvery: 0, to: log)
        try log.sync()
        let head = try await log.head()

        progress.step("projecting \(head) events with the runner")
        let runner = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: log, session: try DatabaseSession(scratch.conninfo, logger: options.logger),
            logger: options.logger)
        try await runner.register()
        let (_, runnerTime) = try await measure { try await runner.catchUp(batchSize: batchSize) }

        let connection = try Connection(scratch.conninfo, logger: options.logger)
        let rows = try connection.query(
            """
            SELECT id::text, conversation_id::text, direction::text, type::text, content, media_url, wa_message_id,
                   timestamp::text, created_at::text FROM migue.messages_v2
            """
        ).map(\.values)
        let columns = "id, conversation_id, direction, type, content, media_url, wa_message_id, timestamp, created_at"

        progress.step("loading the same \(rows.count) rows with COPY")
        try connection.execute("TRUNCATE migue.messages_v2")
        let (_, copyTime) = try measure { try connection.copyIn("COPY migue.messages_v2 (\(columns)) FROM STDIN", rows: rows) }

        progress.step("loading \(min(perEventSample, rows.count)) rows with one INSERT per transaction")
        try connection.execute("TRUNCATE migue.messages_v2")
        let sample = rows.prefix(perEventSample)
        let (_, insertTime) = try measure {
            for row in sample {
                try connection.execute(
                    "INSERT INTO migue.messages_v2 (\(columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", row.map { $0 as (any PostgresEncodable)? })
            }
        }
        let report = ProjectBenchReport(
            events: Int(head.rawValue), messageRows: rows.count, runnerSeconds: runnerTime.seconds,
            runnerRowsPerSecond: Double(rows.count) / runnerTime.seconds, runnerEventsPerSecond: Double(head.rawValue) / runnerTime.seconds,
            copyRowsPerSecond: Double(rows.count) / copyTime.seconds,
            perEventRowsPerSecond: Double(sample.count) / insertTime.seconds, perEventSample: sample.count)
        report.print(json: options.json)
    }
}

/// The figures of `parley bench project`.
struct ProjectBenchReport: Encodable {
    var events: Int
    var messageRows: Int
    var runnerSeconds: Double
    var runnerRowsPerSecond: Double
    var runnerEventsPerSecond: Double
    var copyRowsPerSecond: Double
    var perEventRowsPerSecond: Double
    var perEventSample: Int
    var runnerToCopy: Double { runnerRowsPerSecond / copyRowsPerSecond }
    var runnerToPerEvent: Double { runnerRowsPerSecond / perEventRowsPerSecond }

    enum CodingKeys: String, CodingKey {
        case events, messageRows = "message_rows", runnerSeconds = "runner_seconds", runnerRowsPerSecond = "runner_rows_per_s"
        case runnerEventsPerSecond = "runner_events_per_s", copyRowsPerSecond = "copy_rows_per_s"
        case perEventRowsPerSecond = "insert_per_event_rows_per_s", perEventSample = "insert_per_event_sample"
        case runnerToCopy = "ratio_runner_to_copy", runnerToPerEvent = "ratio_runner_to_insert_per_event"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
        try container.encode(messageRows, forKey: .messageRows)
        try container.encode(runnerSeconds, forKey: .runnerSeconds)
        try container.encode(runnerRowsPerSecond, forKey: .runnerRowsPerSecond)
        try container.encode(runnerEventsPerSecond, forKey: .runnerEventsPerSecond)
        try container.encode(copyRowsPerSecond, forKey: .copyRowsPerSecond)
        try container.encode(perEventRowsPerSecond, forKey: .perEventRowsPerSecond)
        try container.encode(perEventSample, forKey: .perEventSample)
        try container.encode(runnerToCopy, forKey: .runnerToCopy)
        try container.encode(runnerToPerEvent, forKey: .runnerToPerEvent)
    }

    func print(json: Bool) {
        if json { return JSONLines.print(self) }
        Swift.print("measure".padding(46) + "figure".padding(40) + "target")
        Swift.print("runner, \(events) events (\(messageRows) message rows)".padding(46)
            + "\(grouped(runnerRowsPerSecond)) rows/s (\(String(format: "%.1f", runnerSeconds)) s)".padding(40) + "")
        Swift.print("COPY of the same rows".padding(46) + "\(grouped(copyRowsPerSecond)) rows/s".padding(40) + "")
        Swift.print("one INSERT per transaction (\(perEventSample) rows)".padding(46) + "\(grouped(perEventRowsPerSecond)) rows/s".padding(40) + "")
        Swift.print("runner / COPY".padding(46) + String(format: "%.2f x", runnerToCopy).padding(40) + ">= 0.5 x")
        Swift.print("runner / INSERT per event".padding(46) + String(format: "%.1f x", runnerToPerEvent).padding(40) + ">= 10 x")
    }
}
