import ArgumentParser

/// `parley log ...`: inspect the event log itself.
struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Check and print the event log.",
        subcommands: [LogVerify.self, LogDump.self, LogStressWriter.self]
    )
}
