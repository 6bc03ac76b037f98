import Foundation
import Synchronization
import SystemPackage
import Testing
@testable import parley

/// `parley submit` waiting for a producer holds no thread of Swift's cooperative pool.
@Suite struct JSONLineReaderTests {
    private final class Seen: Sendable {
        let waitingThread = Atomic<Bool>(false)
    }

    /// Whether a thread of this process has `name`.
    private static func hasThread(named name: String) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.contains { task in
            (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines) == name
        }
    }

    @Test func waitingForInputRunsOnAThreadOfItsOwn() async throws {
        let pipe = try FileDescriptor.pipe()
        defer {
            try? pipe.readEnd.close()
            try? pipe.writeEnd.close()
        }
        #expect(!Self.hasThread(named: JSONLineReader.waitingThreadName))
        let reader = Task {
            var reader = JSONLineReader(name: "a pipe", borrowing: pipe.readEnd)
            return try await reader.nextLines().map { [$0.number: String(decoding: $0.bytes, as: UTF8.self)] }
        }
        // A thread, not a task, looks for the waiting thread and then writes the line: the pool
        // may be busy with other suites' tests for a while. A wait on the pool never shows it.
        let seen = Seen()
        let writer = Thread {
            let deadline = Date().addingTimeInterval(120)
            while !Self.hasThread(named: JSONLineReader.waitingThreadName) && Date() < deadline { usleep(2_000) }
            seen.waitingThread.store(Self.hasThread(named: JSONLineReader.waitingThreadName), ordering: .releasing)
            _ = try? pipe.writeEnd.writeAll(Array("{\"a\": 1}\n".utf8))
        }
        writer.start()
        #expect(try await reader.value == [[1: "{\"a\": 1}"]])
        let waited = seen.waitingThread.load(ordering: .acquiring)
        #expect(waited, "the wait for input did not run on a thread of its own")
        // Its own, not a renamed thread of the pool: it ends with the wait.
        var ended = false
        for _ in 0..<300 where !ended {
            ended = !Self.hasThread(named: JSONLineReader.waitingThreadName)
            if !ended { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(ended, "the thread that waited for input is still there")
    }
}
