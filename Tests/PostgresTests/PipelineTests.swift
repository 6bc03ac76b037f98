import Postgres
import TestSupport
import Testing

@Suite struct PipelineTests {
    @Test func runsStatementsInOrderAndReturnsTheirCounts() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE pipe (id int PRIMARY KEY, note text)")
        var statements = (1...600).map { (number: Int) in Connection.PipelinedStatement("INSERT INTO pipe VALUES ($1, $2)", [number, "n" + String(number)]) }
        statements.append(.init("UPDATE pipe SET note = $1 WHERE id <= $2", ["updated", 10]))
        let counts = try connection.pipeline(statements)
        #expect(counts.count == 601)
        #expect(counts.prefix(600).allSatisfy { $0 == 1 })
        #expect(counts.last == 10)
        #expect(try connection.query("SELECT count(*) AS n FROM pipe")[0].decode("n", as: Int.self) == 600)
        #expect(try connection.query("SELECT count(*) AS n FROM pipe WHERE note = 'updated'")[0].decode("n", as: Int.self) == 10)
    }

    @Test func aFailingStatementThrowsItsErrorAndTheTransactionKeepsNothing() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE pipe_fail (id int CONSTRAINT pipe_fail_pkey PRIMARY KEY, secret text)")
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.pipeline([
                    .init("INSERT INTO pipe_fail VALUES ($1, $2)", [1, "first"]),
                    .init("INSERT INTO pipe_fail VALUES ($1, $2)", [1, "hunter2"]),
                    .init("INSERT INTO pipe_fail VALUES ($1, $2)", [3, "third"]),
                ])
            }
        }
        #expect(error.code == .uniqueViolation)
        #expect(error.constraint == "pipe_fail_pkey")
        #expect(!error.description.contains("hunter2"))
        // Nothing of the transaction stayed, and the connection works normally afterwards.
        #expect(try connection.query("SELECT count(*) AS n FROM pipe_fail")[0].decode("n", as: Int.self) == 0)
        #expect(try connection.pipeline([.init("INSERT INTO pipe_fail VALUES ($1, $2)", [7, "again"])]) == [1])
    }

    @Test func aNULParameterIsRefusedBeforeSending() throws {
        let connection = try TestServer.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.pipeline([.init("SELECT $1::text", ["ok"]), .init("SELECT $1::text", ["a\u{0}b"])])
        }
        #expect(error.kind == .usage)
        #expect(error.description.contains("statement 2 parameter $1"))
        #expect(try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }
}
