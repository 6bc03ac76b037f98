import Foundation
import Logging
import Postgres
import Projections

/// The server `tools/test` started, and scratch databases on it. Tests fail, never skip, without it.
public enum TestServer {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String {
            "PARLEY_DATABASE_URL is not set: run the tests with tools/test, which starts PostgreSQL"
        }
    }

    public static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PARLEY_DATABASE_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    /// A logger that keeps test output to errors.
    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .error
        return logger
    }

    /// A connection to the test server itself.
    public static func connect() throws -> Connection { try connect(url()) }

    public static func connect(_ conninfo: String) throws -> Connection {
        try Connection(conninfo, logger: TestServer.logger)
    }

    /// The repository's `migrations/` folder.
    public static var migrationsDirectory: String {
        repositoryRoot + "/migrations"
    }

    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

}

/// A database of its own on the test server, named `parley_test_<random>`, dropped by `drop()`.
public struct ScratchDatabase: Sendable {
    public let name: String
    public let conninfo: String

    public static func create() throws -> ScratchDatabase {
        let server = try TestServer.url()
        let name = "parley_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try TestServer.connect(server).execute("CREATE DATABASE \(name)")
        guard let conninfo = ConnectionString.replacingDatabase(in: server, with: name) else {
            throw PostgresError(kind: .usage, message: "PARLEY_DATABASE_URL does not parse")
        }
        return ScratchDatabase(name: name, conninfo: conninfo)
    }

    public func connect() throws -> Connection { try TestServer.connect(conninfo) }

    /// Drops the database, closing whatever connections remain.
    public func drop() {
        guard let server = try? TestServer.url() else { return }
        _ = try? TestServer.connect(server).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

/// One database with every migration applied, shared by the tests of this process, which work in
/// transactions they roll back. It is dropped when the process exits.
public enum MigratedDatabase {
    private static let shared: Result<ScratchDatabase, any Error> = Result {
        let database = try ScratchDatabase.create()
        atexit { MigratedDatabase.dropAtExit() }
        try migrate(database.connect())
        return database
    }

    private static func migrate(_ connection: Connection) throws {
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: connection, files: files, logger: TestServer.logger).migrate()
    }

    private static func dropAtExit() {
        if case .success(let database) = shared { database.drop() }
    }

    public static func connect() throws -> Connection {
        try shared.get().connect()
    }

    /// Runs `body` in a transaction with `schema` first on the search path, then rolls it back.
    public static func withRollback<T>(schema: String, _ body: (Connection) throws -> T) throws -> T {
        try inTransaction(connect(), schema: schema, body)
    }

    private static func inTransaction<T>(_ connection: Connection, schema: String, _ body: (Connection) throws -> T) throws -> T {
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        try connection.execute("SET LOCAL search_path TO \(schema), public")
        return try body(connection)
    }

    /// `withRollback` in a migrated database of its own, dropped afterwards: for a test whose DDL
    /// locks tables until it ends, which in the shared database could deadlock with the other
    /// tests' transactions on them.
    public static func withOwnDatabase<T>(schema: String, _ body: (Connection) throws -> T) throws -> T {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        try migrate(connection)
        return try inTransaction(connection, schema: schema, body)
    }
}
