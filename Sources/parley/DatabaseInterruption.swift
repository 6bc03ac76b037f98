import ArgumentParser
import Foundation
import Postgres

/// Ctrl-C (SIGINT) or SIGTERM during a command's database work: the statement under way on each of
/// its connections is cancelled on the server and the ones after it are refused
/// (`QueryCancellation`), so the transaction under way rolls back at once instead of running to
/// its end after the process is gone, holding its locks. The command then says so and exits with
/// 128 + the signal's number. A second signal ends the process at once.
enum DatabaseInterruption {
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        let (cancellation, interruption) = try install()
        do {
            return try await QueryCancellation.$current.withValue(cancellation) { try await body() }
        } catch {
            throw stopped(interruption) ?? error
        }
    }

    static func run<T>(_ body: () throws -> T) throws -> T {
        let (cancellation, interruption) = try install()
        do {
            return try QueryCancellation.$current.withValue(cancellation) { try body() }
        } catch {
            throw stopped(interruption) ?? error
        }
    }

    /// A cancellation that the first signal triggers.
    private static func install() throws(CommandFailure) -> (QueryCancellation, Interruption) {
        let cancellation = QueryCancellation()
        let interruption = try Interruption.install { signal in
            cancellation.cancel(reason: "stopped by \(Interruption.name(of: signal))")
        }
        return (cancellation, interruption)
    }

    /// When a signal stopped the work: says so on standard error and gives the exit code.
    private static func stopped(_ interruption: Interruption) -> ExitCode? {
        guard let signal = interruption.signal else { return nil }
        let newline = isatty(STDERR_FILENO) == 1 ? "\n" : ""
        FileHandle.standardError.write(Data((newline + "stopped by \(Interruption.name(of: signal)): the database work under way "
            + "was cancelled and rolled back; what was committed before it stays (run the command again to go on)\n").utf8))
        return ExitCode(Interruption.exitStatus(for: signal))
    }
}
