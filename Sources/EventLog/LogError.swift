import EventSourcing
import SystemPackage

/// Why the log could not do what was asked. Corruption names the file, byte offset and position.
public enum LogError: Error, Equatable, CustomStringConvertible {
    /// Another process holds the writer lock.
    case locked(directory: String, holderPID: Int32?)
    /// A damaged record or block that is not a torn tail: nothing past it is read.
    case corrupt(segment: String, offset: Int64, position: LogPosition, reason: String)
    /// A system call failed.
    case io(operation: String, path: String, errno: Errno)
    /// An earlier write or sync failed; the log refuses further appends until reopened.
    case poisoned(reason: String)
    /// The log was closed.
    case closed
    /// The log was opened read-only.
    case readOnly
    /// The batch itself is unusable: empty, repeating an id, or a field too long for the format.
    case invalidBatch(reason: String)
    /// An `Options` value the format cannot hold, named with its bounds.
    case invalidOptions(reason: String)

    public var description: String {
        switch self {
        case .locked(let directory, let pid):
            "the log \(directory) is locked by another writer"
                + (pid.map { " (process \($0), see \(directory)/writer.lock)" } ?? " (see \(directory)/writer.lock)")
        case .corrupt(let segment, let offset, let position, let reason):
            "corrupt log: \(segment) at byte \(offset), position \(position): \(reason)"
        case .io(let operation, let path, let errno):
            "\(operation) \(path) failed: \(errno)"
        case .poisoned(let reason):
            "the log stopped accepting appends after a failed write or sync (\(reason)); reopen it"
        case .closed:
            "the log is closed"
        case .readOnly:
            "the log was opened read-only"
        case .invalidBatch(let reason):
            "invalid batch: \(reason)"
        case .invalidOptions(let reason):
            "invalid log options: \(reason)"
        }
    }
}
