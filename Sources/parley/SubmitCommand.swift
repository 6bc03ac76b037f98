import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Ingest

/// `parley submit`: handles a file of JSON-lines commands against the event log, one result line each.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Handle commands (one JSON object per line) and print what each appended, or why it was rejected.",
        discussion: "Each command goes to its product's decider; a rejected command appends nothing and the rest of the "
            + "file goes on. The exit status is non-zero when any command was rejected."
    )

    @OptionGroup var options: GlobalOptions

    @Argument(help: "A file of JSON lines, or - for standard input.")
    var file = "-"

    @Option(help: "Commands per fdatasync: their results are printed once it covered them, so every printed result is durable. 1 syncs each command on its own.")
    var syncEvery = 1000

    func validate() throws {
        guard syncEvery > 0 else { throw ValidationError("--sync-every must be at least 1") }
    }

    func run() async throws {
        let input = try readInput()
        let log = try FileEventLog(directory: options.logPath, logger: options.logger)
        var submitter = GroupCommitSubmitter(store: log, groupSize: syncEvery) {
            let pending = try log.startSync()
            return { try pending.finish() }
        }
        var tally = SubmitTally()
        let output = ResultWriter(json: options.json)
        var failure: String?
        func report(_ outcomes: [SubmitOutcome]) {
            for outcome in outcomes { tally.add(outcome) }
            output.write(outcomes)
        }
        let lines = JSONLineSplitter.lines(of: input)
        var current = 0
        var syncFailed = false
        func unconfirmed(_ error: GroupCommitSubmitter.SyncFailed) -> String {
            let first = submitter.unconfirmed.first?.line ?? current
            return "syncing the log \(options.logPath): \(error); the results from line \(first) on are not confirmed: submit them again"
        }
        do {
            try await PreparedCommands.forEach(lines.map(\.bytes)) { index, command in
                current = lines[index].number
                report(try await submitter.submit(command, line: current))
            }
        } catch let error as GroupCommitSubmitter.SyncFailed {
            failure = unconfirmed(error) + "; the lines after \(current) were not handled"
            syncFailed = true
        } catch {
            failure = "line \(current): \(error); this command and the lines after it were not handled"
        }
        do {
            report(try await submitter.confirm())
        } catch let error as GroupCommitSubmitter.SyncFailed {
            // After a failed sync the log is poisoned, so this one fails too: nothing new to say.
            if !syncFailed { failure = failure.map { "\($0); then \(unconfirmed(error))" } ?? unconfirmed(error) }
        } catch {
            failure = failure ?? "\(error)"
        }
        output.flush()
        do {
            try log.close()
        } catch {
            failure = failure ?? "closing the log \(options.logPath): \(error)"
        }
        if !options.json || failure != nil {
            FileHandle.standardError.write(Data("submitted \(tally.summary)\n".utf8))
        }
        if let failure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode.failure
        }
        if tally.rejected > 0 { throw ExitCode(1) }
    }

    /// The whole input; a file that cannot be read (missing, a folder, an I/O error) is an error
    /// naming it, before anything is submitted.
    private func readInput() throws -> Data {
        guard file != "-" else { return try Self.readAll(FileHandle.standardInput, name: "standard input") }
        var folder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &folder) else { throw CommandFailure("cannot read \(file): no such file") }
        guard !folder.boolValue else { throw CommandFailure("cannot read \(file): it is a folder") }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file)) } catch { throw CommandFailure("cannot read \(file): \(error)") }
        defer { try? handle.close() }
        return try Self.readAll(handle, name: file)
    }

    private static func readAll(_ handle: FileHandle, name: String) throws -> Data {
        do { return try handle.readToEnd() ?? Data() } catch { throw CommandFailure("cannot read \(name): \(error)") }
    }
}

/// The non-blank lines of a JSON-lines text with their numbers from 1; a trailing `\r` and a
/// leading byte order mark are dropped.
enum JSONLineSplitter {
    static func lines(of data: Data) -> [(number: Int, bytes: Data.SubSequence)] {
        // The line ends, found with memchr over the contiguous bytes (a generic `split` took
        // about a tenth of a whole submit).
        var ends: [Int] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count, let found = memchr(base + offset, 0x0A, raw.count - offset) {
                let end = base.distance(to: UnsafeRawPointer(found))
                ends.append(end)
                offset = end + 1
            }
        }
        ends.append(data.count)
        var lines: [(Int, Data.SubSequence)] = []
        lines.reserveCapacity(ends.count)
        // A UTF-8 byte order mark (as some editors save) is not part of the first line.
        var start = data.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for (index, end) in ends.enumerated() {
            defer { start = end + 1 }
            var stop = end
            if stop > start, data[data.startIndex + stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
            let line = data[(data.startIndex + start)..<(data.startIndex + stop)]
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            lines.append((index + 1, line))
        }
        return lines
    }
}

/// Prints outcomes on standard output, as text lines or JSON lines; buffered unless it is a terminal.
///
/// Outcomes are formatted and written on a serial queue of their own, in the order given, so the
/// task submitting commands goes on meanwhile. JSON lines are written by `JSONValueEncoder`: the
/// bytes of Foundation's `JSONEncoder` with sorted keys and unescaped slashes.
final class ResultWriter: @unchecked Sendable {
    private let json: Bool
    private let interactive = isatty(STDOUT_FILENO) == 1
    private let queue = DispatchQueue(label: "parley.submit.output")
    private let encoder = JSONValueEncoder()
    /// Touched only on `queue`.
    private var buffer: [UInt8] = []

    init(json: Bool) {
        self.json = json
    }

    func write(_ outcomes: [SubmitOutcome]) {
        queue.async { [self] in
            for outcome in outcomes {
                if json, let line = try? encoder.encode(outcome) {
                    buffer.append(contentsOf: line)
                } else {
                    buffer.append(contentsOf: outcome.text.utf8)
                }
                buffer.append(UInt8(ascii: "\n"))
                if interactive || buffer.count > 1 << 16 { writeBuffer() }
            }
        }
    }

    /// Returns once everything given to `write` is on standard output.
    func flush() {
        queue.sync { writeBuffer() }
    }

    private func writeBuffer() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
