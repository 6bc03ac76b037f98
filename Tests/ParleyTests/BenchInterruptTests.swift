import Foundation
import Testing
import TestSupport

/// Ctrl-C during a benchmark removes what it made (its folder, its scratch database) and exits 130.
@Suite struct BenchInterruptTests {
    @Test func anInterruptedBenchmarkRemovesItsFolderAndDatabase() throws {
        let corpus = try BenchLogCommandTests().makeCorpus()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-interrupt-\(UUID())").path
        defer { [corpus, folder].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let server = try TestServer.url()
        let catalog = try TestServer.connect()
        func benchDatabases() throws -> Set<String> {
            Set(try catalog.query("SELECT datname FROM pg_database WHERE datname LIKE 'parley_bench_%'").map { try $0.decode("datname") })
        }
        let before = try benchDatabases()

        let process = Process()
        process.executableURL = ParleyBinary.url
        process.arguments = [
            "bench", "project", "--messages", "2000000", "--corpus", corpus, "--directory", folder, "--database-url", server,
            "--migrations", MigrateCommandTests.migrations,
        ]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Both made: the folder, and the scratch database (migrated: it has the checkpoints table).
        let made = try ParleyBinary.waitFor(seconds: 60) { try FileManager.default.fileExists(atPath: folder) && !benchDatabases().subtracting(before).isEmpty }
        #expect(made, "the benchmark never made its folder and database")
        let database = try benchDatabases().subtracting(before).first ?? "?"
        let (ended, said) = ParleyBinary.interrupt(process, errors: errors)
        #expect(ended, "still running 60 s after SIGINT")
        #expect(process.terminationStatus == 130, "\(said)")
        #expect(said.contains("stopped by SIGINT: removed the folder \(folder) and the database \(database)"), "\(said)")
        #expect(!FileManager.default.fileExists(atPath: folder))
        #expect(try !benchDatabases().contains(database))
    }
}
