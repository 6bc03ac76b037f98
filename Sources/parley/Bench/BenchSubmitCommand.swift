import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Ingest
import SystemPackage

/// `parley bench submit`: decide + append of corpus message commands through the router, as
/// `parley submit` does (JSON text in, MigueService, FileEventLog).
struct BenchSubmit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Measure decide + append of message commands: in bulk as parley submit does, buffered, and durable one by one.",
        discussion: "Users and conversations are submitted first (not timed); then N message.record commands, generated "
            + "from copies of the corpus, go through the same router as parley submit, each as its JSON line. Each case "
            + "runs on a fresh log in the scratch folder. Concurrent submitters each take whole conversations, as "
            + "webhook workers partitioned by user would."
    )

    @OptionGroup var options: GlobalOptions

    @Option(parsing: .unconditional, help: "Message commands per case.")
    var commands = 200_000

    @Option(parsing: .unconditional, help: "Concurrent submitters in the durable case (they share fdatasyncs through group commit).")
    var submitters = 64

    @Option(parsing: .unconditional, help: "Concurrent submitters in the concurrent buffered case.")
    var bufferedSubmitters = 4

    @Option(help: "Scratch folder on the disk to measure (made by the benchmark and removed afterwards; an existing folder it did not make is refused).")
    var directory = ParleyHome.path + "/bench-submit"

    @Option(help: "The folder holding chatterbot_corpus/, as tools/setup installs it (else PARLEY_CORPUS, else $PARLEY_HOME/corpus).")
    var corpus = ParleyHome.corpus

    @Option(parsing: .unconditional, help: "Commands per fdatasync in the bulk case (parley submit's --sync-every).")
    var syncEvery = 1000

    @Option(help: "Cases to run, comma-separated: bulk (1 submitter, a sync per group, as one parley submit of setup and messages), bulk-cold (the same with the state cache emptied after the setup; the log stays open), buffered (concurrent, one sync at the end), durable (concurrent, a sync per command).")
    var only = "bulk,bulk-cold,buffered,durable"

    @Option(help: "Also write the workload's commands (setup, then messages) to this file as JSON lines, to time parley submit on them.")
    var writeCommands: String?

    func validate() throws {
        guard commands > 0 else { throw ValidationError("--commands must be at least 1") }
        guard submitters > 0, bufferedSubmitters > 0 else { throw ValidationError("--submitters and --buffered-submitters must be at least 1") }
        guard syncEvery > 0 else { throw ValidationError("--sync-every must be at least 1") }
        _ = try BenchCases(only, known: Self.cases)
        try ScratchFolder.check(directory)
    }

    static let cases = ["bulk", "bulk-cold", "buffered", "durable"]

    func run() async throws {
        let leftovers = try BenchLeftovers.install()
        try await leftovers.guarding { try await runCases(leftovers) }
    }

    /// Writes `text` to `path`, naming the path and the system's reason when it cannot.
    private static func write(_ text: String, to path: String) throws {
        do {
            let file = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
            try file.closeAfter { _ = try file.writeAll(text.utf8) }
        } catch let error as Errno {
            throw CommandFailure("cannot write --write-commands \(path): \(error)")
        }
    }

    private func runCases(_ leftovers: BenchLeftovers) async throws {
        let progress = BenchProgress(json: options.json)
        let cases = try BenchCases(only, known: Self.cases)
        try ScratchFolder.prepare(directory, leftovers: leftovers)
        progress.step("generating \(grouped(Double(commands))) message commands from the corpus")
        let workload = try SubmitWorkload.make(messages: commands, corpus: corpus)
        if let writeCommands {
            var text = workload.setup.map { $0.json.encoded + "\n" }.joined()
            for line in workload.messages { text += String(decoding: line, as: UTF8.self) + "\n" }
            try Self.write(text, to: writeCommands)
        }
        var report = SubmitBenchReport(
            commands: commands, setupCommands: workload.setup.count, conversations: workload.conversations,
            rounds: workload.rounds, submitters: submitters, bufferedSubmitters: bufferedSubmitters, syncEvery: syncEvery)
        if cases.contains("bulk") {
            progress.step("bulk, 1 submitter, a sync per \(syncEvery) commands before their results")
            report.bulk = try await runBulk(workload, warm: true, into: &report)
        }
        if cases.contains("bulk-cold") {
            progress.step("bulk with a cold state cache")
            report.bulkCold = try await runBulk(workload, warm: false, into: &report)
        }
        if cases.contains("buffered") {
            progress.step("buffered appends, \(bufferedSubmitters) concurrent submitters, one sync at the end")
            report.buffered = try await runCase(
                workload, folder: "buffered", submitters: bufferedSubmitters, durability: .buffered, into: &report)
        }
        if cases.contains("durable") {
            progress.step("durable appends, \(submitters) concurrent submitters")
            report.durable = try await runCase(workload, folder: "durable", submitters: submitters, durability: .durable, into: &report)
        }
        report.print(json: options.json)
    }

    /// A fresh log holding the workload's users and conversations (not timed).
    private func preparedLog(
        _ workload: SubmitWorkload, folder: String, cache: StateCache = StateCache(), into report: inout SubmitBenchReport
    ) async throws -> FileEventLog {
        let log = try FileEventLog(directory: directory + "/" + folder, logger: options.logger)
        let setupRouter = CommandRouter(store: log, durability: .buffered, cache: cache)
        let (setup, setupTime) = try await measure { try await CommandRun.run(workload.setup, through: setupRouter) }
        try log.sync()
        guard setup.tally.rejected == 0 else { throw BenchFailure(text: "setup rejected: \(setup.rejections[0].text)") }
        report.setupPerSecond = Double(workload.setup.count) / setupTime.seconds
        return log
    }

    /// Times the message commands as `parley submit` handles them: prepared a chunk ahead on
    /// another task, handled in order, a sync per group; each command's latency runs from its
    /// handling until the sync that confirmed it. `warm`: the state cache the setup
    /// filled carries on, as in one `parley submit` of the whole file; else it starts empty.
    private func runBulk(_ workload: SubmitWorkload, warm: Bool, into report: inout SubmitBenchReport) async throws -> SubmitFigures {
        let cache = StateCache()
        let log = try await preparedLog(workload, folder: warm ? "bulk" : "bulk-cold", cache: cache, into: &report)
        let lines = workload.messages
        let (latencies, time) = try await measure {
            var submitter = GroupCommitSubmitter(store: log, groupSize: syncEvery, cache: warm ? cache : StateCache()) {
                let pending = try log.startSync()
                return { try pending.finish() }
            }
            var latencies = ConfirmationLatencies()
            func record(_ outcomes: [SubmitOutcome]) throws {
                for outcome in outcomes {
                    guard outcome.result.appendedAnything else { throw BenchFailure(text: "message \(outcome.line) appended nothing: \(outcome.result)") }
                }
                latencies.confirmed(outcomes.count)
            }
            try await PreparedCommands.forEach(lines) { index, command in
                latencies.handling()
                try record(try await submitter.submit(command, line: index + 1))
            }
            try record(try await submitter.confirm())
            return latencies.latencies
        }
        try log.close()
        return SubmitFigures(rate: Double(lines.count) / time.seconds, seconds: time.seconds, latencies: latencies)
    }

    /// Times the message commands by concurrent submitters, each taking whole conversations.
    private func runCase(
        _ workload: SubmitWorkload, folder: String, submitters: Int, durability: Durability, into report: inout SubmitBenchReport
    ) async throws -> SubmitFigures {
        let log = try await preparedLog(workload, folder: folder, into: &report)
        let router = CommandRouter(store: log, durability: durability)
        let lines = workload.messages
        let owners = workload.owners
        let (latencies, time) = try await measure {
            let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
                for submitter in 0..<submitters {
                    group.addTask {
                        var latencies = Latencies()
                        for index in lines.indices where owners[index] % submitters == submitter {
                            let start = ContinuousClock.now
                            let (_, result) = try await router.handle(json: lines[index])
                            latencies.record(ContinuousClock.now - start)
                            guard result.appendedAnything else { throw BenchFailure(text: "message \(index) appended nothing: \(result)") }
                        }
                        return latencies
                    }
                }
                return try await group.reduce(into: Latencies()) { $0.append(contentsOf: $1) }
            }
            try log.sync()
            return latencies
        }
        try log.close()
        return SubmitFigures(rate: Double(lines.count) / time.seconds, seconds: time.seconds, latencies: latencies)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}

/// The commands of the benchmark: users and conversations, then message commands as JSON lines.
struct SubmitWorkload: Sendable {
    var setup: [CommandEnvelope] = []
    var messages: [[UInt8]] = []
    /// The conversation (counted from 0) each message belongs to.
    var owners: [Int] = []
    var conversations = 0
    var rounds = 0

    /// Copies of the corpus (rounds), conversation by conversation, until `messages` messages.
    static func make(messages count: Int, corpus: String) throws -> SubmitWorkload {
        let source = ChatterbotCorpus(directory: corpus)
        var files: [CorpusFile] = []
        for language in try source.installedLanguages() { files += try source.files(of: language) }
        var workload = SubmitWorkload()
        while workload.messages.count < count {
            let generator = try ChatterbotImport(round: workload.rounds)
            workload.rounds += 1
            for file in files {
                for index in file.conversationIndices where workload.messages.count < count {
                    let conversation = try generator.conversation(index, of: file)
                    workload.setup += conversation.setup
                    for message in conversation.messages.prefix(count - workload.messages.count) {
                        workload.messages.append(Array(message.json.encoded.utf8))
                        workload.owners.append(workload.conversations)
                    }
                    workload.conversations += 1
                }
            }
        }
        return workload
    }
}
