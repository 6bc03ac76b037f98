import Foundation
import Synchronization

/// What a benchmark must not leave behind (its scratch folder, its scratch database), removed when
/// its work ends, or by the handler of the first SIGINT or SIGTERM, which then ends the process
/// with 128 + the signal's number: a benchmark holds no results worth finishing for. Each removal
/// runs once, on whichever path comes first; one that fails is reported, never claimed.
///
///     let leftovers = try BenchLeftovers.install()
///     try await leftovers.guarding {
///         let folder = try ScratchFolder.prepare(directory, leftovers: leftovers)
///         ...
///     }
///
/// It lives for the rest of the process: its signal handler holds it.
final class BenchLeftovers: Sendable {
    private let cleanups = Mutex<[(what: String, remove: @Sendable () throws -> Void)]>([])
    /// Set when a signal's clean-up starts.
    private let stopping = Atomic(false)
    /// Kept for as long as the benchmark runs: its handlers call `removeAllAndExit`.
    private nonisolated(unsafe) var interruption: Interruption?

    private init() {}

    static func install() throws(CommandFailure) -> BenchLeftovers {
        let leftovers = BenchLeftovers()
        leftovers.interruption = try Interruption.install { [leftovers] signal in leftovers.removeAllAndExit(signal) }
        return leftovers
    }

    /// Registers `remove` for `what`, to run once: when `guarding` ends, or on a signal.
    func add(_ what: String, remove: @escaping @Sendable () throws -> Void) {
        cleanups.withLock { $0.append((what, remove)) }
    }

    /// Runs the benchmark's work, then removes what it registered; a removal that fails is said
    /// on standard error. When a signal's clean-up is under way, the work fails as its database or
    /// folder is pulled away: then this waits for the clean-up to end the process rather than let
    /// the failure be printed and the process exit half-cleaned.
    func guarding(_ work: () async throws -> Void) async throws {
        defer {
            let failures = removeAll().failures
            if !failures.isEmpty { FileHandle.standardError.write(Data("parley bench: \(failures.joined(separator: "; "))\n".utf8)) }
        }
        do {
            try await work()
        } catch {
            waitWhileStopping()
            throw error
        }
        waitWhileStopping()
    }

    private func waitWhileStopping() {
        guard stopping.load(ordering: .sequentiallyConsistent) else { return }
        while true { pause() }
    }

    /// Runs and forgets every registered removal, the last registered first; returns what each
    /// removed, in registration order, and what each that failed said. Runs under the lock, so a
    /// signal's clean-up waits for one under way at the end of the work (and then finds nothing).
    private func removeAll() -> (removed: [String], failures: [String]) {
        cleanups.withLock { cleanups in
            defer { cleanups = [] }
            var removed: [String] = [], failures: [String] = []
            for cleanup in cleanups.reversed() {
                do {
                    try cleanup.remove()
                    removed.insert(cleanup.what, at: 0)
                } catch {
                    failures.insert("could not remove \(cleanup.what): \(error)", at: 0)
                }
            }
            return (removed, failures)
        }
    }

    private func removeAllAndExit(_ signal: Int32) -> Never {
        stopping.store(true, ordering: .sequentiallyConsistent)
        let (removed, failures) = removeAll()
        let said = (removed.isEmpty ? [] : ["removed " + removed.joined(separator: " and ")]) + failures
        let newline = isatty(STDERR_FILENO) == 1 ? "\n" : ""
        let message = "\(newline)stopped by \(Interruption.name(of: signal))" + (said.isEmpty ? "" : ": " + said.joined(separator: "; "))
        FileHandle.standardError.write(Data((message + "\n").utf8))
        // Not exit(): the benchmark's threads are still running, and atexit handlers would race them.
        _exit(Interruption.exitStatus(for: signal))
    }
}
