import Foundation
import Synchronization

/// What a benchmark must not leave behind (its scratch folder, its scratch database), removed by
/// its `defer` at the end, or by the handler of the first SIGINT or SIGTERM, which then ends the
/// process with 128 + the signal's number: a benchmark holds no results worth finishing for.
///
///     let leftovers = try BenchLeftovers.install()
///     try await leftovers.guarding {
///         let folder = try ScratchFolder.prepare(directory)
///         leftovers.add("the folder \(folder.path)") { folder.remove() }
///         defer { folder.remove() }
///         ...
///     }
///
/// It lives for the rest of the process: its signal handler holds it.
final class BenchLeftovers: Sendable {
    private let cleanups = Mutex<[(what: String, remove: @Sendable () -> Void)]>([])
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

    /// Registers `remove` for `what`; it runs at most once, on a signal.
    func add(_ what: String, remove: @escaping @Sendable () -> Void) {
        cleanups.withLock { $0.append((what, remove)) }
    }

    /// Runs the benchmark's work. When a signal's clean-up is under way, the work fails as its
    /// database or folder is pulled away: then this waits for the clean-up to end the process
    /// rather than let the failure be printed and the process exit half-cleaned.
    func guarding(_ work: () async throws -> Void) async throws {
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

    private func removeAllAndExit(_ signal: Int32) -> Never {
        stopping.store(true, ordering: .sequentiallyConsistent)
        let all = cleanups.withLock { cleanups in
            defer { cleanups = [] }
            return cleanups
        }
        for cleanup in all.reversed() { cleanup.remove() }
        let removed = all.isEmpty ? "" : ": removed " + all.map(\.what).joined(separator: " and ")
        let newline = isatty(STDERR_FILENO) == 1 ? "\n" : ""
        FileHandle.standardError.write(Data("\(newline)stopped by \(Interruption.name(of: signal))\(removed)\n".utf8))
        // Not exit(): the benchmark's threads are still running, and atexit handlers would race them.
        _exit(Interruption.exitStatus(for: signal))
    }
}
