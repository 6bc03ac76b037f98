import Foundation
import Testing

/// `parley submit -` fed by a producer that waits for each result before writing the next command.
@Suite struct SubmitStreamTests {
    /// A running `parley submit`, its standard input and output as pipes.
    final class Submitter {
        let process = Process()
        let input = Pipe(), output = Pipe(), error = Pipe()
        private var received: [UInt8] = []

        init(_ arguments: [String]) throws {
            process.executableURL = ParleyBinary.url
            process.arguments = ["submit"] + arguments
            process.standardInput = input
            process.standardOutput = output
            process.standardError = error
            try process.run()
            // A submit that never answers would hang the suite: it is ended after five minutes (a
            // loaded machine running the whole suite can take one to resume this test's sleeps).
            let process = process
            DispatchQueue.global().asyncAfter(deadline: .now() + 300) { if process.isRunning { process.terminate() } }
        }

        /// Writes to the submit's input; throws (EPIPE) when it has exited, rather than trapping.
        func write(_ line: String) throws {
            try input.fileHandleForWriting.write(contentsOf: Data(line.utf8))
        }

        /// The next line on standard output; nil once it closed.
        func readLine() -> String? {
            while true {
                if let end = received.firstIndex(of: UInt8(ascii: "\n")) {
                    defer { received.removeFirst(end + 1) }
                    return String(decoding: received[..<end], as: UTF8.self)
                }
                let more = output.fileHandleForReading.availableData
                guard !more.isEmpty else { return nil }
                received += more
            }
        }

