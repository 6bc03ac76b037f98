import EventSourcing

/// Handles a list of commands one after the other through a router, counting what each came to.
///
/// In order, because later commands depend on earlier ones (a message on its conversation) and
/// because the same list must give the same log, byte for byte.
public enum CommandRun {
    /// The counts, and the outcomes of the rejected commands (`line` is the command's place from 1).
    public struct Report: Sendable {
        public var tally = SubmitTally()
        public var rejections: [SubmitOutcome] = []
        /// Whether the run stopped because it was asked to, before its last command; `tally.commands`
        /// were handled.
        public var stoppedEarly = false
    }

    /// The store failed while handling command `line` (from 1): the commands before it were
    /// handled, as `report` counts; that one may have stored some of its batches (handling it
    /// again completes it).
    public struct Stopped: Error, CustomStringConvertible {
        public var line: Int
        public var report: Report
        public var underlying: any Error

        public var description: String { "command \(line): \(underlying)" }
    }

    /// Runs `commands`; `progress` gets the number handled so far after each one. Commands are
    /// prepared a chunk ahead on another task (`PreparedCommands`). `shouldStop` is asked before
    /// each command: when it says so, the run ends there (`stoppedEarly`), with every command
    /// before handled. A store failure stops the run with `Stopped`.
    public static func run<Commands: Sequence<CommandEnvelope>>(
        _ commands: Commands, through router: CommandRouter, until shouldStop: () -> Bool = { false },
        progress: (Int) -> Void = { _ in }
    ) async throws(Stopped) -> Report where Commands.Iterator: Sendable {
        var report = Report()
        var current = 0
        do {
            try await PreparedCommands.forEach(commands) { offset, command in
                if shouldStop() { throw StopRequested() }
                current = offset + 1
                let outcome = SubmitOutcome(line: offset + 1, commandID: command.commandID, result: try await router.handle(command))
                report.tally.add(outcome)
                if outcome.status == .rejected { report.rejections.append(outcome) }
                progress(offset + 1)
            }
        } catch is StopRequested {
            report.stoppedEarly = true
        } catch {
            throw Stopped(line: current, report: report, underlying: error)
        }
        return report
    }

    private struct StopRequested: Error {}
}
