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

    @Option(help: "Events in the large log used for read, size and open measurements.")
    var events = 1_000_000

    @Option(help: "Scratch folder on the disk to measure (removed afterwards).")
    var directory = ".parley/bench-log"

    @Option(help: "Dialog corpus folder (installed by tools/setup).")
    var corpus = ".parley/corpus"

    func run() async throws {
        let progress = BenchProgress(json: options.json)
        let logger = options.logger
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let payloads = CorpusPayloads.messages(20_000, sentences: try CorpusPayloads.sentences(corpus: corpus))
        var report = LogBenchReport()
        report.payloadBytesMean = Double(payloads.reduce(0) { $0 + $1.count }) / Double(payloads.count)
        let maker = EventMaker(payloads: payloads)

        progress.step("raw fdatasync of a plain file")
        let raw = try SyncProbe.measure(path: directory + "/probe", count: 400)
        report.rawSyncPerSecond = Double(raw.count) / raw.reduce(Duration.zero, +).seconds

        progress.step("durable appends, 1 appender")
        let single = try FileEventLog(directory: directory + "/single", logger: logger)
        var singleLatencies = Latencies()
        let (_, singleTime) = try await measure {
            for index in 0..<400 {
                let (_, took) = try await measure { try await single.append([maker.event(index)], to: maker.stream(index), expected: .any) }
                singleLatencies.record(took)
            }
        }
        report.single = AppendFigures(rate: 400 / singleTime.seconds, latencies: singleLatencies)

        progress.step("durable appends, 64 concurrent appenders")
        let concurrent = try FileEventLog(directory: directory + "/concurrent", logger: logger)
        let perAppender = 60
        let (concurrentLatencies, concurrentTime) = try await measure {
            try await withThrowingTaskGroup(of: Latencies.self) { group in
                for appender in 0..<64 {
                    group.addTask {
                        var latencies = Latencies()
                        for round in 0..<perAppender {
                            let index = appender * perAppender + round
                            let (_, took) = try await measure { try await concurrent.append([maker.event(index)], to: maker.stream(index), expected: .any) }
                            latencies.record(took)
                        }
                        return latencies
                    }
                }
                return try await group.reduce(into: Latencies()) { $0.append(contentsOf: $1) }
            }
        }
        report.concurrent = AppendFigures(rate: Double(64 * perAppender) / concurrentTime.seconds, latencies: concurrentLatencies)

        progress.step("durable appends in batches of 1000")
        let batched = try FileEventLog(directory: directory + "/batched", logger: logger)
        var batchLatencies = Latencies()
        let batches = 200
        let (_, batchTime) = try await measure {
            for batch in 0..<batches {
                let events = (0..<1000).map { maker.event(batch * 1000 + $0) }
                let (_, took) = try await measure { try await batched.append(events, to: maker.stream(batch), expected: .any) }
                batchLatencies.record(took)
            }
        }
        report.batched = AppendFigures(rate: Double(batches * 1000) / batchTime.seconds, latencies: batchLatencies)
        try [single, concurrent, batched].forEach { try $0.close() }

        progress.step("writing a log of \(events) events")
        let largePath = directory + "/large"
        let large = try FileEventLog(directory: largePath, logger: logger)
        var written = 0
        var rawJSON = 0
        while written < events {
            let count = min(1000, events - written)
            let batch = (0..<count).map { maker.event(written + $0) }
            rawJSON += batch.reduce(0) { $0 + $1.payload.count }
            _ = try await large.append(batch, to: maker.stream(written / 1000), expected: .any, durability: .buffered)
            written += count
        }
        try large.close()
        report.events = events

        progress.step("opening the log of \(events) events (sound index)")
        var openTimes: [Duration] = []
        for _ in 0..<3 {
            let (log, took) = try measure { try FileEventLog(directory: largePath, options: .init(readOnly: true), logger: logger) }
            openTimes.append(took)
            _ = log
        }
        report.openSeconds = openTimes.sorted()[1].seconds

        progress.step("reading $all with CRC checks and decompression")
        let reader = try FileEventLog(directory: largePath, options: .init(readOnly: true), logger: logger)
        let (readCount, readTime) = try await measure {
            var position = LogPosition.start
            var count = 0
            while true {
                let page = try await reader.readAll(from: position, limit: 8192)
                guard let last = page.last else { break }
                count += page.count
                position = last.position.next
            }
            return count
        }
        report.readPerSecond = Double(readCount) / readTime.seconds
        let verification = try FileEventLog.verify(directory: largePath, logger: logger)
        report.bytesOnDiskPerEvent = Double(verification.bytesOnDisk) / Double(events)
        report.rawJSONBytesPerEvent = Double(rawJSON) / Double(events)
        report.print(json: options.json)
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
