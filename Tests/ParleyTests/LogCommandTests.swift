import EventSourcing
import Foundation
import Logging
import Testing

@testable import EventLog

@Suite struct LogCommandTests {
    func makeLog() async throws -> (directory: String, events: [ProposedEvent]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-cli-\(UUID())").path
        let log = try FileEventLog(directory: directory, logger: Logger(label: "test"))
        var events: [ProposedEvent] = []
        for index in 0..<6 {
            let event = ProposedEvent(
                id: UUID(), type: "migue.reminder.created", recordedAt: Timestamp(microsecondsSinceEpoch: 1_000_000 * Int64(index)),
                metadata: EventMetadata(correlationID: UUID(), actor: "ops", custom: Array(#"{"ip":"10.0.0.1"}"#.utf8)),
                payload: Array(#"{"index":\#(index),"title":"call mum"}"#.utf8))
            events.append(event)
            _ = try await log.append([event], to: StreamName(category: "reminder", id: "\(index % 2)")!, expected: .any)
        }
        try log.close()
        return (directory, events)
    }

    @Test func verifyPrintsTheSummary() async throws {
        let (directory, _) = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try ParleyBinary.run(["log", "verify", "--log", directory, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["events"] as? Int == 6)
        #expect(summary?["streams"] as? Int == 2)
        #expect(summary?["first_position"] as? Int == 0)
        #expect(summary?["last_position"] as? Int == 5)
        #expect(summary?["index_snapshot"] as? String == "sound")
        #expect((summary?["bytes_on_disk"] as? Int ?? 0) > 0)
    }

    @Test func verifyFailsOnCorruptionNamingWhere() async throws {
        let (directory, _) = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let segment = directory + "/00000000000000000000.seg"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: segment)))
        bytes[32 + 40] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: segment))
        let outcome = try ParleyBinary.run(["log", "verify", "--log", directory])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains(segment))
        #expect(outcome.standardError.contains("byte 32"))
        #expect(outcome.standardError.contains("position 0"))
    }

    @Test func verifyReportsATornTailAndSucceeds() async throws {
        let (directory, _) = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // As a crash during the last append's sync leaves the log: its block torn, the marker before it.
        let segment = directory + "/00000000000000000000.seg"
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: segment)))
        try Data(bytes.dropLast(7)).write(to: URL(fileURLWithPath: segment))
        try Data(SyncedMarker.encode(5)).write(to: URL(fileURLWithPath: directory + "/" + SyncedMarker.fileName))
        try FileManager.default.removeItem(atPath: directory + "/" + IndexSnapshot.fileName)
        let outcome = try ParleyBinary.run(["log", "verify", "--log", directory, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let summary = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        #expect(summary?["events"] as? Int == 5)
        let tail = summary?["torn_tail"] as? [String: Any]
        #expect(tail?["segment"] as? String == segment)
        #expect(tail?["from_position"] as? Int == 5)
        #expect((tail?["offset"] as? Int ?? 0) + (tail?["bytes"] as? Int ?? 0) == bytes.count - 7)
        let text = try ParleyBinary.run(["log", "verify", "--log", directory])
        #expect(text.standardOutput.contains("torn tail"))
        #expect(text.standardOutput.contains("from position 5 on"))
    }

    @Test func dumpPrintsOneJSONLinePerEvent() async throws {
        let (directory, events) = try await makeLog()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outcome = try ParleyBinary.run(["log", "dump", "--log", directory, "--stream", "reminder-1", "--from", "1"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 2)
        #expect(lines.map { $0?["position"] as? Int } == [3, 5])
        #expect(lines.map { $0?["version"] as? Int } == [1, 2])
        #expect(lines.first??["id"] as? String == events[3].id.uuidString.lowercased())
        #expect((lines.first??["payload"] as? [String: Any])?["title"] as? String == "call mum")
        #expect((lines.first??["metadata"] as? [String: Any])?["ip"] as? String == "10.0.0.1")
        #expect(lines.first??["recorded_at"] as? String == "1970-01-01T00:00:03.000000Z")
        let all = try ParleyBinary.run(["log", "dump", "--log", directory, "--from", "4"])
        #expect(all.standardOutput.split(separator: "\n").count == 2)
        // A stream the log does not have is an error, as in `history`; a version past its end is not.
        let unknown = try ParleyBinary.run(["log", "dump", "--log", directory, "--stream", "reminder-2"])
        #expect(unknown.status == 1 && unknown.standardOutput.isEmpty)
        #expect(unknown.standardError.contains("stream reminder-2 has no events"), "\(unknown.standardError)")
        let pastEnd = try ParleyBinary.run(["log", "dump", "--log", directory, "--stream", "reminder-1", "--from", "3"])
        #expect(pastEnd.status == 0 && pastEnd.standardOutput.isEmpty, "\(pastEnd.standardError)")
    }

    @Test func dumpPrintsPayloadsAsStoredOnOneLineAndStopsAtTheLastPosition() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-cli-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try FileEventLog(directory: directory, logger: Logger(label: "test"))
        let exact = #"{"z":-0.0,"big":12345678901234567890,"a":1.50}"#
        for payload in [exact, "{\n  \"a\": 1\n}"] {
            let event = ProposedEvent(id: UUID(), type: "test.noted", recordedAt: Timestamp(microsecondsSinceEpoch: 0), metadata: EventMetadata(actor: "ops"), payload: Array(payload.utf8))
            _ = try await log.append([event], to: StreamName(category: "note", id: "1")!, expected: .any)
        }
        try log.close()
        let outcome = try ParleyBinary.run(["log", "dump", "--log", directory])
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""payload":\#(exact),"position":0,"#) == true, "numbers as stored, keys sorted around it")
        #expect(lines.last?.contains(#""payload":{"a":1},"#) == true, "a payload over several lines is re-encoded on one")
        for arguments in [["--from", "18446744073709551615"], ["--stream", "note-1", "--from", "18446744073709551615"]] {
            let past = try ParleyBinary.run(["log", "dump", "--log", directory] + arguments)
            #expect(past.status == 0, "\(past.standardError)")
            #expect(past.standardOutput.isEmpty)
        }
    }

    @Test func aMissingLogIsAClearError() throws {
        let outcome = try ParleyBinary.run(["log", "verify", "--log", "/nonexistent/parley-log"])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("no event log at /nonexistent/parley-log"))
    }

    /// A folder whose only `.seg` file is not named as a segment holds no log: a reader refuses
    /// it rather than report an empty log as sound, and a writer will not start one among it.
    @Test func aFolderWithoutASegmentNamedAsOneHoldsNoLog() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-noseg-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("not a segment".utf8).write(to: URL(fileURLWithPath: folder + "/x.seg"))
        let verify = try ParleyBinary.run(["log", "verify", "--log", folder])
        #expect(verify.status == 1)
        #expect(verify.standardError.contains("\(folder) holds no event log (no segment files)"), "\(verify.standardError)")
        let file = try SubmitFixture.write([])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let submit = try ParleyBinary.run(["submit", file, "--log", folder])
        #expect(submit.status == 1)
        #expect(submit.standardError.contains("holds other files and no event log"), "\(submit.standardError)")
    }

    /// A log folder that is there but cannot be read says why (a link loop stands in for a
    /// folder without permission, which root, running the tests, would read anyway).
    @Test func anUnreadableLogFolderSaysWhy() throws {
        let loop = FileManager.default.temporaryDirectory.appendingPathComponent("parley-loop-\(UUID())").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        defer { try? FileManager.default.removeItem(atPath: loop) }
        let outcome = try ParleyBinary.run(["log", "verify", "--log", loop])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("cannot read \(loop): Too many levels of symbolic links"), "\(outcome.standardError)")
    }
}
