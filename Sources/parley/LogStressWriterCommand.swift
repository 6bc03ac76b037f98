import ArgumentParser
import EventLog
import EventSourcing
import Foundation

/// `parley log stress-writer`: appends durable batches until killed, printing each acknowledgement.
///
/// The crash test runs it as a child process and kills it with SIGKILL at random moments; every
/// line printed is an append the log acknowledged, which must survive.
struct LogStressWriter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress-writer",
        abstract: "Append durable batches in a loop until killed (for crash tests).",
        shouldDisplay: false
    )

    @OptionGroup var options: GlobalOptions

    @Option(parsing: .unconditional, help: "Concurrent appenders.")
    var appenders = 4

    @Option(parsing: .unconditional, help: "Largest batch, in events.")
    var maximumBatch = 50

    @Option(parsing: .unconditional, help: "Segment size in bytes (small values exercise rolling).")
    var segmentSize: Int64 = 256 << 10

    @Option(parsing: .unconditional, help: "Events in every fifth batch of the first appender (0: none); over a block's worth, such a batch has blocks of its own.")
    var largeBatch = 0

    @Flag(help: "Exit when standard input reaches its end, so that a writer outlives no test process that holds the other end.")
    var untilStdinCloses = false

    func validate() throws {
        guard appenders >= 1 else { throw ValidationError("--appenders must be at least 1, not \(appenders)") }
        guard maximumBatch >= 1 else { throw ValidationError("--maximum-batch must be at least 1, not \(maximumBatch)") }
        guard largeBatch >= 0 else { throw ValidationError("--large-batch must be 0 or more, not \(largeBatch)") }
    }

    func run() async throws {
        if untilStdinCloses { Self.exitWhenStandardInputCloses() }
        let log = try FileEventLog(directory: options.logPath, options: .init(segmentSize: segmentSize), logger: options.logger)
        let output = FileHandle.standardOutput
        let appenders = self.appenders, maximumBatch = self.maximumBatch, largeBatch = self.largeBatch
        try await withThrowingTaskGroup(of: Void.self) { group in
            for appender in 0..<appenders {
                group.addTask {
                    var round = 0
                    while true {
                        round += 1
                        let batchID = UUID()
                        let size = largeBatch > 0 && appender == 0 && round % 5 == 0 ? largeBatch : 1 + (round * 7 + appender * 13) % maximumBatch
                        let events = (0..<size).map { index in
                            ProposedEvent(
                                id: UUID(), type: "stress.appended", recordedAt: Timestamp(microsecondsSinceEpoch: Int64(round)),
                                metadata: EventMetadata(actor: "stress-writer-\(appender)"),
                                payload: Array(#"{"batch":"\#(batchID.uuidString)","index":\#(index),"size":\#(size),"text":"\#(String(repeating: "hello ", count: index % 40))"}"#.utf8))
                        }
                        let result = try await log.append(events, to: StreamName(category: "stress", id: "\(appender)")!, expected: .any)
                        guard case .appended(let batch) = result else { throw ValidationError("unexpected \(result)") }
                        let line = "ack \(batch.first) \(batch.last) \(batchID.uuidString) \(events.map { $0.id.uuidString }.joined(separator: ","))\n"
                        output.write(Data(line.utf8))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Reads standard input on a thread of its own and ends the process at its end of file.
    private static func exitWhenStandardInputCloses() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while true {
                let count = read(STDIN_FILENO, &byte, 1)
                if count == 0 || (count < 0 && errno != EINTR) { Glibc.exit(0) }
            }
        }
    }
}
