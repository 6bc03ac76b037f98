import EventLog
import EventSourcing
import Foundation
import Logging
import Migue
import Postgres
import Projections
import Testing
import TestSupport

/// `parley project` killed with SIGKILL mid-batch, again and again: after it finally runs to the
/// end, every table holds exactly what the log says, once.
@Suite struct ProjectCrashTests {
    @Test func killedRunnerResumesExactlyOnce() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: try database.connect(), files: files, logger: TestServer.logger).migrate()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-project-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try FileEventLog(directory: directory, logger: TestServer.logger)
        let service = MigueService(store: log, durability: .buffered)
        let base = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
        var number = 0
        func command(_ type: String, _ data: String) -> [UInt8] {
            number += 1
            let id = UUID(namespace: Migue.namespace, name: "crash-\(number)").uuidString
            return Array(#"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"\#(base.adding(seconds: Int64(number)))","actor":"test","data":\#(data)}"#.utf8)
        }
        let users = 20, messagesPerUser = 150
        for user in 0..<users {
            let phone = "+3460000\(1000 + user)"
            let conversation = UUID(namespace: Migue.namespace, name: "crash-conversation-\(user)").uuidString
            _ = try await service.handle(json: command("user.register", #"{"phone_number":"\#(phone)"}"#))
            _ = try await service.handle(json: command(
                "conversation.start", #"{"conversation_id":"\#(conversation)","user_id":"\#(Migue.userID(phoneNumber: phone).uuidString)"}"#))
            for index in 0..<messagesPerUser {
                let result = try await service.handle(json: command(
                    "message.record",
                    #"{"conversation_id":"\#(conversation)","direction":"inbound","type":"text","content":"m\#(index)","wa_message_id":"wamid.\#(user).\#(index)","timestamp":"\#(base)"}"#))
                guard case .accepted = result else { Issue.record("\(result)"); return }
            }
        }
        let head = try await log.head()
        try log.close()

        var generator = SystemRandomNumberGenerator()
        var interrupted: [Int] = []
        let watcher = try database.connect()
        func checkpoint() throws -> Int {
            let rows = try watcher.query("SELECT next_position FROM parley.projection_checkpoints WHERE projection = 'migue'")
            return try rows.first?.decode("next_position", as: Int.self) ?? 0
        }
        for _ in 0..<6 {
            let before = try checkpoint()
            let process = Process()
            process.executableURL = ParleyBinary.url
            process.arguments = ["project", "--log", directory, "--database-url", database.conninfo, "--batch-size", "1", "--json"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill it a random moment after it has committed something: mid-run, most likely mid-batch.
            // Polled with usleep, not Task.sleep: other tests may keep the task pool busy.
            while process.isRunning, try checkpoint() == before { usleep(500) }
            usleep(UInt32.random(in: 0...40_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            interrupted.append(try checkpoint())
            if interrupted.last == Int(head.rawValue) { break }
        }
        // At least one kill landed with the projection part way through the log.
        #expect(interrupted.contains { $0 > 0 && $0 < Int(head.rawValue) }, "checkpoints after kills: \(interrupted)")
        let final = try ParleyBinary.run(["project", "--log", directory, "--database-url", database.conninfo, "--json"])
        #expect(final.status == 0, "\(final.standardError)")
        let connection = try database.connect()
        func count(_ sql: String) throws -> Int { try connection.query(sql)[0].decode("n", as: Int.self) }
        #expect(try count("SELECT count(*) AS n FROM migue.users") == users)
        #expect(try count("SELECT count(*) AS n FROM migue.conversations") == users)
        #expect(try count("SELECT count(*) AS n FROM migue.messages_v2") == users * messagesPerUser)
        #expect(try count("SELECT count(DISTINCT wa_message_id) AS n FROM migue.messages_v2") == users * messagesPerUser)
        #expect(try count("SELECT next_position AS n FROM parley.projection_checkpoints WHERE projection = 'migue'") == Int(head.rawValue))
        let status = try ParleyBinary.run(["status", "--log", directory, "--database-url", database.conninfo, "--json"])
        #expect(status.standardOutput.contains(#""lag":0"#), "\(status.standardOutput)")
    }
}
