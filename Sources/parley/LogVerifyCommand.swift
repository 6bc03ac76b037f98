import ArgumentParser
import EventLog
import Foundation

/// `parley log verify`: checks every block, record and the index; prints a summary.
struct LogVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every record and the index of the log; print events, streams, bytes and compression."
    )

    @OptionGroup var options: GlobalOptions

    struct Summary: Encodable {
        var directory: String
        var events: UInt64
        var streams: Int
        var segments: Int
        var blocks: Int
        var bytesOnDisk: Int64
        var rawRecordBytes: Int64
        var compressionRatio: Double
        var firstPosition: UInt64?
        var lastPosition: UInt64?
        var indexSnapshot: String
        var tornTail: TornTailSummary?
        var writerRunning: Bool
    }

    /// Bytes after the last whole batch of the last segment that no acknowledged append wrote.
    struct TornTailSummary: Encodable {
        var segment: String
        var offset: Int64
        var bytes: Int64
        /// The first position the cut takes.
        var fromPosition: UInt64
        var reason: String
    }

    func run() throws {
        let directory = options.logPath
        try LogAccess.requireLog(directory)
        let progress = Progress(enabled: !options.json, label: "verified")
        let report = try FileEventLog.verify(directory: directory, logger: options.logger) { progress.update($0) }
        progress.finish()
        let summary = Summary(
            directory: directory, events: report.events, streams: report.streams, segments: report.segments,
            blocks: report.blocks, bytesOnDisk: report.bytesOnDisk, rawRecordBytes: report.rawRecordBytes,
            compressionRatio: (report.compressionRatio * 1000).rounded() / 1000,
            firstPosition: report.firstPosition?.rawValue, lastPosition: report.lastPosition?.rawValue,
            indexSnapshot: report.indexSnapshot,
            tornTail: report.tornTail.map {
                TornTailSummary(segment: $0.segment, offset: $0.offset, bytes: $0.bytes, fromPosition: $0.position.rawValue, reason: $0.reason)
            },
            writerRunning: report.writerRunning)
        if options.json {
            JSONLines.print(summary)
            return
        }
        print("log          \(directory)")
        print("events       \(summary.events) (positions \(summary.firstPosition.map(String.init) ?? "-") to \(summary.lastPosition.map(String.init) ?? "-"))")
        print("streams      \(summary.streams)")
        print("segments     \(summary.segments), \(summary.blocks) blocks, \(summary.bytesOnDisk) bytes on disk")
        print("compression  \(summary.rawRecordBytes) record bytes stored in \(report.storedBlockBytes) (ratio \(summary.compressionRatio))")
        print("index        \(summary.indexSnapshot)")
        if report.writerRunning { print("writer       running: the last segment was read up to what it has written") }
        if let tail = report.tornTail, report.writerRunning {
            print("unfinished   \(tail)")
            print("ok: every whole batch checked; the writer was still writing the bytes from position \(tail.position) on")
        } else if let tail = report.tornTail {
            print("torn tail    \(tail)")
            print("ok: every whole batch checked; the torn tail was never acknowledged, and the next writer to open the log cuts it")
        } else {
            print("ok: every block checksum and record checked")
        }
    }
}

/// A one-line counter on standard error, drawn at the first update and then at most ten times a
/// second, only on a terminal.
final class Progress {
    private let enabled: Bool
    private let label: String
    private var last: ContinuousClock.Instant?
    private var drawn = false

    init(enabled: Bool, label: String) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        self.label = label
    }

    func update(_ count: UInt64, of total: UInt64? = nil) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let last, now - last < .milliseconds(100) { return }
        last = now
        drawn = true
        let text = total.map { "\r\(label) \(count) of \($0)" } ?? "\r\(label) \(count)"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Clears the line; also when the command fails, so its error starts a line of its own.
    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    deinit { finish() }
}
