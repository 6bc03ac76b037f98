import Foundation
import Testing
import TestSupport

/// `parley rebuild`, its rollback and its clean-up, through the command line in `--json`.
@Suite struct RebuildCommandTests {
    func json(_ outcome: ParleyBinary.Outcome) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
    }

    /// A scratch database migrated and projected from the audit story's log; the options that
    /// name both; a closure that removes them.
    func projectedStory() async throws -> (database: ScratchDatabase, common: [String], remove: () -> Void) {
        let database = try ScratchDatabase.create()
        let (log, _, _) = try await AuditCommandTests().makeLog()
        let remove = { database.drop(); try? FileManager.default.removeItem(atPath: log) }
        let common = ["--log", log, "--database-url", database.conninfo]
        let migrate = try ParleyBinary.run(["migrate", "--migrations", MigrateCommandTests.migrations] + common)
        #expect(migrate.status == 0, "\(migrate.standardError)")
        let project = try ParleyBinary.run(["project"] + common)
        #expect(project.status == 0, "\(project.standardError)")
        return (database, common, remove)
    }

    @Test func everyStepPrintsVersionsAsNumbers() async throws {
        let (database, story, remove) = try await projectedStory()
        defer { remove() }
        let common = story + ["--json"]

        let rebuild = try ParleyBinary.run(["rebuild", "migue", "--migrations", MigrateCommandTests.migrations] + common)
        #expect(rebuild.status == 0, "\(rebuild.standardError)")
        #expect(rebuild.standardError.isEmpty, "no progress in --json")
        #expect(try json(rebuild)["current"] as? Int == 2)
        #expect(try json(rebuild)["previous"] as? Int == 1)

        let rollback = try ParleyBinary.run(["rebuild", "migue", "--rollback"] + common)
        #expect(rollback.status == 0, "\(rollback.standardError)")
        let back = try json(rollback)
        #expect(back["projection"] as? String == "migue")
        #expect(back["retired"] as? Int == 2)
        #expect(back["active"] as? Int == 1)

        let drop = try ParleyBinary.run(["rebuild", "migue", "--drop-previous"] + common)
        #expect(drop.status == 0, "\(drop.standardError)")
        #expect(try json(drop)["dropped"] as? [Int] == [2])

        // A rebuild refused at the swap leaves its version building; --abandon drops it.
        let view = try database.connect()
        try view.execute("CREATE VIEW public.named_users AS SELECT id FROM migue.users")
        let refused = try ParleyBinary.run(["rebuild", "migue", "--migrations", MigrateCommandTests.migrations] + common)
        #expect(refused.status == 1 && refused.standardError.contains("view public.named_users"), "\(refused.standardError)")
        let abandon = try ParleyBinary.run(["rebuild", "migue", "--abandon"] + common)
        #expect(abandon.status == 0, "\(abandon.standardError)")
        #expect(try json(abandon)["dropped"] as? [Int] == [2])
        let again = try ParleyBinary.run(["rebuild", "migue", "--abandon"] + common.dropLast())
        #expect(again.standardOutput == "migue: no version is building\n", "\(again.standardError)")
        let both = try ParleyBinary.run(["rebuild", "migue", "--abandon", "--rollback"] + common)
        #expect(both.status == 64 && both.standardError.contains("--rollback and --abandon are separate steps"), "\(both.standardError)")
    }

    /// A database an older build migrated, without the bookkeeping column this build records
    /// rebuilds in: the error says to migrate, and once migrated the rebuild runs.
    @Test func aDatabaseMigratedByAnOlderBuildIsToldToMigrate() async throws {
        let (database, common, remove) = try await projectedStory()
        defer { remove() }
        let migrations = ["--migrations", MigrateCommandTests.migrations]
        let connection = try database.connect()
        try connection.execute("ALTER TABLE parley.projection_versions DROP COLUMN projector_build")
        try connection.execute("DELETE FROM parley.migrations WHERE schema_name = 'parley' AND file_name = '0003_projector_build.sql'")
        let old = try ParleyBinary.run(["rebuild", "migue"] + migrations + common)
        #expect(old.status == 1)
        #expect(old.standardError.contains("column \"projector_build\" of relation \"projection_versions\" does not exist"), "\(old.standardError)")
        #expect(old.standardError.contains("if an older build migrated it, run parley migrate"), "\(old.standardError)")
        #expect(try ParleyBinary.run(["migrate"] + migrations + common).status == 0)
        let rebuilt = try ParleyBinary.run(["rebuild", "migue"] + migrations + common)
        #expect(rebuilt.status == 0, "\(rebuilt.standardError)")
    }
}
