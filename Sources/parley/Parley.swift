import ArgumentParser
import Postgres

/// The `parley` command: it only lists the subcommands, each in its own file.
@main
struct Parley: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "An event-sourced core for conversational AI products.",
        subcommands: [
            Doctor.self, Migrate.self, Submit.self, ImportCommand.self, Project.self, Status.self, History.self, StateCommand.self,
            Audit.self, Explain.self, Replay.self, Verify.self, Rebuild.self, LogCommand.self, Bench.self,
        ]
    )

    /// Runs the chosen subcommand as ArgumentParser would, with a hint for errors whose cause is a step not taken.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: hinted(error))
        }
    }

    /// A database without Parley's bookkeeping tables has not been migrated, and one whose tables
    /// lack a column this build uses was migrated by an older build: say so.
    static func hinted(_ error: any Error) -> any Error {
        guard let error = error as? PostgresError else { return error }
        if error.code == .undefinedTable, error.message.contains("\"parley.") {
            return CommandFailure("\(error); the database has no Parley tables yet: run parley migrate first")
        }
        if error.code == .undefinedColumn {
            return CommandFailure("\(error); the database's tables lack a column this build of parley uses: if an older build migrated it, run parley migrate")
        }
        return error
    }
}
