import ArgumentParser
import Foundation
import Synchronization
import SystemPackage

/// A benchmark's scratch folder: made by the benchmark, marked as such, and the only folder a
/// benchmark ever removes.
///
/// `--directory` names a place on the disk to measure; a folder already there that no benchmark
/// made (a log, a database's data, a typo for one) is refused, never emptied. The run holds an
/// exclusive `flock` on its marker, so a second benchmark given the same folder is refused too,
/// while a folder that a killed run left (marked, unlocked) is emptied and reused.
struct ScratchFolder {
    /// The file that marks a folder as a benchmark's own.
    static let marker = ".parley-bench"

    let path: String

    /// Refuses `path` when it exists and is not a folder a benchmark made (or an empty one), or is
    /// in use by a running benchmark: for a command's `validate()`, so the refusal is a usage
    /// error with the command's own usage.
    static func check(_ path: String) throws(ValidationError) {
        if let refusal = refusal(of: path) { throw ValidationError(refusal) }
    }

    /// Makes `path` an empty marked folder, locked for this run; with `keeping`, a marked folder
    /// keeps what it holds and the run leaves the folder behind, locked until the process ends.
    /// Otherwise `leftovers` removes it, registered before anything is made, and the lock lasts
    /// until then. Throws `CommandFailure` when `path` is not a folder to use (`check` said so
    /// first, unless it changed since).
    @discardableResult
    static func prepare(_ path: String, keeping: Bool = false, leftovers: BenchLeftovers) throws -> ScratchFolder {
        if let refusal = refusal(of: path) { throw CommandFailure(refusal) }
        let files = FileManager.default
        let markerPath = path + "/" + marker
        let lock = MarkerLock()
        if !keeping {
            leftovers.add("the folder \(path)") { try withExtendedLifetime(lock) { try remove(path) } }
            if files.fileExists(atPath: path) { try files.removeItem(atPath: path) }
        }
        try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data("made by parley bench (process \(getpid())); removed when it ends\n".utf8).write(to: URL(fileURLWithPath: markerPath))
        let descriptor = try FileDescriptor.open(markerPath, .readOnly, options: .closeOnExec)
        guard flock(descriptor.rawValue, LOCK_EX | LOCK_NB) == 0 else {
            try? descriptor.close()
            throw CommandFailure("--directory \(path) is in use by another parley bench")
        }
        // A kept folder's descriptor stays open, and locked, for the rest of the process.
        if !keeping { lock.hold(descriptor) }
        return ScratchFolder(path: path)
    }

    /// Why `path` cannot be a benchmark's folder, or nil when it can: absent, empty, or marked
    /// and not in use.
    private static func refusal(of path: String) -> String? {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        let empty = isFolder.boolValue && ((try? files.contentsOfDirectory(atPath: path))?.isEmpty ?? false)
        if empty { return nil }
        guard isFolder.boolValue, files.fileExists(atPath: path + "/" + marker) else {
            return "--directory \(path) exists and was not made by parley bench; a benchmark removes its folder afterwards, so name a new one"
        }
        if let holder = holder(of: path + "/" + marker) {
            return "--directory \(path) is in use by another parley bench (\(holder)); name another folder"
        }
        return nil
    }

    /// What the marker says of the run holding its lock, or nil when no run holds it.
    private static func holder(of markerPath: String) -> String? {
        guard let descriptor = try? FileDescriptor.open(markerPath, .readOnly, options: .closeOnExec) else { return nil }
        defer { try? descriptor.close() }
        guard flock(descriptor.rawValue, LOCK_SH | LOCK_NB) != 0, errno == EWOULDBLOCK else { return nil }
        let text = (try? String(contentsOfFile: markerPath, encoding: .utf8)) ?? ""
        guard let open = text.firstRange(of: "(process "), let close = text[open.upperBound...].firstIndex(of: ")") else { return "a process" }
        return "process " + text[open.upperBound..<close]
    }

    /// Removes the folder at `path` and everything in it, its marker last, so that a removal cut
    /// short leaves a folder still marked as the benchmark's. An entry that appears meanwhile (the
    /// benchmark's threads run on during a signal's clean-up) is removed on the next of three passes.
    private static func remove(_ path: String) throws {
        let files = FileManager.default
        for pass in 1...3 {
            guard files.fileExists(atPath: path) else { return }
            for entry in try files.contentsOfDirectory(atPath: path) where entry != marker {
                try files.removeItem(atPath: path + "/" + entry)
            }
            let markerPath = path + "/" + marker
            if files.fileExists(atPath: markerPath) { try files.removeItem(atPath: markerPath) }
            if rmdir(path) == 0 || errno == ENOENT { return }
            guard errno == ENOTEMPTY, pass < 3 else {
                let problem = Errno(rawValue: errno)
                try? Data("made by parley bench; its removal failed\n".utf8).write(to: URL(fileURLWithPath: markerPath))
                throw CommandFailure("\(problem)")
            }
        }
    }
}

/// The open marker of a folder in use, held by its registered removal: its `flock` lasts until
/// the removal has run.
private final class MarkerLock: Sendable {
    private let descriptor = Mutex<FileDescriptor?>(nil)

    func hold(_ descriptor: FileDescriptor) { self.descriptor.withLock { $0 = descriptor } }

    deinit { descriptor.withLock { try? $0?.close() } }
}

/// The `--only` cases of a benchmark, each checked against the ones it runs.
struct BenchCases {
    let selected: Set<String>

    /// Parses a comma-separated `--only`; throws `ValidationError` naming a case that is not in `known`.
    init(_ only: String, known: [String]) throws {
        let names = only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw ValidationError("--only: unknown case \"\(unknown)\"; the cases are \(known.joined(separator: ", "))")
        }
        guard !names.isEmpty else { throw ValidationError("--only: name at least one of \(known.joined(separator: ", "))") }
        selected = Set(names)
    }

    func contains(_ name: String) -> Bool { selected.contains(name) }
}
