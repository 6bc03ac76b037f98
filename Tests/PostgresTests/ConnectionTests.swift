import Foundation
import Logging
import TestSupport
@testable import Postgres
import Testing

@Suite struct ConnectionTests {
    @Test func parameterisedQueryReturnsTypedRows() throws {
        let connection = try TestServer.connect()
        let rows = try connection.query(
            "SELECT $1::int + 1 AS next, $2::text AS name, $3::text AS missing, $4::bool AS flag",
            [41, "O'Brien; DROP TABLE x", nil, true]
        )
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(try row.decode("next", as: Int.self) == 42)
        #expect(try row.decode("name", as: String.self) == "O'Brien; DROP TABLE x")
        #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
        #expect(try row.decode("flag", as: Bool.self))
    }

    @Test func decodingErrorsNameTheColumnAndRow() throws {
        let connection = try TestServer.connect()
        let rows = try connection.query("SELECT 'x'::text AS word, NULL::int AS nothing")
        let notANumber = try #require(throws: PostgresError.self) { try rows[0].decode("word", as: Int.self) }
        #expect(notANumber.kind == .decoding)
        #expect(notANumber.description.contains("row 0 column word"))
        let null = try #require(throws: PostgresError.self) { try rows[0].decode("nothing", as: Int.self) }
        #expect(null.description.contains("column nothing is NULL"))
        let absent = try #require(throws: PostgresError.self) { try rows[0].decode("other", as: Int.self) }
        #expect(absent.description.contains("no column other"))
    }

    /// Notices go to the connection's logger from its first statement on, the `SET`s it runs while
    /// it opens included: a role or `options` with `client_min_messages = debug5` makes the server
    /// send some there, which libpq would otherwise print on standard error.
    @Test func noticesGoToTheLoggerFromTheFirstStatement() throws {
        let url = try TestServer.url()
        let verbose = url.contains("://")
            ? url + (url.contains("?") ? "&" : "?") + "options=-c%20client_min_messages%3Ddebug5"
            : url + " options='-c client_min_messages=debug5'"
        let logged = Warnings(level: .debug)
        let connection = try Connection(verbose, logger: logged.logger)
        let connected = try #require(logged.messages.firstIndex(of: "connected"))
        #expect(logged.messages[..<connected].contains("server notice"))
        #expect(try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    @Test func aNegativeBigintIsNotAnUnsignedValue() throws {
        let connection = try TestServer.connect()
        let row = try connection.query("SELECT -1::bigint AS below, 9223372036854775807::bigint AS top")[0]
        let negative = try #require(throws: PostgresError.self) { try row.decode("below", as: UInt64.self) }
        #expect(negative.kind == .decoding)
        #expect(negative.description.contains("row 0 column below is not a valid UInt64"))
        #expect(try row.decode("top", as: UInt64.self) == UInt64(Int64.max))
    }

