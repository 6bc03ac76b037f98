import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Ingest

/// `parley import ...`: turn real data into commands and submit them.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn real data into commands and submit them through the deciders.",
        subcommands: [ImportChatterbot.self]
    )
}

/// `parley import chatterbot`: the dialog corpus as migue users, conversations, messages and reminders.
struct ImportChatterbot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatterbot",
        abstract: "Import the chatterbot dialog corpus as migue commands; a second run adds nothing.",
        discussion: "Every id, phone number and time derives from the conversation's language, file and index "
            + "(Specs/import.md). Appends are deferred (written a MiB at a time) and synced once at the end: what a crash loses, running the "
            + "import again restores."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "Comma-separated languages: folder names (english) or ISO codes (en). Default: every installed language.")
    var languages: String?

    @Option(parsing: .unconditional, help: "At most this many corpus conversations from each language.")
    var limit: Int?

    @Option(help: "The folder holding chatterbot_corpus/, as tools/setup installs it (else PARLEY_CORPUS, else $PARLEY_HOME/corpus).")
    var corpus = ParleyHome.corpus

    @Flag(help: "Wait for every command's fdatasync instead of syncing once at the end.")
    var durable = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let languages {
            do throws(ImportError) { _ = try ChatterbotLanguage.parse(list: languages) } catch { throw ValidationError(error.description) }
        }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let source = ChatterbotCorpus(directory: corpus)
        // A language the option names wrongly is a usage error; a corpus that is missing or damaged is not.
        let chosen: [ChatterbotLanguage]
        if let languages {
            do throws(ImportError) { chosen = try ChatterbotLanguage.parse(list: languages) } catch { throw ValidationError(error.description) }
        } else {
            do throws(ImportError) { chosen = try source.installedLanguages() } catch { throw CommandFailure(error.description) }
        }
        let plan: ImportPlan
        do throws(ImportError) { plan = try ImportPlan.chatterbot(corpus: source, languages: chosen, limitPerLanguage: limit) } catch {
            throw CommandFailure(error.description)
        }
        // From here on, Ctrl-C or SIGTERM ends the run after the command under way, and the close syncs.
        let interruption = try Interruption.install()
        let log = try LogAccess.openForWriting(options)
        let router = CommandRouter(store: log, durability: durable ? .durable : .deferred)
        let commands = plan.commands
        let progress = Progress(enabled: !options.json, label: "commands")
        let report: CommandRun.Report
        do {
            report = try await CommandRun.run(commands, through: router, until: { interruption.signal != nil }) {
                progress.update(UInt64($0), of: UInt64(commands.count))
            }
        } catch {
            progress.finish()
            // The close writes and syncs what was appended before the failure, when it still can: a
            // failed write poisons the log, and the batches it held are lost (never part of one).
            let closed = Result { try log.close() }
            let command = error.line > 0
                ? " (\(plan.origin(ofCommand: error.line)): \(commands[error.line - 1].type) \(commands[error.line - 1].id.lowercasedText))" : ""
            let tally = error.report.tally
            var text = "command \(error.line) of \(commands.count)\(command) failed: \(error.underlying). "
                + "The \(error.line - 1) commands before it were handled (\(tally.eventsAppended) events appended, "
                + "\(tally.rejected) rejected), though what they appended may not all be stored when the failure was the log's; "
                + "it may have stored part of its events. "
            if error.underlying is UnreadableEvent {
                text += "This build of parley cannot read that event: running the import again meets it again."
            } else if case .corrupt? = error.underlying as? LogError {
                // Running again meets the same damage: it is not a torn write the open would cut.
                text += "The log is damaged where the error says: `parley log verify` reports what is sound; "
                    + "an import cannot go on in it until the damage is dealt with."
            } else {
                text += "Run the same import again to go on: what is stored is recognised, not appended twice."
            }
            if case .failure(let closing) = closed { text += " Closing the log failed too: \(closing)." }
            throw CommandFailure(text)
        }
        progress.finish()
        let handled = report.stoppedEarly
            ? "the first \(report.tally.commands) of \(commands.count) commands were handled" : "every command was handled"
        do {
            try log.close()
        } catch {
            // The appends were deferred: the close writes and syncs them; only then are they durable.
            throw CommandFailure(
                "\(handled) (\(report.tally.eventsAppended) events appended, \(report.tally.rejected) rejected), "
                    + "but syncing and closing the log failed: \(error). What was appended may not be durable: "
                    + "run the same import again once the log can be written; what is stored is recognised, not appended twice.")
        }
        var summary = ImportSummary(plan: plan, report: report, elapsed: ContinuousClock.now - started)
        summary.stoppedBy = report.stoppedEarly ? interruption.signal.map(Interruption.name(of:)) : nil
        for outcome in report.rejections.prefix(20) {
            guard case .rejected(let rejection) = outcome.result else { continue }
            let command = commands[outcome.line - 1]
            FileHandle.standardError.write(
                Data("rejected: command \(outcome.line) (\(plan.origin(ofCommand: outcome.line)): \(command.type) \(command.id.lowercasedText)): \(rejection)\n".utf8))
        }
        if report.rejections.count > 20 {
            FileHandle.standardError.write(Data("... and \(report.rejections.count - 20) more rejected commands\n".utf8))
        }
        summary.print(json: options.json)
        if report.stoppedEarly, let signal = interruption.signal {
            FileHandle.standardError.write(Data(
                "stopped by \(Interruption.name(of: signal)): \(handled), and what they appended is durable. Run the same import again to go on: what is stored is recognised, not appended twice.\n".utf8))
            throw ExitCode(Interruption.exitStatus(for: signal))
        }
        if report.tally.rejected > 0 { throw ExitCode(Submit.rejectedStatus) }
    }
}

