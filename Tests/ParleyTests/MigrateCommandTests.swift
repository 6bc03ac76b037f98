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
