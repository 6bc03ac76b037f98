import Foundation
import Logging
import Postgres
import Projections
import Testing

/// The server `tools/test` started, and scratch databases on it. Tests fail, never skip, without it.
enum TestServer {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "PARLEY_DATABASE_URL is not set: run the tests with tools/test, which starts PostgreSQL"
        }
    }

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PARLEY_DATABASE_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// A logger that keeps test output to errors.
    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }

    static func connect(_ conninfo: String) throws -> Connection {
        try Connection(conninfo, logger: TestServer.logger)
    }

    /// The repository's `migrations/` folder.
    static var migrationsDirectory: String {
        repositoryRoot + "/migrations"
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The seed example queries copied into `Fixtures/<schema>/`.
    static func fixture(_ schema: String, _ name: String) throws -> String {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/\(schema)/\(name)"
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}

/// A database of its own on the test server, named `parley_test_<random>`, dropped by `drop()`.
struct ScratchDatabase {
    let name: String
    let conninfo: String

    static func create() throws -> ScratchDatabase {
        let server = try TestServer.url()
        let name = "parley_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try TestServer.connect(server).execute("CREATE DATABASE \(name)")
        guard let conninfo = ConnectionString.replacingDatabase(in: server, with: name) else {
            throw PostgresError(kind: .usage, message: "PARLEY_DATABASE_URL does not parse")
        }
        return ScratchDatabase(name: name, conninfo: conninfo)
    }

    func connect() throws -> Connection { try TestServer.connect(conninfo) }

    /// Drops the database, closing whatever connections remain.
    func drop() {
        guard let server = try? TestServer.url() else { return }
        _ = try? TestServer.connect(server).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

/// One database with every migration applied, shared by the tests of this process, which work in
/// transactions they roll back. It is dropped when the process exits.
enum MigratedDatabase {
    private static let shared: Result<ScratchDatabase, any Error> = Result {
        let database = try ScratchDatabase.create()
        atexit { MigratedDatabase.dropAtExit() }
        let connection = try database.connect()
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: connection, files: files, logger: TestServer.logger).migrate()
        return database
    }

    private static func dropAtExit() {
        if case .success(let database) = shared { database.drop() }
    }

    static func connect() throws -> Connection {
        try shared.get().connect()
    }

    /// Runs `body` in a transaction with `schema` first on the search path, then rolls it back.
    static func withRollback<T>(schema: String, _ body: (Connection) throws -> T) throws -> T {
        let connection = try connect()
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        try connection.execute("SET LOCAL search_path TO \(schema), public")
        return try body(connection)
    }
}
