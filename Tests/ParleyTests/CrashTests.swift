import EventLog
import EventSourcing
import Foundation
import Logging
import Testing

/// A child process appends in a loop and is killed with SIGKILL at random moments. After each
/// kill the log opens, every acknowledged event is there, no batch is partial, and positions have
/// no gaps.
@Suite struct CrashTests {
    struct Ack {
        var first: UInt64
        var last: UInt64
        var batch: String
        var ids: [UUID]
    }

    func runWriterAndKill(log: String, after delay: Duration) throws -> [Ack] {
        let process = Process()
        process.executableURL = ParleyBinary.url
        // Every fifth batch of one appender is about 110 KB: blocks of its own, written at once.
        process.arguments = ["log", "stress-writer", "--log", log, "--segment-size", "65536", "--large-batch", "250", "--until-stdin-closes"]
        // The writer ends with this process: its standard input closes when the test process does.
        let input = Pipe()
        process.standardInput = input
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // A line cut by the kill has no newline and was never fully acknowledged to us.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).dropLast(text.hasSuffix("\n") ? 0 : 1)
        return lines.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 5, parts[0] == "ack", let first = UInt64(parts[1]), let last = UInt64(parts[2]) else { return nil }
            return Ack(first: first, last: last, batch: String(parts[3]), ids: parts[4].split(separator: ",").compactMap { UUID(uuidString: String($0)) })
        }
    }

    @Test func killedWriterLosesNothingAcknowledgedAndLeavesNoPartialBatch() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-crash-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var generator = SystemRandomNumberGenerator()
        var acknowledged: [Ack] = []
        for round in 0..<24 {
            // Every sixth round lets the writer run long enough, even on a loaded machine, to
            // reach its large batches.
            let delay = Duration.milliseconds(Int.random(in: round % 6 == 5 ? 1000...2000 : 40...350, using: &generator))
            acknowledged += try runWriterAndKill(log: directory, after: delay)
            let log = try FileEventLog(directory: directory, logger: Logger(label: "crash"))
            let events = try await log.readAll(from: .start, limit: .max)
            #expect(events.map(\.position.rawValue) == Array(0..<UInt64(events.count)), "round \(round): positions have gaps")
            for ack in acknowledged {
                for (offset, id) in ack.ids.enumerated() {
                    let position = ack.first + UInt64(offset)
                    #expect(position < UInt64(events.count) && events[Int(position)].id == id, "round \(round): acknowledged event \(position) lost")
                }
            }
            var batches: [String: (size: Int, seen: Int)] = [:]
            for event in events {
                let payload = try JSONSerialization.jsonObject(with: Data(event.payload)) as? [String: Any]
                let batch = try #require(payload?["batch"] as? String)
                let size = try #require(payload?["size"] as? Int)
                batches[batch, default: (size, 0)].seen += 1
            }
            let partial = batches.filter { $0.value.seen != $0.value.size }
            #expect(partial.isEmpty, "round \(round): partial batches \(partial)")
            try log.close()
        }
        #expect(acknowledged.count > 24, "the writer acknowledged too little to test anything")
        #expect(acknowledged.contains { $0.ids.count == 250 }, "no large batch was acknowledged")
    }
}

/// A reader in another process than the writer sees new events as they are appended.
@Suite struct CrossProcessTests {
    @Test func aReadOnlySubscriberFollowsAWriterProcess() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-follow-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = ParleyBinary.url
        process.arguments = ["log", "stress-writer", "--log", directory, "--appenders", "2", "--segment-size", "100000", "--until-stdin-closes"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // Wait for the writer to create the log.
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: directory + "/00000000000000000000.seg") {
            try await Task.sleep(for: .milliseconds(10))
        }
        let reader = try FileEventLog(directory: directory, options: .init(readOnly: true), logger: Logger(label: "reader"))
        // Every stress event is in the category, so the follower sees positions 0, 1, 2... with
        // none skipped, across the segment rolls (about one per 100 KB).
        var followed: [(position: UInt64, id: UUID)] = []
        for try await event in reader.subscribe(category: "stress") {
            followed.append((event.position.rawValue, event.id))
            if followed.count == 1000 { break }
        }
        #expect(followed.map(\.position) == Array(0..<1000))
        // A second writer is refused, naming the writer process.
        let error = try #require(throws: LogError.self) { try FileEventLog(directory: directory, logger: Logger(label: "second")) }
        #expect(error == .locked(directory: directory, holderPID: process.processIdentifier))
        // What it followed is what a reader opened afresh finds at those positions.
        let fresh = try FileEventLog(directory: directory, options: .init(readOnly: true), logger: Logger(label: "fresh"))
        var stored: [UUID] = []
        while stored.count < 1000 {
            let page = try await fresh.readAll(from: LogPosition(UInt64(stored.count)), limit: 1000 - stored.count)
            if page.isEmpty { break }
            stored += page.map(\.id)
        }
        #expect(stored == followed.map(\.id))
        let segments = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }
        #expect(segments.count > 1, "the writer never rolled a segment")
    }
}
