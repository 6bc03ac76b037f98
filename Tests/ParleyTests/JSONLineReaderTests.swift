import Foundation
import Synchronization
import SystemPackage
import Testing
@testable import parley

/// `parley submit` waiting for a producer holds no thread of Swift's cooperative pool.
@Suite struct JSONLineReaderTests {
    private final class Flags: Sendable {
        let probeRan = Atomic<Bool>(false)
        let gaveUp = Atomic<Bool>(false)
    }

    @Test func waitingForInputLeavesThePoolFree() async throws {
        // One waiting reader per thread of the pool (as many as cores): with a blocking wait, no
        // other task could run until their producers write.
        let width = ProcessInfo.processInfo.activeProcessorCount
        let pipes = try (0..<width).map { _ in try FileDescriptor.pipe() }
        defer {
            for pipe in pipes {
                try? pipe.readEnd.close()
                try? pipe.writeEnd.close()
            }
        }
        let readers = pipes.map { pipe in
            Task {
                var reader = JSONLineReader(name: "a pipe", borrowing: pipe.readEnd)
                return try await reader.nextLines().map { [$0.number: String(decoding: $0.bytes, as: UTF8.self)] }
            }
        }
        let flags = Flags()
        // A thread, not a task, writes the lines: after the probe ran, or after 60 s without it
        // (other suites' tasks may hold the pool for a while; with waits on the pool, it never runs).
        let writer = Thread {
            let deadline = Date().addingTimeInterval(60)
            while !flags.probeRan.load(ordering: .acquiring) && Date() < deadline { usleep(1_000) }
            flags.gaveUp.store(!flags.probeRan.load(ordering: .acquiring), ordering: .releasing)
            for pipe in pipes { _ = try? pipe.writeEnd.writeAll(Array("{\"a\": 1}\n".utf8)) }
        }
        writer.start()
        try await Task.sleep(for: .milliseconds(200))
        await Task.detached { flags.probeRan.store(true, ordering: .releasing) }.value
        for reader in readers {
            #expect(try await reader.value == [[1: "{\"a\": 1}"]])
        }
        let gaveUp = flags.gaveUp.load(ordering: .acquiring)
        #expect(!gaveUp, "a task waited until the readers' input came")
    }
}
