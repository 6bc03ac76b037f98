import Foundation
import TestSupport
import Logging
import Postgres
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
