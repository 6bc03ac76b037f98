import ArgumentParser
import Foundation

/// A benchmark's scratch folder: made by the benchmark, marked as such, and the only folder a
/// benchmark ever removes.
///
/// `--directory` names a place on the disk to measure; a folder already there that no benchmark
/// made (a log, a database's data, a typo for one) is refused, never emptied.
struct ScratchFolder {
    /// The file that marks a folder as a benchmark's own.
    static let marker = ".parley-bench"

    let path: String

    /// Refuses `path` when it exists and is not a folder a benchmark made (or an empty one): for
    /// a command's `validate()`, so the refusal is a usage error with the command's own usage.
    static func check(_ path: String) throws(ValidationError) {
        if let refusal = refusal(of: path) { throw ValidationError(refusal) }
    }

    /// Makes `path` an empty marked folder; with `keeping`, a marked folder keeps what it holds.
    /// Throws `CommandFailure` when `path` is not a folder to use (`check` said so first, unless
    /// it changed since).
    static func prepare(_ path: String, keeping: Bool = false) throws -> ScratchFolder {
        if let refusal = refusal(of: path) { throw CommandFailure(refusal) }
        let files = FileManager.default
        if files.fileExists(atPath: path) {
            if keeping && files.fileExists(atPath: path + "/" + marker) { return ScratchFolder(path: path) }
            try files.removeItem(atPath: path)
        }
        try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Data("made by parley bench; removed when it ends\n".utf8).write(to: URL(fileURLWithPath: path + "/" + marker))
        return ScratchFolder(path: path)
    }

    /// Why `path` cannot be a benchmark's folder, or nil when it can: absent, empty, or marked.
    private static func refusal(of path: String) -> String? {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        let marked = isFolder.boolValue && files.fileExists(atPath: path + "/" + marker)
        let empty = isFolder.boolValue && ((try? files.contentsOfDirectory(atPath: path))?.isEmpty ?? false)
        if marked || empty { return nil }
        return "--directory \(path) exists and was not made by parley bench; a benchmark removes its folder afterwards, so name a new one"
    }

    /// Removes the folder and everything in it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
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
