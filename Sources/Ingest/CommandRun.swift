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
    }

    /// Runs `commands`; `progress` gets the number handled so far after each one. Commands are
    /// prepared a chunk ahead on another task (`PreparedCommands`).
    public static func run<Commands: Sequence<CommandEnvelope>>(
        _ commands: Commands, through router: CommandRouter, progress: (Int) -> Void = { _ in }
    ) async throws -> Report where Commands.Iterator: Sendable {
        var report = Report()
        try await PreparedCommands.forEach(commands) { offset, command in
            let outcome = SubmitOutcome(line: offset + 1, commandID: command.commandID, result: try await router.handle(command))
            report.tally.add(outcome)
            if outcome.status == .rejected { report.rejections.append(outcome) }
            progress(offset + 1)
        }
        return report
    }
}
