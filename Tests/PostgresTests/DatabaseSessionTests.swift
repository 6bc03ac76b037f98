import Foundation
import TestSupport
import Logging
import Postgres
import Synchronization
import Testing

@Suite struct DatabaseSessionTests {
    @Test func asyncCallersRunOnTheSessionsOwnThread() async throws {
        let session = try DatabaseSession(try TestServer.url(), logger: Logger(label: "test"))
        let (answer, onSessionThread) = try await session.run { connection in
            (try connection.query("SELECT 6 * 7 AS answer")[0].decode("answer", as: Int.self), session.executor.isCurrent)
        }
        #expect(answer == 42)
        #expect(onSessionThread)
        #expect(!session.executor.isCurrent)
    }

    /// libpq connects on the session's thread, at the first call, never on the caller's (a thread
    /// of the cooperative pool); a malformed string is refused at once, an unreachable server by that call.
    @Test func theConnectionOpensOnTheSessionsThreadAtTheFirstCall() async throws {
        let threads = ThreadRecorder()
        let session = try DatabaseSession(try TestServer.url(), logger: threads.logger)
        threads.watched.withLock { $0 = session.executor }
        #expect(threads.seen.isEmpty, "connected before the first call: \(threads.seen)")
        try await session.run { _ in }
        #expect(threads.seen.filter { $0.message == "connected" }.map(\.onSessionThread) == [true])

        #expect(throws: PostgresError.self) { try DatabaseSession("frobnicate=1", logger: threads.logger) }
        let unreachable = try DatabaseSession("host=/nonexistent/parley port=1", logger: threads.logger)
        await #expect {
            try await unreachable.run { _ in }
        } throws: { error in
            (error as? PostgresError)?.kind == .connection && (error as? PostgresError)?.code == .clientUnableToEstablishConnection
        }
    }

    /// A session whose connection was lost fails the call that finds it so, and connects again at
    /// the next, rather than fail every call after.
    @Test func aLostConnectionIsOpenedAgainAtTheNextCall() async throws {
        let session = try DatabaseSession(try TestServer.url(), logger: Logger(label: "test"))
        let pid = try await session.run { try $0.query("SELECT pg_backend_pid() AS pid")[0].decode("pid", as: Int.self) }
        _ = try TestServer.connect().query("SELECT pg_terminate_backend($1, 5000)", [pid])
        await #expect(throws: PostgresError.self) { try await session.run { try $0.execute("SELECT 1") } }
        let again = try await session.run { try $0.query("SELECT pg_backend_pid() AS pid")[0].decode("pid", as: Int.self) }
        #expect(again != pid)
    }

    /// Records each logged message and whether the watched session's thread logged it.
    final class ThreadRecorder: Sendable {
        let watched = Mutex<ThreadExecutor?>(nil)
        let collected = Mutex<[(message: String, onSessionThread: Bool)]>([])
        var seen: [(message: String, onSessionThread: Bool)] { collected.withLock { $0 } }
        var logger: Logger {
            var logger = Logger(label: "test") { _ in Handler(recorder: self) }
            logger.logLevel = .debug
            return logger
        }

        struct Handler: LogHandler {
            let recorder: ThreadRecorder
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .debug
            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }
            func log(event: LogEvent) {
                let onSessionThread = recorder.watched.withLock { $0?.isCurrent ?? false }
                recorder.collected.withLock { $0.append((event.message.description, onSessionThread)) }
            }
        }
    }

    @Test func sessionsWorkInParallelAndEachKeepsItsOwnState() async throws {
        let url = try TestServer.url()
        let totals = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 1...4 {
                group.addTask {
                    let session = try DatabaseSession(url, logger: Logger(label: "test"))
                    try await session.run { try $0.execute("CREATE TEMP TABLE mine (n int)") }
                    for n in 1...worker {
                        try await session.run { try $0.execute("INSERT INTO mine VALUES ($1)", [n]) }
                    }
                    return try await session.run { try $0.query("SELECT count(*) AS n FROM mine")[0].decode("n", as: Int.self) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(totals.sorted() == [1, 2, 3, 4])
    }

    /// Four sessions run statements at the same time: each counts itself in, then waits on the
    /// server until all four have. Sessions that ran one after another would never get there.
    @Test func sessionsRunStatementsAtTheSameTime() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        try database.connect().execute("CREATE SEQUENCE arrived")
        // A sequence is outside transactions: every session sees each nextval at once.
        let barrier = """
            DO $$ BEGIN
              PERFORM nextval('arrived');
              WHILE (SELECT last_value FROM arrived) < 4 LOOP PERFORM pg_sleep(0.01); END LOOP;
            END $$
            """
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 1...4 {
                group.addTask {
                    let session = try DatabaseSession(database.conninfo, logger: Logger(label: "test"))
                    try await session.run { connection in
                        try connection.execute("SET statement_timeout = '20s'")
                        try connection.execute(barrier)
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