/// What an import did, printed as text or one JSON object.
struct ImportSummary: Encodable {
    var conversations: Int
    var users: Int
    var messages: Int
    var reminders: Int
    /// The rows the plan's commands create in each migue table.
    var tables: [String: Int]
    var tableOrder: [String]
    var commands: Int
    var eventsAppended: Int
    var alreadyStored: Int
    var unchanged: Int
    var rejected: Int
    var elapsedSeconds: Double
    var commandsPerSecond: Double
    /// The signal that stopped the run before its last command; then the plan's counts are what
    /// the whole import makes, not what this run made.
    var stoppedBy: String?

    init(plan: ImportPlan, report: CommandRun.Report, elapsed: Duration) {
        conversations = plan.conversations.count
        users = plan.users
        messages = plan.messages
        reminders = plan.reminders
        tables = Dictionary(uniqueKeysWithValues: plan.rows.list.map { ($0.table, $0.rows) })
        tableOrder = TableCounts.tables.map(\.table)
        commands = report.tally.commands
        eventsAppended = report.tally.eventsAppended
        alreadyStored = report.tally.duplicate
        unchanged = report.tally.unchanged
        rejected = report.tally.rejected
        elapsedSeconds = elapsed.seconds
        commandsPerSecond = elapsed.seconds > 0 ? Double(commands) / elapsed.seconds : 0
    }

    enum CodingKeys: String, CodingKey {
        case conversations, users, messages, reminders, tables, commands, unchanged, rejected
        case eventsAppended = "events_appended", alreadyStored = "already_stored"
        case elapsedSeconds = "elapsed_seconds", commandsPerSecond = "commands_per_second", stoppedBy = "stopped_by"
    }

    func print(json: Bool) {
        if json {
            JSONLines.print(self)
            return
        }
        let planned = stoppedBy == nil ? "" : " planned"
        Swift.print("conversations    \(conversations)\(planned) (\(users) users, \(messages) messages, \(reminders) reminders)")
        Swift.print("commands         \(commands): \(eventsAppended) events appended, \(alreadyStored) already stored, \(unchanged) unchanged, \(rejected) rejected")
        Swift.print((stoppedBy == nil ? "rows             " : "rows planned     ") + tableOrder.map { "\($0) \(tables[$0] ?? 0)" }.joined(separator: ", "))
        Swift.print(String(format: "elapsed          %.2f s, %@ commands/s", elapsedSeconds, grouped(commandsPerSecond)))
    }
}
