import Postgres
import TestSupport
import Testing

@Suite struct TransactionTests {
    struct Boom: Error, Equatable {}

    func count(_ connection: Connection) throws -> Int {
        try connection.query("SELECT count(*) AS n FROM ledger")[0].decode("n")
    }

    @Test func workIsCommittedAndTheResultReturned() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE ledger (n int)")
        let inserted = try connection.transaction { connection in
            try connection.execute("INSERT INTO ledger SELECT generate_series(1, 3)")
        }
        #expect(inserted == 3)
        #expect(!connection.isInTransaction)
        #expect(try count(connection) == 3)
    }

    @Test func aThrowRollsBackAndRethrowsTheOriginalError() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE ledger (n int)")
        #expect(throws: Boom()) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO ledger VALUES (1)")
                #expect(connection.isInTransaction)
                throw Boom()
            }
        }
        #expect(!connection.isInTransaction)
        #expect(try count(connection) == 0)
    }

    /// The server answers COMMIT of an aborted transaction with ROLLBACK: that is not a success.
    @Test func aFailureCaughtInsideIsThrownAndNothingIsKept() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE ledger (n int)")
        let error = #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO ledger VALUES (1)")
                _ = try? connection.execute("SELECT 1/0")
            }
        }
        #expect(error?.kind == .usage)
        #expect(error?.message == "a statement failed inside the transaction and its error was caught; the transaction was rolled back")
        #expect(!connection.isInTransaction)
        #expect(try count(connection) == 0)
    }

    @Test func aFailingStatementRollsBackAndItsErrorComesOut() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE ledger (n int CONSTRAINT ledger_positive CHECK (n > 0))")
        let error = #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO ledger VALUES (1)")
                try connection.execute("INSERT INTO ledger VALUES (-1)")
            }
        }
        #expect(error?.constraint == "ledger_positive")
        #expect(try count(connection) == 0)
    }

    @Test func aFailingCommitThrowsAndKeepsNothing() throws {
        let connection = try TestServer.connect()
        try connection.execute(
            "CREATE TEMP TABLE ledger (n int CONSTRAINT ledger_n_key UNIQUE DEFERRABLE INITIALLY DEFERRED)")
        let error = #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO ledger VALUES (1), (1)")
            }
        }
        #expect(error?.code == .uniqueViolation)
        #expect(error?.constraint == "ledger_n_key")
        #expect(!connection.isInTransaction)
        #expect(try count(connection) == 0)
    }

    @Test func transactionsDoNotNest() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE ledger (n int)")
        let error = #expect(throws: PostgresError.self) {
            try connection.transaction { connection in
                try connection.execute("INSERT INTO ledger VALUES (1)")
                try connection.transaction { _ in }
            }
        }
        #expect(error?.kind == .usage)
        #expect(try count(connection) == 0)
    }
}

@Suite struct ScriptTests {
    @Test func aScriptRunsEveryStatement() throws {
        let connection = try TestServer.connect()
        try connection.executeScript(
            """
            CREATE TEMP TABLE notes (body text);
            -- a comment; with a semicolon
            INSERT INTO notes VALUES ('a;b'), ($$dollar; quoted$$);
            INSERT INTO notes VALUES ('c');
            """, name: "notes.sql")
        #expect(try connection.query("SELECT count(*) AS n FROM notes")[0].decode("n", as: Int.self) == 3)
    }

    @Test func aFailingScriptNamesItsLineAndKeepsNothing() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE notes (body text)")
        let error = #expect(throws: PostgresError.self) {
            try connection.executeScript("INSERT INTO notes VALUES ('a');\n\nINSERT INTO notes VALUES (no_such_column);\n", name: "broken.sql")
        }
        #expect(error?.code == SQLState("42703"))
        #expect(error?.context == "running broken.sql line 3")
        #expect(try connection.query("SELECT count(*) AS n FROM notes")[0].decode("n", as: Int.self) == 0)
    }
}
