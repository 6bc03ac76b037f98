import Foundation

/// What is at a path, as the system says: so that a folder that is there but cannot be read is
/// reported as such, not as missing.
public enum PathStatus: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing there (`ENOENT`, or a parent that is not a folder).
    case missing
    case file
    case directory
    /// The path cannot be looked at or read; the system's reason, e.g. "Permission denied".
    case unusable(reason: String)

    /// Looks at `path`, following symbolic links; a folder must be readable and searchable, a
    /// file readable.
    public init(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            self = code == ENOENT || code == ENOTDIR ? .missing : .unusable(reason: String(cString: strerror(code)))
            return
        }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        guard access(path, isDirectory ? R_OK | X_OK : R_OK) == 0 else {
            self = .unusable(reason: String(cString: strerror(errno)))
            return
        }
        self = isDirectory ? .directory : .file
    }

    /// The system's reason when the path cannot be used, else nil.
    public var problem: String? {
        if case .unusable(let reason) = self { reason } else { nil }
    }

    public var description: String {
        switch self {
        case .missing: "no such file or folder"
        case .file: "a file"
        case .directory: "a folder"
        case .unusable(let reason): reason
        }
    }

    /// The names in the folder at `path`, or why they cannot be listed: `missing`, `file`, or the
    /// system's reason.
    public static func contents(ofDirectory path: String) -> Result<[String], PathStatus> {
        let status = PathStatus(path)
        guard status == .directory else { return .failure(status) }
        do {
            return .success(try FileManager.default.contentsOfDirectory(atPath: path))
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
            return .failure(.unusable(reason: reason ?? "\(error)"))
        }
    }
}
