import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Logging

/// `parley bench log`: the event log's speed, each figure with the ratio its target is stated in.
struct BenchLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Measure fdatasync, durable appends (1 and 64 appenders, batches of 1000), reads, size on disk and open time."
    )

    @OptionGroup var options: GlobalOptions

    @Option(parsing: .unconditional, help: "Events in the large log used for read, size and open measurements.")
    var events = 1_000_000

    @Option(help: "Scratch folder on the disk to measure (made by the benchmark and removed afterwards; an existing folder it did not make is refused).")
    var directory = ParleyHome.path + "/bench-log"

    @Option(help: "The folder holding chatterbot_corpus/, as tools/setup installs it (else PARLEY_CORPUS, else $PARLEY_HOME/corpus).")
    var corpus = ParleyHome.corpus

    @Option(help: "Cases to run, comma-separated: single, concurrent, batches, large.")
    var only = "single,concurrent,batches,large"

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be at least 1") }
        _ = try BenchCases(only, known: Self.cases)
        try ScratchFolder.check(directory)
    }

    static let cases = ["single", "concurrent", "batches", "large"]

    func run() async throws {
        let leftovers = try BenchLeftovers.install()
        try await leftovers.guarding { try await runCases(leftovers) }
    }

    private func runCases(_ leftovers: BenchLeftovers) async throws {
        let progress = BenchProgress(json: options.json)
        let cases = try BenchCases(only, known: Self.cases)
        try ScratchFolder.prepare(directory, leftovers: leftovers)
        let payloads = CorpusPayloads.messages(20_000, sentences: try CorpusPayloads.sentences(corpus: corpus))
        let maker = EventMaker(payloads: payloads)
        var report = LogBenchReport()
        report.payloadBytesMean = Double(payloads.reduce(0) { $0 + $1.count }) / Double(payloads.count)
        if cases.contains("single") || cases.contains("concurrent") {
            let what = [cases.contains("single") ? "raw fdatasync and 1 appender" : nil, cases.contains("concurrent") ? "64 appenders" : nil]
            progress.step("durable appends, in \(Self.rounds) alternating rounds: " + what.compactMap { $0 }.joined(separator: ", "))
            try await measureAppends(single: cases.contains("single"), concurrent: cases.contains("concurrent"), maker, into: &report)
        }
        if cases.contains("batches") {
            progress.step("durable appends in batches of 1000, by 1 and by 4 appenders")
            try await measureBatches(maker, into: &report)
        }
        if cases.contains("large") {
            progress.step("writing, opening and reading a log of \(events) events")
            try await measureLarge(maker, into: &report)
        }
        report.print(json: options.json)
    }

    /// Rounds of the single and concurrent cases: each compared over the same minutes.
    static let rounds = 5

    /// The disk's sync latency drifts on a shared machine from one minute to the next, so the
    /// plain-file probes, the single appender and the 64 appenders take turns in rounds, and each
    /// figure sums its share of every round: their ratios compare the same minutes.
    private func measureAppends(single: Bool, concurrent: Bool, _ maker: EventMaker, into report: inout LogBenchReport) async throws {
        let singleLog = single ? try FileEventLog(directory: directory + "/single", logger: options.logger) : nil
        let concurrentLog = concurrent ? try FileEventLog(directory: directory + "/concurrent", logger: options.logger) : nil
        defer {
            try? singleLog?.close()
            try? concurrentLog?.close()
        }
        let singlePerRound = 80, perAppender = 1000
        // Events and stream names are made before the clock starts, as a client has them.
        let singleEvents = (0..<singlePerRound * Self.rounds).map { (maker.event($0), maker.stream($0)) }
        let prepared = (0..<64).map { appender in
            (0..<perAppender).map { (maker.event(appender * perAppender + $0), maker.stream(appender * perAppender + $0)) }
        }
        var rawTime = Duration.zero, zeroedTime = Duration.zero, singleTime = Duration.zero, concurrentTime = Duration.zero
        var singleLatencies = Latencies(), concurrentLatencies = Latencies()
        for round in 0..<Self.rounds {
            if let singleLog {
                rawTime += try SyncProbe.measure(path: directory + "/probe", count: singlePerRound).reduce(Duration.zero, +)
                zeroedTime += try SyncProbe.measure(path: directory + "/probe", count: singlePerRound, zeroed: true).reduce(Duration.zero, +)
                for index in round * singlePerRound..<(round + 1) * singlePerRound {
                    let (event, stream) = singleEvents[index]
                    let (_, took) = try await measure { try await singleLog.append([event], to: stream, expected: .any) }
                    singleLatencies.record(took)
                    singleTime += took
                }
            }
            if let concurrentLog {
                let slice = (round * perAppender / Self.rounds)..<((round + 1) * perAppender / Self.rounds)
                let (latencies, took) = try await measure {
                    try await appendConcurrently(prepared, slice: slice, to: concurrentLog)
                }
                concurrentLatencies.append(contentsOf: latencies)
                concurrentTime += took
            }
        }
        if single {
            let count = Double(singlePerRound * Self.rounds)
            report.rawSyncPerSecond = count / rawTime.seconds
            report.zeroedSyncPerSecond = count / zeroedTime.seconds
            report.single = AppendFigures(rate: count / singleTime.seconds, latencies: singleLatencies)
        }
        if concurrent {
            report.concurrent = AppendFigures(rate: Double(64 * perAppender) / concurrentTime.seconds, latencies: concurrentLatencies)
        }
    }

    /// 64 tasks, each appending its events in `slice` one at a time, durably.
    private func appendConcurrently(_ prepared: [[(ProposedEvent, StreamName)]], slice: Range<Int>, to log: FileEventLog) async throws -> Latencies {
        try await withThrowingTaskGroup(of: Latencies.self) { group in
            for appender in prepared.indices {
                group.addTask {
                    var latencies = Latencies()
                    for round in slice {
                        let (event, stream) = prepared[appender][round]
                        let (_, took) = try await measure { try await log.append([event], to: stream, expected: .any) }
                        latencies.record(took)
                    }
                    return latencies
                }
            }
            return try await group.reduce(into: Latencies()) { $0.append(contentsOf: $1) }
        }
    }

    private func measureBatches(_ maker: EventMaker, into report: inout LogBenchReport) async throws {
        let batches = 200
        let first = (0..<batches).map { batch in (0..<1000).map { maker.event(batch * 1000 + $0) } }
        let second = (0..<batches).map { batch in (0..<1000).map { maker.event(batch * 1000 + $0) } }
        var latencies = Latencies()
        let single = try FileEventLog(directory: directory + "/batched", logger: options.logger)
        let (_, time) = try await measure {
            for (batch, events) in first.enumerated() {
                let (_, took) = try await measure { try await single.append(events, to: maker.stream(batch), expected: .any) }
                latencies.record(took)
            }
        }
        // Closed, the segment ends with its last block (no zeroed tail): its size is the batches'.
        try single.close()
        report.batched = AppendFigures(rate: Double(batches * 1000) / time.seconds, latencies: latencies)
        // The physical limit for this case: a plain file written in chunks the size of a stored
        // batch, each synced.
        let segment = directory + "/batched/" + "00000000000000000000.seg"
        let batchBytes = Int((try? FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int) ?? 0) / batches
        let probe = try SyncProbe.measure(path: directory + "/probe", count: 100, size: max(batchBytes, 512))
        report.rawBatchSyncPerSecond = Double(probe.count) / probe.reduce(Duration.zero, +).seconds
        report.storedBatchBytes = batchBytes
        let log = try FileEventLog(directory: directory + "/batched-4", logger: options.logger)
        defer { try? log.close() }
        let (concurrentLatencies, concurrentTime) = try await measure {
            try await withThrowingTaskGroup(of: Latencies.self) { group in
                for appender in 0..<4 {
                    group.addTask {
                        var latencies = Latencies()
                        for batch in stride(from: appender, to: batches, by: 4) {
                            let (_, took) = try await measure { try await log.append(second[batch], to: maker.stream(batch), expected: .any) }
                            latencies.record(took)
                        }
                        return latencies
                    }
                }
                return try await group.reduce(into: Latencies()) { $0.append(contentsOf: $1) }
            }
        }
        report.batchedConcurrent = AppendFigures(rate: Double(batches * 1000) / concurrentTime.seconds, latencies: concurrentLatencies)
    }

    private func measureLarge(_ maker: EventMaker, into report: inout LogBenchReport) async throws {
        let path = directory + "/large"
        let log = try FileEventLog(directory: path, logger: options.logger)
        var written = 0, rawJSON = 0
        while written < events {
            let batch = (0..<min(1000, events - written)).map { maker.event(written + $0) }
            rawJSON += batch.reduce(0) { $0 + $1.payload.count }
            _ = try await log.append(batch, to: maker.stream(written / 1000), expected: .any, durability: .buffered)
            written += batch.count
        }
        try log.close()
        report.events = events
        var openTimes: [Duration] = []
        for _ in 0..<3 {
            let (_, took) = try measure { try FileEventLog(directory: path, options: .init(readOnly: true), logger: options.logger) }
            openTimes.append(took)
        }
        report.openSeconds = openTimes.sorted()[1].seconds
        let reader = try FileEventLog(directory: path, options: .init(readOnly: true), logger: options.logger)
        let (count, time) = try await measure {
            var position = LogPosition.start
            var count = 0
            while let last = try await reader.readAll(from: position, limit: 8192).last {
                count += Int(last.position.rawValue - position.rawValue) + 1
                position = last.position.next
            }
            return count
        }
        report.readPerSecond = Double(count) / time.seconds
        let verification = try FileEventLog.verify(directory: path, logger: options.logger)
        report.segmentBytesPerEvent = Double(verification.bytesOnDisk) / Double(events)
        // The opens above were timed over this snapshot: were it not sound, they rebuilt the index.
        guard verification.indexSnapshot == "sound" else {
            throw CommandFailure("the benchmark log's index snapshot is \(verification.indexSnapshot): its open time is not one with a sound index")
        }
        report.indexBytesPerEvent = Double(verification.indexSnapshotBytes) / Double(events)
        report.rawJSONBytesPerEvent = Double(rawJSON) / Double(events)
    }
}

/// Builds benchmark events from corpus payloads, spread over 1000 conversation streams.
struct EventMaker: Sendable {
    let payloads: [[UInt8]]

    func event(_ index: Int) -> ProposedEvent {
        ProposedEvent(
            id: UUID(), type: "migue.message.received", schemaVersion: 1,
            recordedAt: Timestamp(microsecondsSinceEpoch: 1_763_800_000_000_000 + Int64(index)),
            metadata: EventMetadata(correlationID: UUID(), actor: "whatsapp-webhook"),
            payload: payloads[index % payloads.count])
    }

    func stream(_ index: Int) -> StreamName { StreamName(category: "conversation", id: String(index % 1000))! }
}
