import ArgumentParser
import Foundation
import Logging
import Postgres
import Projections

/// The options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "libpq connection string (else PARLEY_DATABASE_URL, else the embedded server).")
    var databaseURL: String?

    @Option(name: .customLong("log"), help: "Event log folder (else PARLEY_LOG, else $PARLEY_HOME/log, else .parley/log).")
    var logDirectory: String?

    @Flag(name: .long, help: "Print JSON lines instead of text.")
    var json = false

    @Flag(name: .long, help: "Log debug detail to standard error.")
    var verbose = false

    /// A `--database-url` libpq cannot parse is an argument error (exit 64), named before any work;
    /// so is an empty `--log` or `--database-url` (`--log "$UNSET"`), rather than the default.
    func validate() throws {
        if logDirectory?.isEmpty == true {
            throw ValidationError("--log is empty; name a folder, or leave the option out for PARLEY_LOG or \(ParleyHome.path)/log")
        }
        if databaseURL?.isEmpty == true {
            throw ValidationError("--database-url is empty; give a connection string, or leave the option out for PARLEY_DATABASE_URL or the embedded server")
        }
        if let databaseURL, !databaseURL.isEmpty, let problem = ConnectionString.parseProblem(databaseURL) {
            throw ValidationError("--database-url: \(problem)")
        }
    }

    func databaseLocation() throws -> DatabaseLocation {
        try DatabaseLocation.resolve(option: databaseURL)
    }

    /// The event log folder: `--log`, else `PARLEY_LOG`, else `log` in `ParleyHome`.
    var logPath: String {
        if let logDirectory { return logDirectory }
        if let path = ProcessInfo.processInfo.environment["PARLEY_LOG"], !path.isEmpty { return path }
        return ParleyHome.path + "/log"
    }

    var logger: Logger {
        var logger = Logger(label: "parley")
        logger.logLevel = verbose ? .debug : .warning
        return logger
    }
}
