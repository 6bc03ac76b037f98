import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Ingest

/// `parley bench submit`: decide + append of corpus message commands through the router, as
/// `parley submit` does (JSON text in, MigueService, FileEventLog).
struct BenchSubmit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Measure decide + append of message commands: buffered with one sync, and durable with concurrent submitters.",
        discussion: "Users and conversations are submitted first (not timed); then N message.record commands, generated "
            + "from copies of the corpus, go through the same router as parley submit, each as its JSON line. Each case "
            + "runs on a fresh log in the scratch folder."
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "Message commands per case.")
    var commands = 200_000

    @Option(help: "Concurrent submitters in the durable case (they share fdatasyncs through group commit).")
    var submitters = 64

    @Option(help: "Concurrent submitters in the concurrent buffered case.")
    var bufferedSubmitters = 4

    @Option(help: "Scratch folder on the disk to measure (removed afterwards).")
    var directory = ".parley/bench-submit"

    @Option(help: "The folder holding chatterbot_corpus/ (installed by tools/setup).")
    var corpus = ".parley/corpus"

    @Option(help: "Cases to run, comma-separated: sequential (buffered, 1 submitter), buffered (concurrent), durable (concurrent).")
    var only = "sequential,buffered,durable"

    func validate() throws {
        guard commands > 0 else { throw ValidationError("--commands must be at least 1") }
        guard submitters > 0, bufferedSubmitters > 0 else { throw ValidationError("--submitters and --buffered-submitters must be at least 1") }
    }

    func run() async throws {
        let progress = BenchProgress(json: options.json)
        progress.step("generating \(grouped(Double(commands))) message commands from the corpus")
        let workload = try SubmitWorkload.make(messages: commands, corpus: corpus)
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var report = SubmitBenchReport(
            commands: commands, setupCommands: workload.setup.count, conversations: workload.conversations,
            rounds: workload.rounds, submitters: submitters, bufferedSubmitters: bufferedSubmitters)
        let cases = Set(only.split(separator: ",").map(String.init))
        if cases.contains("sequential") {
            progress.step("buffered appends, 1 submitter, one sync at the end")
            report.sequential = try await runCase(workload, folder: "sequential", submitters: 1, durability: .buffered, into: &report)
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

    /// Sets up a fresh log with the users and conversations, then times the message commands.
    private func runCase(
        _ workload: SubmitWorkload, folder: String, submitters: Int, durability: Durability, into report: inout SubmitBenchReport
    ) async throws -> SubmitFigures {
        let log = try FileEventLog(directory: directory + "/" + folder, logger: options.logger)
        let setupRouter = CommandRouter(store: log, durability: .buffered)
        let (setup, setupTime) = try await measure { try await CommandRun.run(workload.setup, through: setupRouter) }
        try log.sync()
        guard setup.tally.rejected == 0 else { throw BenchFailure(text: "setup rejected: \(setup.rejections[0].text)") }
        report.setupPerSecond = Double(workload.setup.count) / setupTime.seconds
        let router = CommandRouter(store: log, durability: durability)
        let lines = workload.messages
        let (latencies, time) = try await measure {
            let latencies = try await withThrowingTaskGroup(of: Latencies.self) { group in
                for submitter in 0..<submitters {
                    group.addTask {
                        var latencies = Latencies()
                        for index in stride(from: submitter, to: lines.count, by: submitters) {
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
                for index in file.conversations.indices where workload.messages.count < count {
                    let conversation = try generator.conversation(index, of: file)
                    workload.setup += conversation.setup
                    workload.conversations += 1
                    for message in conversation.messages.prefix(count - workload.messages.count) {
                        workload.messages.append(Array(message.json.encoded.utf8))
                    }
                }
            }
        }
        return workload
    }
}
