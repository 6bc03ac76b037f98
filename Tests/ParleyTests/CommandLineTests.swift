import Foundation
import Testing

/// Runs the built `parley` binary, which SwiftPM puts beside the test bundle.
enum ParleyBinary {
    static var url: URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("parley").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("parley")
    }

    /// Polls `done` until it holds or `seconds` pass; whether it held. It sleeps with usleep, not
    /// Task.sleep, since other tests may keep the task pool busy.
    static func waitFor(seconds: Int = 30, _ done: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try done() { return true }
            usleep(5_000)
        }
        return try done()
    }

    /// Sends `signal` to a running child and waits up to `seconds` for it to end (then kills it);
    /// whether it ended in time, and what it wrote to `errors`, its standard error.
    static func interrupt(_ process: Process, with signal: Int32 = SIGINT, seconds: Int = 60, errors: Pipe) -> (ended: Bool, said: String) {
        kill(process.processIdentifier, signal)
        let ended = waitFor(seconds: seconds) { !process.isRunning }
        if !ended { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return (ended, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// A child that exits before reading all its input (a refused argument, a crash) must fail its
    /// test, not end the whole test process with SIGPIPE as the input is written.
    private static let pipesFailInsteadOfSignalling: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Runs the binary to its end. With `terminal`, its standard error is a pseudo-terminal (where
    /// progress is drawn), read back with the terminal's `\r\n` line ends as `\n`. `directory` is its
    /// working folder (by default the tests').
    static func run(
        _ arguments: [String], environment: [String: String]? = nil, input: String? = nil, terminal: Bool = false, directory: String? = nil
    ) throws -> Outcome {
        _ = pipesFailInsteadOfSignalling
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let standardInput = Pipe()
        if input != nil { process.standardInput = standardInput }
        let output = Pipe()
        let error = Pipe()
        let pseudoTerminal = terminal ? try PseudoTerminal() : nil
        process.standardOutput = output
        process.standardError = pseudoTerminal?.follower ?? error
        try process.run()
        try pseudoTerminal?.follower.close()
        if pseudoTerminal == nil { try error.fileHandleForWriting.close() }
        let errorReader = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        DispatchQueue.global().async(group: errorReader) {
            errData = pseudoTerminal?.readToEnd() ?? error.fileHandleForReading.readDataToEndOfFile()
        }
        if let input {
            // A child that stopped reading (it refused its arguments) makes this fail with EPIPE.
            try? standardInput.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? standardInput.fileHandleForWriting.close()
        }
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        errorReader.wait()
        process.waitUntilExit()
        if pseudoTerminal != nil { errData = Data(String(decoding: errData, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8) }
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self)
        )
    }
}

@Suite struct CommandLineTests {
    @Test func helpListsTheSubcommands() throws {
        let outcome = try ParleyBinary.run(["--help"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("doctor"))
    }

    /// `--log "$UNSET"` must not fall back to the default log and append there.
    @Test(arguments: [
        (["submit", "--log", "", "-"], "--log is empty"),
        (["status", "--database-url", ""], "--database-url is empty"),
    ])
    func anEmptyLocationIsRefusedNotDefaulted(arguments: [String], message: String) throws {
        let outcome = try ParleyBinary.run(arguments, input: "")
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }

    /// A negative number is taken as the option's value and refused for what it is, not as a
    /// missing value; so is another option given where a number goes.
    @Test(arguments: [
        (["log", "dump", "--limit", "-3"], "--limit must be at least 1"),
        (["log", "dump", "--from", "-1"], "The value '-1' is invalid for '--from <from>'"),
        (["submit", "--sync-every", "-1", "-"], "--sync-every must be at least 1"),
        (["import", "chatterbot", "--limit", "-3"], "--limit must be at least 1"),
        (["log", "dump", "--limit", "--json"], "The value '--json' is invalid for '--limit <limit>'"),
    ])
    func aNegativeNumberIsRefusedAsAValue(arguments: [String], message: String) throws {
        let outcome = try ParleyBinary.run(arguments, input: "")
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }

    /// An unknown product is refused before anything runs, with the subcommand's own usage.
    @Test(arguments: [
        ["verify", "nosuch"], ["rebuild", "nosuch"], ["project", "--projection", "nosuch"], ["replay", "nosuch", "--into", "x", "--at-position", "1"],
    ])
    func anUnknownProductIsAUsageError(arguments: [String]) throws {
        let outcome = try ParleyBinary.run(arguments)
        #expect(outcome.status == 64)
        #expect(outcome.standardError.contains("no projection named nosuch (known: migue)"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("Usage: parley \(arguments[0]) "), "\(outcome.standardError)")
    }

    @Test func doctorReportsLibrariesServerAndExtensions() throws {
        guard let url = ProcessInfo.processInfo.environment["PARLEY_DATABASE_URL"] else {
            Issue.record("PARLEY_DATABASE_URL is not set: run the tests with tools/test")
            return
        }
        let outcome = try ParleyBinary.run(["doctor", "--json", "--database-url", url])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        #expect((report?["lz4"] as? String)?.isEmpty == false)
        #expect((report?["libpq"] as? String)?.isEmpty == false)
        #expect((report?["server"] as? String)?.isEmpty == false)
        let names = (report?["extensions"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["vector", "pgcrypto", "pg_trgm"])
    }

    @Test func doctorFailsClearlyWithoutPrintingThePassword() throws {
        let outcome = try ParleyBinary.run(
            ["doctor", "--database-url", "postgresql://ada:hunter2@127.0.0.1:1/parley?connect_timeout=2"]
        )
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("127.0.0.1"))
        #expect(!outcome.standardError.contains("hunter2"))
        #expect(!outcome.standardOutput.contains("hunter2"))
    }

    @Test func doctorWithoutAnyDatabaseSaysHowToStartOne() throws {
        let outcome = try ParleyBinary.run(["doctor"], environment: ["PARLEY_HOME": "/nonexistent/.parley", "PATH": "/usr/bin:/bin"])
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains("tools/pg start"))
    }
}
