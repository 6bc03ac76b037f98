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
            + "file goes on. Exit status: 0 when every command was handled and none rejected, 65 when every command was handled "
            + "and some were rejected, 1 when the run failed (the log, its sync, the input), 128 + N when stopped by signal N."
    )

    /// The exit status of a run that handled every line and rejected some (sysexits' EX_DATAERR):
    /// a script tells it from a failure of the run (1), after which lines may not have been handled.
    static let rejectedStatus: Int32 = 65

    @OptionGroup var options: GlobalOptions

    @Argument(help: "A file of JSON lines, or - for standard input.")
    var file = "-"

    @Option(parsing: .unconditional, help: "Commands per fdatasync: their results are printed once it covered them, so every printed result is durable. 1 syncs each command on its own.")
    var syncEvery = 1000

    func validate() throws {
        guard syncEvery > 0 else { throw ValidationError("--sync-every must be at least 1") }
    }

    func run() async throws {
        var input = file == "-" ? JSONLineReader.standardInput() : try JSONLineReader.file(file)
        let interruption = try Interruption.install()
        input.interruption = interruption
        let log = try LogAccess.openForWriting(options)
        var submitter = GroupCommitSubmitter(store: log, groupSize: syncEvery) {
            let pending = try log.startSync()
            return { try pending.finish() }
        }
        var tally = SubmitTally()
        let output = ResultWriter(json: options.json)
        // A count on the terminal while the results go to a file or a pipe (on the terminal, they are the progress).
        let progress = Progress(enabled: !options.json && isatty(STDOUT_FILENO) == 0, label: "line")
        var failure: String?
        func report(_ outcomes: [SubmitOutcome]) {
            for outcome in outcomes { tally.add(outcome) }
            output.write(outcomes)
        }
        var current = 0
        /// The last line whose command was handled (printed, or waiting for its group's sync).
        var handled = 0
        var syncFailed = false
        var stoppedBy: Int32?
        func unconfirmed(_ error: GroupCommitSubmitter.SyncFailed) -> String {
            let first = submitter.unconfirmed.first?.line ?? current
            return "syncing the log \(options.logPath): \(error); the results from line \(first) on are not confirmed: submit them again"
        }
        do {
            while case let lines = try await input.nextLines(), !lines.isEmpty {
                try await PreparedCommands.forEach(lines.map(\.bytes)) { index, command in
                    if let signal = interruption.signal { throw Interruption.Stopped(signal: signal) }
                    current = lines[index].number
                    report(try await submitter.submit(command, line: current))
                    handled = current
                    progress.update(UInt64(current))
                }
                // A producer that wrote nothing more waits on these results: confirm and print them now.
                if !input.hasInputNow {
                    report(try await submitter.confirm())
                    output.flush()
                }
            }
        } catch let error as GroupCommitSubmitter.SyncFailed {
            failure = unconfirmed(error) + "; the lines after \(error.commandHandled ? current : handled) were not handled"
            syncFailed = true
        } catch let stop as Interruption.Stopped {
            // Reported below, after the results of what was handled.
            stoppedBy = stop.signal
        } catch let error as CommandFailure {
            failure = "\(error); the lines after it were not handled"
        } catch let error as UnreadableEvent {
            // Submitting it again meets the same event.
            failure = "line \(current): \(error); this build of parley cannot read that event, so the command stopped there "
                + "(it may have stored part of its events) and the lines after it were not handled"
        } catch {
            // A command of several batches may have stored some of them; submitting it again completes it.
            failure = "line \(current): \(error); this command may have stored part of its events (submit it again to complete it), "
                + "and the lines after it were not handled"
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
        progress.finish()
        do {
            try log.close()
        } catch {
            failure = failure ?? "closing the log \(options.logPath): \(error)"
        }
        if input.interrupted { stoppedBy = interruption.signal }
        if !options.json || failure != nil || stoppedBy != nil {
            FileHandle.standardError.write(Data("submitted \(tally.summary)\n".utf8))
        }
        if let failure {
            FileHandle.standardError.write(Data("error: \(failure)\n".utf8))
            throw ExitCode.failure
        }
        if let stoppedBy {
            let handled = current == 0 ? "before the first line" : "after line \(current)"
            FileHandle.standardError.write(
                Data("stopped by \(Interruption.name(of: stoppedBy)) \(handled) (every result printed is durable); the lines after it were not handled\n".utf8))
            throw ExitCode(Interruption.exitStatus(for: stoppedBy))
        }
        if tally.rejected > 0 { throw ExitCode(Self.rejectedStatus) }
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
    /// Bounds the groups of outcomes waiting for `queue`, so that a reader that stops reading
    /// (`| less`, paused) stops the submit instead of letting its results pile up in memory.
    private let waiting = DispatchSemaphore(value: 16)

    init(json: Bool) {
        self.json = json
    }

    func write(_ outcomes: [SubmitOutcome]) {
        guard !outcomes.isEmpty else { return }
        waiting.wait()
        queue.async { [self] in
            defer { waiting.signal() }
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