    @Test func constraintViolationCarriesSQLStateAndConstraint() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE people (email text CONSTRAINT people_email_key UNIQUE, age int CHECK (age >= 0))")
        try connection.execute("INSERT INTO people VALUES ($1, $2)", ["ada@example.com", 36])
        let duplicate = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO people VALUES ($1, $2)", ["ada@example.com", 37])
        }
        #expect(duplicate.code == .uniqueViolation)
        #expect(duplicate.constraint == "people_email_key")
        #expect(duplicate.table == "people")
        // The DETAIL quotes the row's value; only the debug description may show it.
        #expect(duplicate.detail?.contains("ada@example.com") == true)
        #expect(!duplicate.description.contains("ada@example.com"))
        #expect(duplicate.debugDescription.contains("ada@example.com"))

        let negative = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO people VALUES ($1, $2)", ["bob@example.com", -1])
        }
        #expect(negative.code == .checkViolation)
        #expect(negative.constraint == "people_age_check")
    }

    @Test func parametersNeverAppearInTheDescription() throws {
        let connection = try TestServer.connect()
        let secret = "not-a-uuid-but-a-secret"
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT $1::uuid", [secret])
        }
        #expect(error.code == .invalidTextRepresentation)
        #expect(!error.description.contains(secret))
        #expect(error.description.contains("$1"))
    }

    /// A value that holds another is replaced whole: the shorter one is not replaced inside it first.
    @Test func aParameterHoldingAnotherIsRedactedWhole() throws {
        let connection = try TestServer.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT $1::text, $2::uuid", ["secret", "secret-token-xyz"])
        }
        #expect(!error.description.contains("token-xyz"), "\(error.description)")
        #expect(error.description.contains("\"$2\""))
    }

    /// The constraint the error is about is named whole, even when its name holds a value sent;
    /// the value itself, quoted elsewhere in the message, is still replaced.
    @Test func aConstraintNameHoldingAParameterIsKeptWhole() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE chats (owner text, status text)")
        try connection.execute("CREATE UNIQUE INDEX uniq_active_chat_per_owner ON chats (owner) WHERE status = 'active'")
        try connection.execute("INSERT INTO chats VALUES ($1, $2)", ["ada", "active"])
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("INSERT INTO chats VALUES ($1, $2)", ["ada", "active"])
        }
        #expect(error.code == .uniqueViolation)
        #expect(error.message == "duplicate key value violates unique constraint \"uniq_active_chat_per_owner\"")
        // A kept name is never set aside inside a value: a value holding a column's name is still replaced whole.
        #expect(PostgresError.redacting(#"bad "secret "id" 7" for "id""#, parameters: [#"secret "id" 7"#], keeping: ["id"])
            == #"bad "$1" for "id""#)
        #expect(PostgresError.redacting(#"constraint "uniq_active_x" on "active""#, parameters: ["active"], keeping: ["uniq_active_x"])
            == #"constraint "uniq_active_x" on "$1""#)
    }

    /// Swift strings are UTF-8: a connection asked for another client encoding is set back to UTF8.
    @Test func aConnectionAlwaysTalksUTF8() throws {
        let url = try TestServer.url()
        let latin1 = url.contains("://") ? url + (url.contains("?") ? "&" : "?") + "client_encoding=LATIN1" : url + " client_encoding=LATIN1"
        let connection = try TestServer.connect(latin1)
        #expect(try connection.query("SHOW client_encoding")[0].decode("client_encoding", as: String.self) == "UTF8")
        #expect(try connection.query("SELECT chr(233) || $1 AS t", ["ñ"])[0].decode("t", as: String.self) == "éñ")
    }

    @Test func scriptErrorsCountLinesAsTheServerCountsCharacters() {
        let script = String(repeating: "SELECT 1;\r\n", count: 20) + "SELEC 2;\r\n"
        let position = script.unicodeScalars.count - "SELEC 2;\r\n".unicodeScalars.count + 1
        #expect(Connection.line(of: position, in: script) == 21)
    }

    /// A merged UPDATE sends a column as one array; the server quotes just the element it could not read.
    @Test(arguments: ["secret \"quoted\" value", "back\\slash secret", "abc", "NULLS"])
    func arrayElementsNeverAppearInTheDescription(secret: String) throws {
        let connection = try TestServer.connect()
        let elements = ["3f2504e0-4f89-11d3-9a0c-0305e82c3301", secret]
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT unnest($1::uuid[])", [PostgresArray(elements)])
        }
        #expect(error.code == .invalidTextRepresentation)
        #expect(!error.description.contains(secret))
        #expect(error.description.contains("\"$1[2]\""))
    }

    @Test func rowCountsOfCommands() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE numbers (n int)")
        #expect(try connection.execute("INSERT INTO numbers SELECT generate_series(1, 5)") == 5)
        #expect(try connection.execute("DELETE FROM numbers WHERE n > $1", [3]) == 2)
    }

    @Test func arrayParametersEscapeTheirElements() throws {
        let connection = try TestServer.connect()
        let elements = ["plain", "with \"quotes\"", "back\\slash", "comma,brace}", "ñandú € 🦙", "", "NULL"]
        let rows = try connection.query("SELECT unnest($1::text[]) AS element", [PostgresArray(elements)])
        #expect(try rows.map { try $0.decode("element", as: String.self) } == elements)
    }
}

