import EventSourcing
import Foundation
import Postgres

/// Which PostgreSQL Parley talks to: the URL given, else `PARLEY_DATABASE_URL`, else the
/// embedded server that `tools/pg start` runs under `.parley/`.
public struct DatabaseLocation: Sendable, Equatable {
    /// Where the connection string came from.
    public enum Source: String, Sendable {
        case option = "--database-url"
        case environment = "PARLEY_DATABASE_URL"
        case embedded
    }

    /// A libpq connection string; may hold a password, so print `ConnectionString.redacted` of it.
    public var conninfo: String
    public var source: Source

    public init(conninfo: String, source: Source) {
        self.conninfo = conninfo
        self.source = source
    }

    /// Resolves the location in order: option, environment, embedded server.
    ///
    /// - Parameter home: the folder of the embedded server, by default `$PARLEY_HOME` (when not empty) or `./.parley`.
    public static func resolve(
        option: String?, environment: [String: String] = ProcessInfo.processInfo.environment, home: String? = nil
    ) throws(DatabaseLocationError) -> DatabaseLocation {
        if let option, !option.isEmpty { return DatabaseLocation(conninfo: option, source: .option) }
        if let url = environment["PARLEY_DATABASE_URL"], !url.isEmpty {
            return DatabaseLocation(conninfo: url, source: .environment)
        }
        return try embedded(home: home ?? defaultHome(environment: environment))
    }

    /// The folder of what the tools install (`tools/setup`, `tools/pg`): `$PARLEY_HOME` when not
    /// empty, else `.parley` in the working folder.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["PARLEY_HOME"], !home.isEmpty { return home }
        return FileManager.default.currentDirectoryPath + "/.parley"
    }

    /// The embedded server's connection string, read from its `postmaster.pid`.
    public static func embedded(home: String) throws(DatabaseLocationError) -> DatabaseLocation {
        let pidFile = home + "/pgdata/postmaster.pid"
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8) else {
            if let problem = PathStatus(pidFile).problem { throw .unusablePidFile(path: pidFile, reason: problem) }
            throw .embeddedNotRunning(pidFile: pidFile)
        }
        return DatabaseLocation(conninfo: try conninfo(postmasterPid: text, path: pidFile), source: .embedded)
    }

    /// Builds a connection string from the lines of a `postmaster.pid` (PostgreSQL 10 and later):
    /// line 4 is the port, line 5 the first socket directory, line 6 the first listen address.
    static func conninfo(postmasterPid text: String, path: String) throws(DatabaseLocationError) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 6, let port = Int(lines[3].trimmingCharacters(in: .whitespaces)) else {
            throw .unreadablePidFile(path: path)
        }
        let socket = lines[4].trimmingCharacters(in: .whitespaces)
        let listen = lines[5].trimmingCharacters(in: .whitespaces)
        let host = socket.isEmpty ? (listen == "*" || listen.isEmpty ? "127.0.0.1" : listen) : socket
        // Quoted, so that a folder with a space or a quote in its path stays one value.
        return "host=\(ConnectionString.quoted(host)) port=\(port) user=postgres dbname=parley"
    }
}

/// Why no database location could be resolved.
public enum DatabaseLocationError: Error, Equatable, CustomStringConvertible {
    case embeddedNotRunning(pidFile: String)
    case unreadablePidFile(path: String)
    /// The pid file is there (or its folder is) but cannot be read; the system's reason.
    case unusablePidFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .embeddedNotRunning(let pidFile):
            return "the embedded PostgreSQL is not running (no \(pidFile)); start it with `tools/pg start`, "
                + "or give --database-url or PARLEY_DATABASE_URL"
        case .unreadablePidFile(let path):
            return "\(path) does not have the lines PostgreSQL writes (port on line 4, socket directory on line 5)"
        case .unusablePidFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        }
    }
}
