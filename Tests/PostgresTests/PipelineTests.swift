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
        #expect(error.kind == .query)
        #expect(error.code == .characterNotInRepertoire)
        #expect(error.description.contains("statement 2 parameter $1"))
        #expect(try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    /// Outside a transaction each chunk of 256 commits on its own: a refusal in a later chunk must
    /// come before the first is sent.
    @Test func aStatementRefusedInALaterChunkLeavesNothingOfTheEarlierOnes() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE pipe_nul (n int, t text)")
        var statements = (1...299).map { Connection.PipelinedStatement("INSERT INTO pipe_nul VALUES ($1, $2)", [$0, "ok"]) }
        statements.append(.init("INSERT INTO pipe_nul VALUES ($1, $2)", [300, "a\u{0}b"]))
        let error = try #require(throws: PostgresError.self) { try connection.pipeline(statements) }
        #expect(error.description.contains("statement 300 parameter $2"))
        let tooMany = Connection.PipelinedStatement("SELECT 1", Array(repeating: 1, count: 65_536))
        let usage = try #require(throws: PostgresError.self) { try connection.pipeline([statements[0], tooMany]) }
        #expect(usage.kind == .usage)
        #expect(usage.description.contains("statement 2 has 65536 parameters; a statement carries at most 65535"))
        #expect(try connection.query("SELECT count(*) AS n FROM pipe_nul")[0].decode("n", as: Int.self) == 0)
        #expect(try connection.pipeline([statements[0]]) == [1])
    }

    func preparedCount(_ connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM pg_prepared_statements")[0].decode("n", as: Int.self)
    }

    /// A statement of many parameters (a multi-row insert, another text for each row count) is
    /// sent unnamed, so its plan does not stay on the server; a short one is prepared once.
    @Test func onlyStatementsOfFewParametersStayPrepared() throws {
        let connection = try TestServer.connect()
        let wide = "SELECT " + (1...65).map { "$\($0)::int" }.joined(separator: " + ")
        let counts = try connection.pipeline([.init(wide, Array(1...65)), .init("SELECT $1::int", [1]), .init("SELECT $1::int", [2])])
        #expect(counts.count == 3)
        #expect(try preparedCount(connection) == 1)
        let sum = try connection.query(wide, Array(1...65))
        #expect(sum.count == 1)
    }

    /// Ever new statement texts do not pile up: past the limit the session's statements are
    /// deallocated and prepared again as they come.
    @Test func preparedStatementsStayBounded() throws {
        let connection = try TestServer.connect()
        let statements = (0..<768).map { (n: Int) in Connection.PipelinedStatement("SELECT $1::int + \(n)", [n]) }
        #expect(try connection.pipeline(statements).count == 768)
        // Chunks of 256: the third starts at the limit of 512, so only its own remain.
        #expect(try preparedCount(connection) == 256)
        #expect(try connection.pipeline([.init("SELECT $1::int + 0", [7])]) == [1])
        #expect(try preparedCount(connection) == 257)
    }

    /// A statement prepared before a migration changed a column's type keeps the old parameter
    /// type and fails once (42804); the failure makes the next pipeline prepare it again, so a
    /// caller's retry (the projection runner's) succeeds rather than blames its data.
    @Test func aStatementPreparedBeforeAColumnChangedTypeIsPreparedAgainAfterItFails() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE typed (value text)")
        let insert = "INSERT INTO typed (value) VALUES ($1)"
        #expect(try connection.pipeline([.init(insert, ["a"])]) == [1])
        try connection.execute("ALTER TABLE typed ALTER COLUMN value TYPE uuid USING NULL")
        let id = "6f1e2a3b-0000-4000-8000-000000000001"
        let stale = try #require(throws: PostgresError.self) { try connection.pipeline([.init(insert, [id])]) }
        #expect(stale.code == SQLState("42804"), "\(stale)")
        #expect(try connection.pipeline([.init(insert, [id])]) == [1])
        #expect(try connection.query("SELECT count(value) AS n FROM typed")[0].decode("n", as: Int.self) == 1)
        #expect(try preparedCount(connection) == 1)
    }
}
