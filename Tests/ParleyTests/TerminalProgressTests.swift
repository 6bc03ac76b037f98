import Foundation
import Testing
import TestSupport

/// Long work draws a counter on standard error when it is a terminal, and clears it at the end;
/// it draws nothing with `--json`, nor when standard error is a file or a pipe.
@Suite struct TerminalProgressTests {
    static let clear = "\r\u{1B}[K"

    /// Runs `arguments` three ways and checks the counter `label` appears only on the terminal.
    func expectProgress(_ arguments: [String], label: String, status: Int32 = 0) throws {
        let drawn = try ParleyBinary.run(arguments, terminal: true)
        #expect(drawn.status == status, "\(arguments): \(drawn.standardError)")
        #expect(drawn.standardError.contains("\r\(label) "), "\(arguments): \(drawn.standardError.debugDescription)")
        #expect(drawn.standardError.contains(Self.clear), "\(arguments): \(drawn.standardError.debugDescription)")
        let piped = try ParleyBinary.run(arguments)
        #expect(piped.status == status, "\(arguments): \(piped.standardError)")
        #expect(!piped.standardError.contains("\r"), "\(arguments): \(piped.standardError.debugDescription)")
        let quiet = try ParleyBinary.run(arguments + ["--json"], terminal: true)
        #expect(quiet.status == status, "\(arguments): \(quiet.standardError)")
        #expect(!quiet.standardError.contains("\r"), "\(arguments) --json: \(quiet.standardError.debugDescription)")
    }

    @Test func theLogAndTheReadModelCommandsDrawProgressOnATerminalOnly() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let (log, _, _) = try await AuditCommandTests().makeLog()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let common = ["--log", log, "--database-url", database.conninfo]
        let migrations = ["--migrations", MigrateCommandTests.migrations]
        let migrate = try ParleyBinary.run(["migrate"] + migrations + common)
        #expect(migrate.status == 0, "\(migrate.standardError)")

        try expectProgress(["log", "verify", "--log", log], label: "verified")
        // The first run projects every event; the two after it find nothing to do, and say nothing.
        try expectProgress(["project"] + common, label: "projecting migue:")
        try expectProgress(["verify", "migue"] + migrations + common, label: "verifying migue: rebuilt up to")
        try expectProgress(
            ["replay", "migue", "--at-position", "3", "--into", "migue_progress", "--replace"] + migrations + common, label: "replaying migue:")
        try expectProgress(["rebuild", "migue"] + migrations + common, label: "rebuilding migue:")
    }

    /// `submit` counts lines on the terminal only while its results go elsewhere (on the terminal,
    /// they are the progress); the fixture rejects some commands, hence 65.
    @Test func submitCountsLinesWhileItsResultsGoToAPipe() throws {
        let file = try SubmitFixture.write(SubmitFixture.lines)
        defer { try? FileManager.default.removeItem(atPath: file) }
        var logs: [String] = []
        defer { logs.forEach { try? FileManager.default.removeItem(atPath: $0) } }
        func fresh() -> String {
            logs.append(SubmitFixture.scratch())
            return logs[logs.count - 1]
        }
        let drawn = try ParleyBinary.run(["submit", file, "--log", fresh()], terminal: true)
        #expect(drawn.status == 65, "\(drawn.standardError)")
        #expect(drawn.standardError.contains("\rline "), "\(drawn.standardError.debugDescription)")
        #expect(drawn.standardError.contains(Self.clear))
        let quiet = try ParleyBinary.run(["submit", file, "--log", fresh(), "--json"], terminal: true)
        #expect(quiet.status == 65)
        #expect(!quiet.standardError.contains("\r"), "\(quiet.standardError.debugDescription)")
    }
}
