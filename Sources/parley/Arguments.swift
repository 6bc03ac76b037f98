import ArgumentParser
import EventLog
import EventSourcing
import Foundation
import Migue

/// Checks of what a command was given, for `validate()`: a wrong argument exits 64 with the
/// command's usage, before anything is opened.
enum Arguments {
    /// Every stream category a product's domain writes (`migue.reminder`, ...).
    static let categories = MigueStream.categories

    /// A stream name `category-id`; an id that is a UUID is taken in either case (stored ones are
    /// lowercase, while payloads and `state` print UUIDs in uppercase).
    static func stream(_ text: String) throws -> StreamName {
        guard let name = StreamName(text) else {
            throw ValidationError("\(text): expected a stream name category-id, e.g. migue.reminder-7f3e0000-...")
        }
        guard let id = UUID(uuidString: name.id), let lowered = StreamName(category: name.category, id: id.lowercasedText) else { return name }
        return lowered
    }

    /// An aggregate id as stored: a UUID in lowercase, anything else as given.
    static func aggregateID(_ text: String) -> String {
        UUID(uuidString: text)?.lowercasedText ?? text
    }

    /// Throws unless some category belongs to `product` (and is `product.aggregate`, when given).
    static func checkProduct(_ product: String, aggregate: String?) throws {
        let known = Set(categories.map { String($0.prefix { $0 != "." }) })
        guard known.contains(product) else {
            throw ValidationError("no product named \(product) writes events (known: \(known.sorted().joined(separator: ", ")))")
        }
        guard let aggregate else { return }
        let aggregates = categories.filter { $0.hasPrefix(product + ".") }.map { String($0.dropFirst(product.count + 1)) }
        guard aggregates.contains(aggregate) else {
            throw ValidationError("\(product) has no aggregate \(aggregate) (known: \(aggregates.joined(separator: ", ")))")
        }
    }
}

/// Opening the event log for commands that only read it.
enum LogAccess {
    /// The log at `--log`, read-only (a writer may be appending), or a clear error when there is none.
    static func openForReading(_ options: GlobalOptions) throws -> FileEventLog {
        try requireLog(options.logPath)
        return try FileEventLog(directory: options.logPath, options: .init(readOnly: true), logger: options.logger)
    }

    /// The log at `--log` for appending. A folder that does not exist or is empty becomes a new
    /// log, and standard error says so unless `--json` (a mistyped `--log` would otherwise start a
    /// log quietly); a folder holding other files and no log is refused rather than filled with
    /// segments.
    static func openForWriting(_ options: GlobalOptions) throws -> FileEventLog {
        let directory = options.logPath
        let visible = try listing(directory)?.filter { !$0.hasPrefix(".") } ?? []
        let started = visible.contains(where: isLogFile)
        if !started, visible.contains(where: { !isLogFile($0) && !leftByALog.contains($0) }) {
            throw CommandFailure("\(directory) holds other files and no event log: give --log a new or empty folder, or the folder of a log")
        }
        let log = try FileEventLog(directory: directory, logger: options.logger)
        if !started, !options.json {
            FileHandle.standardError.write(Data("parley: started a new event log at \(directory)\n".utf8))
        }
        return log
    }

    /// The names in the log folder `directory`; nil when there is no such folder.
    private static func listing(_ directory: String) throws -> [String]? {
        switch PathStatus.contents(ofDirectory: directory) {
        case .success(let names): return names
        case .failure(.missing): return nil
        case .failure(.file): throw CommandFailure("\(directory) is a file, not an event log folder")
        case .failure(let status): throw CommandFailure("cannot read \(directory): \(status)")
        }
    }

    /// A file of a log: a segment (named as one: `x.seg` is not) or the synced marker, whose
    /// folder without segments the open reports as segments gone.
    private static func isLogFile(_ name: String) -> Bool { FileEventLog.isSegmentFileName(name) || name == "synced" }

    /// Files a log may leave without a segment or marker (its first open failed after taking the
    /// lock, the disk full): the folder is still a new log's, not someone else's.
    private static let leftByALog: Set<String> = ["writer.lock", "index.snapshot"]

    /// Throws unless `directory` is a folder holding a log's files (a segment or the synced marker).
    static func requireLog(_ directory: String) throws {
        guard let names = try listing(directory) else {
            throw CommandFailure("no event log at \(directory) (give --log DIR or set PARLEY_LOG)")
        }
        guard names.contains(where: isLogFile) else {
            throw CommandFailure("\(directory) holds no event log (no segment files)")
        }
    }
}
