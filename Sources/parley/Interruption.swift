import Dispatch
import Foundation
import Synchronization
import SystemPackage

/// SIGINT (Ctrl-C) and SIGTERM as a request to stop, for a command that has work to finish first:
/// it stops taking new work, syncs and prints what it already did, and exits with 128 + the
/// signal's number. A second signal ends the process at once, as if nothing had been installed.
///
///     let interruption = try Interruption.install()
///     while interruption.signal == nil { ... }
///
/// A command blocked reading its input polls `descriptor` beside it: it becomes readable when a
/// signal arrives.
final class Interruption: Sendable {
    /// The first signal's number, 0 until one arrives; shared with the handlers.
    private final class Received: Sendable {
        let number = Atomic<Int32>(0)
    }

    private let received = Received()
    /// The read end of a pipe that gets one byte when the first signal arrives.
    let descriptor: FileDescriptor
    private let writeEnd: FileDescriptor
    /// Kept alive for as long as the interruption is; each delivers its signal on a global queue.
    /// Touched only by `init` and `deinit`.
    private nonisolated(unsafe) let sources: [any DispatchSourceSignal]

    /// Installs the handlers for SIGINT and SIGTERM; the caller keeps the result for the rest of its
    /// run. `onSignal` runs once, on a thread of its own, when the first signal arrives; a second
    /// signal ends the process even while it runs.
    static func install(onSignal: (@Sendable (Int32) -> Void)? = nil) throws(CommandFailure) -> Interruption {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw CommandFailure("cannot prepare for Ctrl-C: pipe failed (\(Errno(rawValue: errno)))") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        return Interruption(read: FileDescriptor(rawValue: ends[0]), write: FileDescriptor(rawValue: ends[1]), onSignal: onSignal)
    }

    private init(read: FileDescriptor, write: FileDescriptor, onSignal: (@Sendable (Int32) -> Void)?) {
        descriptor = read
        writeEnd = write
        let received = received
        sources = [SIGINT, SIGTERM].map { number in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard received.number.compareExchange(expected: 0, desired: number, ordering: .sequentiallyConsistent).exchanged else {
                    // To the process, not this thread: dispatch's threads block the signal, so a
                    // raise() here would stay pending.
                    Glibc.signal(number, SIG_DFL)
                    kill(getpid(), number)
                    return
                }
                _ = try? write.writeAll([UInt8(1)])
                // On its own thread: a source runs one handler at a time, so a handler that waited
                // for `onSignal` (which may never return) would never see the second signal.
                if let onSignal { Thread.detachNewThread { onSignal(number) } }
            }
            source.resume()
            return source
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in [SIGINT, SIGTERM] { Glibc.signal(number, SIG_DFL) }
        try? descriptor.close()
        try? writeEnd.close()
    }

    /// The signal that asked to stop, or nil while none has.
    var signal: Int32? {
        let number = received.number.load(ordering: .sequentiallyConsistent)
        return number == 0 ? nil : number
    }

    /// The exit status of a command that stopped for `signal`, as a shell reports a killed one.
    static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    /// The signal's name as a user knows it.
    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }

    /// Thrown by work that stopped taking new work because a signal asked it to.
    struct Stopped: Error {
        let signal: Int32
    }
}
