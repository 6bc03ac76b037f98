import Foundation
import Postgres
import TestSupport
import Testing

/// A `QueryCancellation` stops the statement under way on each of its connections and refuses
/// their later ones; connections opened outside it go on.
@Suite struct CancellationTests {
    /// Runs `body` on a thread of its own (a connection blocks its thread) and returns its result.
    func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }

    @Test func theStatementUnderWayIsCancelledAndLaterOnesAreRefused() async throws {
        let cancellation = QueryCancellation()
        let conninfo = try TestServer.url()
        async let running = onThread { () -> Result<[String], PostgresError> in
            QueryCancellation.$current.withValue(cancellation) {
                do throws(PostgresError) {
                    let connection = try Connection(conninfo, logger: TestServer.logger)
                    try connection.execute("CREATE TEMP TABLE ledger (n int)")
                    var errors: [String] = []
                    do {
                        // Inside a transaction: the cancel fails it, and the ROLLBACK still goes.
                        try connection.transaction { connection in
                            try connection.execute("INSERT INTO ledger VALUES (1)")
                            try connection.execute("SELECT pg_sleep(30.25)")
                        }
                    } catch let error as PostgresError {
                        errors.append("\(error.code?.rawValue ?? "-") \(error.message)")
                    } catch {
                        errors.append("\(error)")
                    }
                    #expect(!connection.isInTransaction)
                    do throws(PostgresError) {
                        try connection.execute("SELECT 1")
                    } catch {
                        errors.append("\(error.code?.rawValue ?? "-") \(error.message)")
                    }
                    return .success(errors)
                } catch {
                    return .failure(error)
                }
            }
        }
        // Wait until the sleeping statement runs on the server (however loaded the machine), then cancel it.
        let watcher = try TestServer.connect()
        for _ in 0..<600 {
            let running: Int = try watcher.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30.25)' AND state = 'active'")[0].decode("n")
            if running > 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        cancellation.cancel(reason: "stopped by SIGINT")
        cancellation.cancel(reason: "a second reason is not kept")
        let errors = try await running.get()
        #expect(errors == ["57014 canceling statement due to user request", "57014 not sent: statements were cancelled (stopped by SIGINT)"])
        // A connection opened outside the cancellation is not affected.
        let other = try TestServer.connect()
        #expect(try other.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
        #expect(cancellation.reason == "stopped by SIGINT")
    }

    @Test func aConnectionOpenedAfterTheRequestRefusesEveryStatement() throws {
        let cancellation = QueryCancellation()
        cancellation.cancel(reason: "stopped by SIGTERM")
        let connection = try QueryCancellation.$current.withValue(cancellation) { try TestServer.connect() }
        let error = try #require(throws: PostgresError.self) { try connection.execute("SELECT 1") }
        #expect(error.code == .queryCanceled)
        // Each kind of statement is refused before it is sent, with 57014 (a COPY the server saw
        // would fail 42P01: no such table).
        let script = try #require(throws: PostgresError.self) { try connection.executeScript("SELECT 1; SELECT 2;", name: "0001_x.sql") }
        #expect(script.code == .queryCanceled)
        #expect(script.context == "running 0001_x.sql")
        let copy = try #require(throws: PostgresError.self) { try connection.copyIn("COPY pg_temp.nothing FROM STDIN", rows: [["1"]]) }
        #expect(copy.code == .queryCanceled)
        let pipeline = try #require(throws: PostgresError.self) {
            try connection.pipeline([Connection.PipelinedStatement("SELECT 1")])
        }
        #expect(pipeline.code == .queryCanceled)
        #expect(pipeline.message == "not sent: statements were cancelled (stopped by SIGTERM)")
    }
}
