import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Testing
import TestSupport

/// `parley project --follow` beside a writer in another process: it applies what is appended
/// while it waits, and a signal while it waits stops it at once, with 128 + the signal's number.
@Suite struct ProjectFollowTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func aFollowerAppliesNewEventsAndStopsOnASignalWhileWaiting(signal: Int32) async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let (directory, _, _) = try await AuditCommandTests().makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = ["--log", directory, "--database-url", database.conninfo]
        let migrate = try ParleyBinary.run(["migrate", "--migrations", MigrateCommandTests.migrations] + common)
        #expect(migrate.status == 0, "\(migrate.standardError)")

        let watcher = try database.connect()
        func checkpoint() throws -> Int {
            let rows = try watcher.query("SELECT next_position FROM parley.projection_checkpoints WHERE projection = 'migue'")
            return try rows.first?.decode("next_position", as: Int.self) ?? -1
        }

        // The writer, in this process, holds the log while the follower reads it in its own.
        let log = try FileEventLog(directory: directory, logger: Logger(label: "test"))
        defer { try? log.close() }
        let head = Int(try await log.head().rawValue)
        let process = Process()
        process.executableURL = ParleyBinary.url
        process.arguments = ["project", "--follow"] + common
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        #expect(try ParleyBinary.waitFor { try checkpoint() == head }, "the follower never caught up")

        // The writer appends while the follower waits; the follower applies it.
        let line = #"{"id":"\#(UUID().lowercasedText)","product":"migue","type":"user.register","at":"2026-11-22T11:00:00Z","actor":"test","data":{"phone_number":"+34600000077"}}"#
        let result = try await MigueService(store: log).handle(json: Array(line.utf8))
        #expect(result.appendedAnything)
        #expect(try ParleyBinary.waitFor { try checkpoint() == head + 1 }, "the follower did not apply the new event")
        #expect(try watcher.query("SELECT count(*) AS n FROM migue.users")[0].decode("n", as: Int.self) == 2)

        // Caught up and waiting: the signal ends it without a second one.
        let (ended, said) = ParleyBinary.interrupt(process, with: signal, seconds: 30, errors: errors)
        #expect(ended, "still running 30 s after the signal")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signal, "\(said)")
        #expect(said.contains("stopped by \(signal == SIGINT ? "SIGINT" : "SIGTERM")"), "\(said)")
    }
}
