import Projections
import TestSupport
import Testing

/// The scan that refuses a migration file holding `COMMIT`, `BEGIN` and the like before it runs.
@Suite struct TransactionControlTests {
    func control(_ sql: String) -> MigrationFile.TransactionControl? {
        MigrationFile(schema: "demo", fileName: "0001_a.sql", number: 1, sql: sql).transactionControl
    }

    @Test(arguments: [
        ("SELECT 1;\nCOMMIT;\n", 2, "COMMIT"),
        ("CREATE TABLE t (id int);\n  commit work;", 2, "COMMIT"),
        ("SELECT 1; END", 1, "END"),
        ("SELECT 1;\n\nabort;", 3, "ABORT"),
        ("BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;", 1, "BEGIN"),
        ("START TRANSACTION ISOLATION LEVEL SERIALIZABLE;", 1, "START TRANSACTION"),
        ("SELECT 1;\nROLLBACK;", 2, "ROLLBACK"),
        ("ROLLBACK AND CHAIN;", 1, "ROLLBACK"),
        ("PREPARE TRANSACTION 'x';", 1, "PREPARE TRANSACTION"),
        ("COMMIT PREPARED 'x';", 1, "COMMIT"),
        // The statement after a comment, a literal or a body holding a semicolon still counts.
        ("SELECT ';' /* ; */ -- ;\n;\nCOMMIT;", 3, "COMMIT"),
        ("DO $$ BEGIN PERFORM 1; END $$;\nCOMMIT;", 2, "COMMIT"),
        ("SELECT E'it\\'s; fine';\nCOMMIT;", 2, "COMMIT"),
        ("CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\nCOMMIT;", 5, "COMMIT"),
    ])
    func aStatementThatControlsTheTransactionIsFoundWithItsLine(sql: String, line: Int, statement: String) {
        #expect(control(sql) == MigrationFile.TransactionControl(line: line, statement: statement))
    }

    @Test(arguments: [
        "-- COMMIT;\nSELECT 1;",
        "/* outer /* COMMIT; */ still comment; COMMIT; */ SELECT 1;",
        "SELECT 'COMMIT; BEGIN';",
        "SELECT 'it''s'; SELECT ';COMMIT';",
        "SELECT E'\\';COMMIT;';",
        "CREATE TABLE \"commit\" (\"begin\" int);",
        "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n  COMMIT;\n  RETURN NEW;\nEND;\n$body$;",
        "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;",
        "SAVEPOINT a; SELECT 1; ROLLBACK TO SAVEPOINT a; ROLLBACK TRANSACTION TO a; RELEASE SAVEPOINT a;",
        "PREPARE q AS SELECT $1::int; EXECUTE q(1);",
        "SELECT 1 AS begin, 2 AS commit;",
        "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;",
        "CREATE TABLE a$commit (id int); SELECT a$commit.id FROM a$commit;",
        "",
    ])
    func otherStatementsAreNotTransactionControl(sql: String) {
        #expect(control(sql) == nil)
    }

    /// The seeds' functions, triggers and policies are not mistaken for transaction control.
    @Test func noShippedMigrationIsRefused() throws {
        let files = try MigrationFile.load(from: TestServer.migrationsDirectory)
        #expect(files.count > 10)
        #expect(files.filter { $0.transactionControl != nil }.map(\.name) == [])
    }

    @Test func retargetingRefusesTheFileBeforeRewritingIt() {
        let file = MigrationFile(schema: "demo", fileName: "0002_b.sql", number: 2, sql: "SET search_path TO demo, public;\nCOMMIT;\n")
        #expect(throws: MigrationError.controlsTransaction(file: "demo/0002_b.sql", line: 2, statement: "COMMIT")) {
            try file.retargeted(to: "demo_v2")
        }
    }
}
