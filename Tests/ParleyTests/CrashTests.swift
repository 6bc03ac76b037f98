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
        process.arguments = ["log", "stress-writer", "--log", log, "--segment-size", "65536"]
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
            let delay = Duration.milliseconds(Int.random(in: 40...350, using: &generator))
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
    }
}