@Suite struct ConnectionFailureTests {
    /// A session the server ends is a connection error, for a query and for a pipeline, so a
    /// caller does not take it for a statement the database refused.
    @Test(arguments: [false, true])
    func aTerminatedSessionIsAConnectionErrorNotAQueryError(pipelined: Bool) throws {
        let connection = try TestServer.connect()
        try Self.terminate(pid: Self.pid(of: connection))
        let error = try #require(throws: PostgresError.self) {
            if pipelined {
                _ = try connection.pipeline([.init("SELECT 1", []), .init("SELECT 2", [])])
            } else {
                _ = try connection.query("SELECT 1")
            }
        }
        #expect(error.kind == .connection, "\(error.description)")
    }

    /// A role's or the environment's output settings do not change what values decode to.
    @Test func datesAndDoublesDecodeWhateverTheSessionsDefaults() throws {
        let conninfo = ConnectionString.setting("options", to: "-c DateStyle=SQL,DMY -c extra_float_digits=-3", in: try TestServer.url())!
        let connection = try TestServer.connect(conninfo)
        let row = try connection.query("SELECT '2026-11-24 10:20:30.5+00'::timestamptz AS at, 0.1::float8 + 0.2::float8 AS sum")[0]
        #expect(try row.decode("at", as: Date.self) == Date(timeIntervalSince1970: 1_795_515_630.5))
        #expect(try row.decode("sum", as: Double.self) == 0.1 + 0.2)
    }

    /// A role's or database's default isolation does not change what Parley's transactions see.
    @Test func transactionsAreReadCommittedWhateverTheSessionsDefault() throws {
        let conninfo = ConnectionString.setting("options", to: "-c default_transaction_isolation=repeatable\\ read", in: try TestServer.url())!
        let connection = try TestServer.connect(conninfo)
        let level = try connection.transaction { try $0.query("SHOW transaction_isolation")[0].decode("transaction_isolation", as: String.self) }
        #expect(level == "read committed")
    }

    /// A session ended while its statement runs is a connection error; a pipeline's keeps the
    /// server's reason (57P01), which comes as a statement's result before the socket closes
    /// (libpq folds a single statement's into "server closed the connection unexpectedly").
    @Test(arguments: [false, true])
    func aSessionEndedMidStatementKeepsTheServersReason(pipelined: Bool) throws {
        let connection = try TestServer.connect()
        let pid = try Self.pid(of: connection)
        let terminator = Thread {
            usleep(300_000)
            _ = try? TestServer.connect().query("SELECT pg_terminate_backend($1, 5000)", [pid])
        }
        terminator.start()
        let error = try #require(throws: PostgresError.self) {
            if pipelined {
                _ = try connection.pipeline([.init("SELECT pg_sleep(5)", []), .init("SELECT 2", []), .init("SELECT $1::int", ["3"])])
            } else {
                _ = try connection.query("SELECT pg_sleep(5)")
            }
        }
        #expect(error.kind == .connection, "\(error.description)")
        if pipelined { #expect(error.code == .adminShutdown, "\(error.description)") }
    }

    /// A COPY whose session ends while its rows stream fails as a connection error too.
    @Test func aSessionEndedDuringACopyIsAConnectionError() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE loaded (id int, body text)")
        let pid = try Self.pid(of: connection)
        let body = String(repeating: "x", count: 1000)
        // The rows are made as the COPY sends them: the session ends after the first chunks.
        let rows = (0..<100_000).lazy.map { id -> [String?] in
            if id == 500 { #expect(throws: Never.self) { try Self.terminate(pid: pid) } }
            return [String(id), body]
        }
        let error = try #require(throws: PostgresError.self) { try connection.copyIn("COPY loaded FROM STDIN", rows: rows) }
        #expect(error.kind == .connection, "\(error.description)")
    }

    static func pid(of connection: Connection) throws -> Int {
        try connection.query("SELECT pg_backend_pid() AS pid")[0].decode("pid", as: Int.self)
    }

    /// Ends the session of server process `pid` from another one, and returns once it is gone.
    static func terminate(pid: Int) throws {
        let other = try TestServer.connect()
        #expect(try other.query("SELECT pg_terminate_backend($1, 5000) AS done", [pid])[0].decode("done", as: Bool.self))
    }

    @Test func stoppedServerFailsWithAClearErrorAndNoPassword() throws {
        // Port 1 on loopback: nothing listens there.
        let error = try #require(throws: PostgresError.self) {
            try Connection("postgresql://parley:hunter2@127.0.0.1:1/parley?connect_timeout=2", logger: Logger(label: "test"))
        }
        #expect(error.kind == .connection)
        #expect(error.code == .clientUnableToEstablishConnection)
        #expect(error.description.contains("127.0.0.1"))
        #expect(error.description.contains("port=1"))
        #expect(!error.description.contains("hunter2"))
        #expect(!error.debugDescription.contains("hunter2"))
    }

    /// libpq ends the user-info at the first `@` and the authority at the first `/`: such a password
    /// would become a host or port and be printed back.
    @Test(arguments: ["postgresql://ada:hunter@secret@127.0.0.1:1/app", "postgresql://ada:pa/secret@127.0.0.1:1/app",
                      "postgres://ada:pa#secret@127.0.0.1:1/app", "postgresql://ada:pa?ss@secret@127.0.0.1:1/app",
                      "postgresql://ada:pa?secret@127.0.0.1:1/app"])
    func aPasswordThatNeedsEncodingIsRefusedWithoutPrintingIt(conninfo: String) throws {
        let error = try #require(throws: PostgresError.self) { try Connection(conninfo, logger: Logger(label: "test")) }
        #expect(error.kind == .connection)
        #expect(error.message.contains("percent-encode"))
        #expect(!error.debugDescription.contains("secret"))
        #expect(!ConnectionString.redacted(conninfo).contains("secret"))
        #expect(ConnectionString.parseProblem("postgresql://ada:hunter%40secret@127.0.0.1:1/app") == nil)
        #expect(ConnectionString.parseProblem("postgresql://ada:hunter%3Fsecret@127.0.0.1:1/app?connect_timeout=2") == nil)
        #expect(ConnectionString.parseProblem("postgresql://127.0.0.1:1/app?user=ada&password=secret") == nil)
        // A database name with `@` reads the same as a password with `/`: refused, and the message says how to write it.
        #expect(ConnectionString.parseProblem("postgresql://127.0.0.1:1/app@prod")?.contains("database name holds '@'") == true)
        #expect(ConnectionString.parseProblem("postgresql://127.0.0.1:1/app%40prod") == nil)
    }

    @Test func malformedConnectionStringIsReportedWithoutItsPassword() throws {
        let error = try #require(throws: PostgresError.self) {
            try Connection("postgresql://u:hunter2@host:notaport/db", logger: Logger(label: "test"))
        }
        #expect(error.kind == .connection)
        #expect(!error.description.contains("hunter2"))
    }

    @Test(arguments: [
        ("postgresql://ada:hunter2@db.example.com:5433/app", "user=ada host=db.example.com port=5433 dbname=app"),
        ("host=db user=ada password=hunter2 dbname=app", "host=db user=ada dbname=app"),
        ("postgresql://db/app?password=hunter2&user=ada", "user=ada host=db dbname=app"),
        ("host=db user=ada sslpassword=hunter2 dbname=app", "host=db user=ada dbname=app"),
    ])
    func redactionDropsThePassword(conninfo: String, expected: String) {
        let shown = ConnectionString.redacted(conninfo)
        #expect(!shown.contains("hunter2"))
        #expect(Set(shown.split(separator: " ")) == Set(expected.split(separator: " ")))
    }
}
