import Postgres
import TestSupport
import Testing

@Suite struct CopyTests {
    static let awkward: [[String?]] = [
        ["1", "tab\there", "line\nbreak"],
        ["2", "back\\slash \\N \\t", nil],
        ["3", "carriage\r\nreturn", ""],
        ["4", "\\.", "ünïcødé ✓ 🚀"],
        ["5", nil, "\"quoted\", 'single'; DROP TABLE x"],
    ]

    @Test func rowsWithAwkwardTextArriveUnchanged() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE loaded (id int, a text, b text)")
        let stored = try connection.copyIn("COPY loaded (id, a, b) FROM STDIN", rows: Self.awkward)
        #expect(stored == Self.awkward.count)
        let rows = try connection.query("SELECT id::text, a, b FROM loaded ORDER BY id")
        #expect(rows.map(\.values) == Self.awkward)
    }

    @Test func manyRowsCrossChunkBoundaries() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE loaded (id int, body text)")
        let body = String(repeating: "x\ty\\z\n", count: 50)
        let rows = (0..<2_000).lazy.map { [String($0), body] as [String?] }
        #expect(try connection.copyIn("COPY loaded FROM STDIN", rows: rows) == 2_000)
        let check = try connection.query("SELECT count(*) AS n, count(DISTINCT body) AS bodies, min(body) = $1 AS same FROM loaded", [body])[0]
        #expect(try check.decode("n", as: Int.self) == 2_000)
        #expect(try check.decode("bodies", as: Int.self) == 1)
        #expect(try check.decode("same", as: Bool.self))
    }

    @Test func aBadRowFailsTheWholeCopyWithoutPrintingItsValue() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE loaded (id int, secret text)")
        let error = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY loaded FROM STDIN", rows: [["1", "fine"], ["hunter2-not-a-number", "x"]])
        }
        #expect(error?.code == .invalidTextRepresentation)
        #expect(error?.description.contains("hunter2") == false)
        #expect(try connection.query("SELECT count(*) AS n FROM loaded")[0].decode("n", as: Int.self) == 0)
        #expect(try connection.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
    }

    @Test func aConstraintViolationDuringCopyNamesTheConstraint() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE loaded (id int CONSTRAINT loaded_id_key UNIQUE)")
        let error = #expect(throws: PostgresError.self) {
            try connection.copyIn("COPY loaded FROM STDIN", rows: [["7"], ["7"]])
        }
        #expect(error?.code == .uniqueViolation)
        #expect(error?.constraint == "loaded_id_key")
    }

    @Test func aStatementThatIsNotCopyFromStdinIsAUsageError() throws {
        let connection = try TestServer.connect()
        let error = #expect(throws: PostgresError.self) { try connection.copyIn("SELECT 1", rows: [["1"]]) }
        #expect(error?.kind == .usage)
        #expect(try connection.query("SELECT 1 AS one").count == 1)
    }

    @Test func aFieldHoldingNULAbortsTheCopyNamingRowAndField() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE pasted_nul (a text, b text)")
        let rows: [[String?]] = (1...20_000).map { ["row \($0)", $0 == 20_000 ? "sec\u{0}ret" : "x"] }
        let error = try #require(throws: PostgresError.self) { try connection.copyIn("COPY pasted_nul (a, b) FROM STDIN", rows: rows) }
        #expect(error.kind == .query)
        #expect(error.code == .characterNotInRepertoire)
        #expect(error.message == "row 20000 field 2 holds a NUL character, which PostgreSQL text cannot store")
        #expect(!error.debugDescription.contains("sec"))
        #expect(try connection.query("SELECT count(*) AS n FROM pasted_nul")[0].decode("n", as: Int.self) == 0)
        #expect(try connection.copyIn("COPY pasted_nul (a, b) FROM STDIN", rows: [["a", "b"]]) == 1)
    }

    /// A COPY met where the client has no data side used to leave libpq returning COPY results for
    /// ever (the drain after it never ended); it is refused and the connection stays usable.
    @Test func aCopyOutsideCopyInIsRefusedAndTheConnectionStaysUsable() throws {
        let connection = try TestServer.connect()
        try connection.execute("CREATE TEMP TABLE pasted (a int)")
        let attempts: [(String, () throws -> Void)] = [
            ("copyIn of COPY TO STDOUT", { try connection.copyIn("COPY (SELECT 1) TO STDOUT", rows: [[String?]]()) }),
            ("query of COPY FROM STDIN", { try connection.query("COPY pasted FROM STDIN") }),
            ("query of COPY TO STDOUT", { try connection.query("COPY (SELECT generate_series(1, 100000)) TO STDOUT") }),
            ("script with COPY FROM STDIN", { try connection.executeScript("INSERT INTO pasted VALUES (1); COPY pasted FROM STDIN;", name: "seed.sql") }),
        ]
        for (what, attempt) in attempts {
            let error = #expect(throws: PostgresError.self, "\(what)") { try attempt() }
            #expect(error?.kind == .usage, "\(what)")
            #expect(try connection.query("SELECT count(*) AS n FROM pasted")[0].decode("n", as: Int.self) == 0, "\(what) stored nothing")
            #expect(!connection.isInTransaction)
        }
        _ = try connection.transaction { try $0.pipeline([.init("INSERT INTO pasted VALUES (2)")]) }
        #expect(try connection.query("SELECT count(*) AS n FROM pasted")[0].decode("n", as: Int.self) == 1)
    }
}
