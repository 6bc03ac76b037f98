import Foundation
import Postgres
import Testing
import TestSupport

/// Ctrl-C during a benchmark removes what it made (its folder, its scratch database), says what it
/// removed and what it could not, and exits 130; a second Ctrl-C ends it at once.
@Suite(.serialized) struct BenchInterruptTests {
    /// A `parley bench project` started on `server` into a new folder, its standard error piped.
    private struct Run {
        let process = Process()
        let errors = Pipe()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-interrupt-\(UUID())").path
        let corpus: String

        init(server: String) throws {
            corpus = try BenchLogCommandTests().makeCorpus()
            process.executableURL = ParleyBinary.url
            process.arguments = [
                "bench", "project", "--messages", "2000000", "--corpus", corpus, "--directory", folder, "--database-url", server,
                "--migrations", MigrateCommandTests.migrations,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
        }

        func end() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            [corpus, folder].forEach { try? FileManager.default.removeItem(atPath: $0) }
        }
    }

    private static func benchDatabases(_ catalog: Connection) throws -> Set<String> {
        Set(try catalog.query("SELECT datname FROM pg_database WHERE datname LIKE 'parley_bench_%'").map { try $0.decode("datname") })
    }

    @Test func anInterruptedBenchmarkRemovesItsFolderAndDatabase() throws {
        let catalog = try TestServer.connect()
        let before = try Self.benchDatabases(catalog)
        let run = try Run(server: try TestServer.url())
        defer { run.end() }
        // Both made: the folder, and the scratch database (migrated: it has the checkpoints table).
        let made = try ParleyBinary.waitFor(seconds: 60) {
            try FileManager.default.fileExists(atPath: run.folder) && !Self.benchDatabases(catalog).subtracting(before).isEmpty
        }
        #expect(made, "the benchmark never made its folder and database")
        let database = try Self.benchDatabases(catalog).subtracting(before).first ?? "?"
        let (ended, said) = ParleyBinary.interrupt(run.process, errors: run.errors)
        #expect(ended, "still running 60 s after SIGINT")
        #expect(run.process.terminationStatus == 130, "\(said)")
        #expect(said.contains("stopped by SIGINT: removed the folder \(run.folder) and the database \(database)"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: run.folder))
        #expect(try !Self.benchDatabases(catalog).contains(database))
    }

    /// A folder in use by a running benchmark is refused to a second one, which leaves it alone.
    @Test func aSecondBenchmarkOnTheSameFolderIsRefused() throws {
        let run = try Run(server: try TestServer.url())
        defer { run.end() }
        let made = ParleyBinary.waitFor(seconds: 60) { FileManager.default.fileExists(atPath: run.folder + "/.parley-bench") }
        #expect(made, "the benchmark never made its folder")
        let second = try ParleyBinary.run(["bench", "log", "--only", "single", "--corpus", run.corpus, "--directory", run.folder])
        #expect(second.status == 64)
        #expect(
            second.standardError.contains("--directory \(run.folder) is in use by another parley bench (process \(run.process.processIdentifier))"),
            "\(second.standardError)")
        #expect(run.process.isRunning && FileManager.default.fileExists(atPath: run.folder + "/.parley-bench"))
        let (ended, said) = ParleyBinary.interrupt(run.process, errors: run.errors)
        #expect(ended && said.contains("removed the folder \(run.folder)"), "\(said)")
    }

    /// A drop could not see a database still being created: the signal cancels the `CREATE
    /// DATABASE` and waits for it. (Another session on template1 holds the statement up to 5 s.)
    @Test func aSignalDuringCreateDatabaseLeavesNoDatabase() throws {
        let server = try TestServer.url()
        let catalog = try TestServer.connect()
        let before = try Self.benchDatabases(catalog)
        var template: Connection? = try TestServer.connect(ConnectionString.replacingDatabase(in: server, with: "template1")!)
        let run = try Run(server: server)
        defer { run.end() }
        let creatingNow = """
            SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'CREATE DATABASE parley\\_bench\\_%'
            """
        #expect(try catalog.query(creatingNow).isEmpty, "another benchmark is creating its database")
        let creating = try ParleyBinary.waitFor(seconds: 30) { try !catalog.query(creatingNow).isEmpty }
        #expect(creating, "the benchmark never started its CREATE DATABASE")
        kill(run.process.processIdentifier, SIGINT)
        template = nil
        let ended = ParleyBinary.waitFor(seconds: 30) { !run.process.isRunning }
        run.process.waitUntilExit()
        let said = String(decoding: run.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(ended && run.process.terminationStatus == 130, "\(said)")
        let settled = try ParleyBinary.waitFor(seconds: 10) { try catalog.query(creatingNow).isEmpty }
        #expect(settled && template == nil)
        #expect(try Self.benchDatabases(catalog).subtracting(before).isEmpty, "\(said)")
    }

    /// A server that accepts connections and never answers: Ctrl-C during the connection removes
    /// the folder and ends the run, and claims no database, since none was made (the drop is
    /// registered once the server answered); a second Ctrl-C finds nothing left to wait for.
    @Test(arguments: [1, 2]) func aSignalWhileConnectingRemovesTheFolderAndClaimsNoDatabase(signals: Int) throws {
        let silent = try SilentServer()
        let run = try Run(server: "postgresql://parley@127.0.0.1:\(silent.port)/parley")
        defer { run.end() }
        let waiting = ParleyBinary.waitFor(seconds: 30) { silent.hasPendingConnection }
        #expect(waiting, "the benchmark never connected")
        if signals == 2 {
            kill(run.process.processIdentifier, SIGINT)
            usleep(300_000)
            kill(run.process.processIdentifier, SIGINT)
            let ended = ParleyBinary.waitFor(seconds: 3) { !run.process.isRunning }
            #expect(ended, "the benchmark did not end at once")
            run.process.waitUntilExit()
            #expect(!FileManager.default.fileExists(atPath: run.folder))
            return
        }
        // One SIGINT, sent by `interrupt`: a kill before it made two, and when the benchmark's
        // handler ran between them, the second ended it at once, as a second Ctrl-C does.
        let (ended, said) = ParleyBinary.interrupt(run.process, seconds: 30, errors: run.errors)
        #expect(ended && run.process.terminationStatus == 130,
            "status \(run.process.terminationStatus), reason \(run.process.terminationReason.rawValue): \(said)")
        #expect(said.contains("stopped by SIGINT: removed the folder \(run.folder)"), "\(said)")
        #expect(!said.contains("database"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: run.folder))
    }
}

/// A TCP socket on 127.0.0.1 that listens and never accepts: a client's connection completes in the
/// kernel's backlog and then waits for an answer that never comes.
private final class SilentServer {
    private let socket: Int32
    let port: UInt16

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        guard bound, listen(socket, 8) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socket) }

    /// Whether a client's connection waits in the backlog.
    var hasPendingConnection: Bool {
        var poll = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&poll, 1, 0) > 0
    }
}
