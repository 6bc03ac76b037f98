import EventLog
import Foundation
import Logging
import Postgres
import Testing
import TestSupport

@Suite struct MigrateCommandTests {
    static var migrations: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations").path
    }

    @Test func migrateAppliesEverythingOnceAndStatusListsIt() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let url = database.conninfo

        // Before the first migrate, commands that need Parley's tables say what to do.
        let log = NSTemporaryDirectory() + "parley-migrate-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        try FileEventLog(directory: log, logger: Logger(label: "test")).close()
        let early = try ParleyBinary.run(["status", "--log", log, "--database-url", url])
        #expect(early.status == 1)
        #expect(early.standardError.contains("the database has no Parley tables yet: run parley migrate first"), "\(early.standardError)")

        let first = try ParleyBinary.run(["migrate", "--migrations", Self.migrations, "--database-url", url])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("applied  parley/0001_bookkeeping.sql"))
        #expect(first.standardOutput.contains("applied  migue/0003_reminder_state_machine.sql"))

        let second = try ParleyBinary.run(["migrate", "--migrations", Self.migrations, "--database-url", url])
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("nothing to apply"))

        let status = try ParleyBinary.run(["migrate", "--status", "--json", "--migrations", Self.migrations, "--database-url", url])
        #expect(status.status == 0)
        let lines = status.standardOutput.split(separator: "\n")
        let entries = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(entries.count >= 10)
        #expect(entries.allSatisfy { $0?["state"] as? String == "applied" && ($0?["checksum"] as? String)?.count == 64 })

        // Before any projection ran, `status --json` still gives a script the log and its head.
        let empty = try ParleyBinary.run(["status", "--json", "--log", log, "--database-url", url])
        #expect(empty.status == 0, "\(empty.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(empty.standardOutput.utf8)) as? [String: Any]
        #expect(report?["log"] as? String == log)
        #expect(report?["head"] as? Int == 0)
        #expect((report?["projections"] as? [Any])?.isEmpty == true)
    }

    /// Files commit one by one: when one fails, the command has already said which stay applied.
    @Test func aFailedMigrationLeavesTheEarlierOnesReported() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let url = database.conninfo
        let folder = NSTemporaryDirectory() + "parley-migrations-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (path, sql) in [("parley", try String(contentsOfFile: Self.migrations + "/parley/0001_bookkeeping.sql", encoding: .utf8)),
                            ("aaa", "CREATE SCHEMA IF NOT EXISTS aaa; CREATE TABLE aaa.t (id int);"), ("zzz", "CREATE TABLE nowhere.t (id int);")] {
            try FileManager.default.createDirectory(atPath: folder + "/" + path, withIntermediateDirectories: true)
            let file = path == "parley" ? "0001_bookkeeping.sql" : "0001_\(path).sql"
            try sql.write(toFile: folder + "/\(path)/\(file)", atomically: true, encoding: .utf8)
        }
        for json in [false, true] {
            if json { try Connection(url, logger: Logger(label: "test")).executeScript("DROP SCHEMA aaa CASCADE; DROP SCHEMA parley CASCADE", name: "reset") }
            let outcome = try ParleyBinary.run(["migrate", "--migrations", folder, "--database-url", url] + (json ? ["--json"] : []))
            #expect(outcome.status == 1)
            #expect(outcome.standardError.contains("zzz/0001_zzz.sql"), "\(outcome.standardError)")
            #expect(outcome.standardOutput.contains(json ? #""state":"applied""# : "applied  aaa/0001_aaa.sql"), "\(outcome.standardOutput)")
            #expect(outcome.standardOutput.split(separator: "\n").count == 2, "parley and aaa")
        }
    }

    /// `--status` lists every file even when an applied one changed, marks that one, then fails
    /// on it; a pending file is still listed as pending.
    @Test func statusListsAChangedFileAsChangedAndFails() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let folder = NSTemporaryDirectory() + "parley-migrations-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func write(_ path: String, _ file: String, _ sql: String) throws {
            try FileManager.default.createDirectory(atPath: folder + "/" + path, withIntermediateDirectories: true)
            try sql.write(toFile: folder + "/\(path)/\(file)", atomically: true, encoding: .utf8)
        }
        try write("parley", "0001_bookkeeping.sql", try String(contentsOfFile: Self.migrations + "/parley/0001_bookkeeping.sql", encoding: .utf8))
        try write("aaa", "0001_aaa.sql", "CREATE SCHEMA IF NOT EXISTS aaa; CREATE TABLE aaa.t (id int);")
        let applied = try ParleyBinary.run(["migrate", "--migrations", folder, "--database-url", database.conninfo])
        #expect(applied.status == 0, "\(applied.standardError)")
        try write("aaa", "0001_aaa.sql", "CREATE SCHEMA IF NOT EXISTS aaa; CREATE TABLE aaa.t (id bigint);")
        try write("aaa", "0002_more.sql", "CREATE TABLE aaa.u (id int);")
        let outcome = try ParleyBinary.run(["migrate", "--status", "--migrations", folder, "--database-url", database.conninfo])
        #expect(outcome.status == 1)
        let lines = outcome.standardOutput.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(lines == ["applied parley/0001_bookkeeping.sql", "changed aaa/0001_aaa.sql", "pending aaa/0002_more.sql"])
        #expect(outcome.standardError.contains("aaa/0001_aaa.sql has changed since it was applied"), "\(outcome.standardError)")
    }

    /// Ctrl-C during a long migration cancels its statement on the server at once (it does not run
    /// on after the process is gone, holding its locks) and exits 130, the file not recorded.
    @Test func ctrlCCancelsTheStatementUnderWay() throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let folder = NSTemporaryDirectory() + "parley-migrations-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (path, file, sql) in [("parley", "0001_bookkeeping.sql", try String(contentsOfFile: Self.migrations + "/parley/0001_bookkeeping.sql", encoding: .utf8)),
                                  ("slow", "0001_slow.sql", "CREATE SCHEMA slow; SELECT pg_sleep(60);")] {
            try FileManager.default.createDirectory(atPath: folder + "/" + path, withIntermediateDirectories: true)
            try sql.write(toFile: folder + "/\(path)/\(file)", atomically: true, encoding: .utf8)
        }
        let process = Process()
        process.executableURL = ParleyBinary.url
        process.arguments = ["migrate", "--migrations", folder, "--database-url", database.conninfo]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let connection = try Connection(database.conninfo, logger: TestServer.logger)
        func sleeping() throws -> Int {
            try connection.query("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()")[0]
                .decode("n", as: Int.self)
        }
        var waited = 0
        while try sleeping() == 0, waited < 1200 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 1
        }
        #expect(try sleeping() == 1, "the slow migration never started")
        let started = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(process.terminationStatus == 130)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("stopped by SIGINT: the database work under way was cancelled and rolled back"), "\(message)")
        #expect(try sleeping() == 0)
        #expect(try connection.query("SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'slow'")[0].decode("n", as: Int.self) == 0)
        #expect(try connection.query("SELECT count(*) AS n FROM parley.migrations WHERE schema_name = 'slow'")[0].decode("n", as: Int.self) == 0)
    }

    /// `--migrations migrations/migue` (a schema folder, not the folder above) and an empty folder
    /// are refused, not reported as "nothing to apply"; nothing reaches the database.
    @Test func aSchemaFolderOrAnEmptyFolderGivenAsMigrationsIsRefused() throws {
        let schemaFolder = try ParleyBinary.run(
            ["migrate", "--migrations", Self.migrations + "/migue", "--database-url", "host=127.0.0.1 port=1"])
        #expect(schemaFolder.status == 1)
        #expect(schemaFolder.standardError.contains(Self.migrations + "/migue/0001_types.sql is not in a schema folder"), "\(schemaFolder.standardError)")
        let empty = NSTemporaryDirectory() + "parley-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let none = try ParleyBinary.run(["migrate", "--migrations", empty, "--database-url", "host=127.0.0.1 port=1"])
        #expect(none.status == 1)
        #expect(none.standardError.contains("no migration files under \(empty)"), "\(none.standardError)")
    }

    @Test func aMissingMigrationsFolderIsNamed() throws {
        let outcome = try ParleyBinary.run(
            ["migrate", "--status", "--migrations", "/nonexistent/migrations", "--database-url", "host=127.0.0.1 port=1"])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("/nonexistent/migrations"))
        #expect(outcome.standardError.contains("--migrations"))
    }

    @Test func helpListsMigrate() throws {
        let outcome = try ParleyBinary.run(["--help"])
        #expect(outcome.standardOutput.contains("migrate"))
    }
}
