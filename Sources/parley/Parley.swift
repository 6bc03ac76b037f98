import ArgumentParser

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
}
