import ArgumentParser

/// `parley bench ...`: measurements printed with their ratios, never timed tests.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure Parley on this machine and print the figures with their ratios.",
        subcommands: [BenchLog.self, BenchProject.self, BenchSubmit.self, BenchRebuild.self]
    )
}