        func finish() throws -> (status: Int32, error: String) {
            try input.fileHandleForWriting.close()
            let errorText = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, errorText)
        }
    }

    @Test(arguments: ["1", "1000"]) func eachResultComesOutBeforeTheNextCommandIsWritten(syncEvery: String) async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let submitter = try Submitter(["-", "--log", log, "--sync-every", syncEvery])
        // The first command in two writes, split inside the line and before its newline.
        let register = Array(SubmitFixture.register.utf8)
        try submitter.write(String(decoding: register[..<20], as: UTF8.self))
        try await Task.sleep(for: .milliseconds(50))
        try submitter.write(String(decoding: register[20...], as: UTF8.self))
        try await Task.sleep(for: .milliseconds(50))
        try submitter.write("\r\n\n")
        #expect(submitter.readLine() == SubmitFixture.expected[0])
        // Confirmed means durable: a reader in another process sees the event before the next command.
        #expect(try await SubmitFixture.events(in: log).count == 1)
        try submitter.write("{nope\n")
        #expect(submitter.readLine() == "line 3: not valid JSON (reading stopped at byte 2)")
        // The last line without a newline is handled once the input ends.
        try submitter.write(SubmitFixture.register)
        let (status, error) = try submitter.finish()
        #expect(submitter.readLine() == "line 4: already stored: migue.user.registered at 0 in migue.user-\(SubmitFixture.user)")
        #expect(submitter.readLine() == nil)
        #expect(status == 65, "one command was rejected")
        #expect(error == "parley: started a new event log at \(log)\n"
            + "submitted 3 commands: 1 appended (1 events), 1 already stored, 0 unchanged, 1 rejected\n")
    }

    /// A first line shorter than a byte order mark is answered without waiting for more bytes.
    @Test func aShortFirstLineIsAnsweredAtOnce() async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let submitter = try Submitter(["-", "--log", log])
        try submitter.write("1\n")
        #expect(submitter.readLine() == "line 1: expected an object, found a number")
        let (status, _) = try submitter.finish()
        #expect(status == 65)
    }

    /// Ctrl-C while the submit waits for input: it prints what it has, says where it stopped, and
    /// leaves an unfinished line alone.
    @Test func anInterruptWhileWaitingEndsAfterTheLastWholeLine() async throws {
        let log = SubmitFixture.scratch()
        defer { try? FileManager.default.removeItem(atPath: log) }
        let submitter = try Submitter(["-", "--log", log])
        try submitter.write(SubmitFixture.register + "\n")
        #expect(submitter.readLine() == SubmitFixture.expected[0])
        try submitter.write(String(SubmitFixture.lines[2].prefix(10)))
        try await Task.sleep(for: .milliseconds(100))
        submitter.process.interrupt()
        // It ends on the signal alone: input is closed only after it exited (closing it at once
        // could reach the process first, on a loaded machine, and end the input instead).
        let deadline = ContinuousClock.now + .seconds(20)
        while submitter.process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!submitter.process.isRunning, "the interrupt did not end the submit")
        let (status, error) = try submitter.finish()
        #expect(submitter.readLine() == nil)
        #expect(status == 130)
        #expect(error == """
            parley: started a new event log at \(log)
            submitted 1 commands: 1 appended (1 events), 0 already stored, 0 unchanged, 0 rejected
            stopped by SIGINT after line 1 (every result printed is durable); the lines after it were not handled

            """)
        #expect(try await SubmitFixture.events(in: log).count == 1)
    }

    /// Commands to register `count` users, one per line.
    static func registrations(_ count: Int) -> String {
        (0..<count).map { index in
            let digits = String(index), padding = String(repeating: "0", count: 12 - digits.count)
            return #"{"id":"00000000-0000-4000-8000-\#(padding + digits)","product":"migue","type":"user.register","at":"2026-11-22T10:00:00Z","#
                + #""actor":"test","data":{"phone_number":"+5730\#(padding.dropFirst(4) + digits)","name":"Ana"}}"#
        }.joined(separator: "\n") + "\n"
    }

    /// A submit whose output nobody reads stops (its results do not pile up in memory), cannot
    /// finish printing after a Ctrl-C, and ends at a second one.
    @Test func aSecondInterruptEndsASubmitStuckOnItsOutput() async throws {
        let log = SubmitFixture.scratch()
        let file = log + ".jsonl"
        defer {
            try? FileManager.default.removeItem(atPath: log)
            try? FileManager.default.removeItem(atPath: file)
        }
        try Self.registrations(50_000).write(toFile: file, atomically: true, encoding: .utf8)
        let submitter = try Submitter([file, "--log", log])
        try await Task.sleep(for: .seconds(2))
        submitter.process.interrupt()
        try await Task.sleep(for: .milliseconds(500))
        #expect(submitter.process.isRunning, "it waits for its output to be read")
        submitter.process.interrupt()
        let deadline = ContinuousClock.now + .seconds(30)
        while submitter.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!submitter.process.isRunning)
        if !submitter.process.isRunning {
            #expect(submitter.process.terminationReason == .uncaughtSignal)
            #expect(submitter.process.terminationStatus == SIGINT)
        }
    }

    /// Ctrl-C in the middle of a file: the results of every command handled are printed (none
    /// is left in the output buffer), and they are exactly what the log holds.
    @Test func anInterruptMidFilePrintsEveryDurableResult() async throws {
        let log = SubmitFixture.scratch()
        let file = log + ".jsonl"
        defer {
            try? FileManager.default.removeItem(atPath: log)
            try? FileManager.default.removeItem(atPath: file)
        }
        let total = 50_000
        try Self.registrations(total).write(toFile: file, atomically: true, encoding: .utf8)
        let submitter = try Submitter([file, "--log", log])
        let first = submitter.readLine()
        #expect(first?.hasPrefix("line 1: appended migue.user.registered at 0") == true, "\(first ?? "nothing")")
        submitter.process.interrupt()
        var results = first == nil ? 0 : 1
        while submitter.readLine() != nil { results += 1 }
        let (status, error) = try submitter.finish()

        #expect(status == 130, "\(error)")
        #expect(results > 0 && results < total, "an interrupt this early stops the file part way")
        #expect(error.hasSuffix("stopped by SIGINT after line \(results) (every result printed is durable); the lines after it were not handled\n"), "\(error)")
        #expect(try await SubmitFixture.events(in: log).count == results)
    }
}
