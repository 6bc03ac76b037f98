import Postgres
import TestSupport
import Testing

@Suite struct ConnectionStringTests {
    @Test(arguments: [
        "postgresql://ada:it's%20a\\secret@db.example.com:5433/app?sslmode=disable",
        "host=db user=ada password='it\\'s a\\\\secret' dbname=app",
    ])
    func replacingTheDatabaseKeepsEverythingElse(conninfo: String) throws {
        let replaced = try #require(ConnectionString.replacingDatabase(in: conninfo, with: "parley_test_1"))
        // Every other setting (host, port, user, sslmode) is kept as it was, and the password too.
        let before = ConnectionString.redacted(conninfo).split(separator: " ").map { $0 == "dbname=app" ? "dbname=parley_test_1" : $0 }
        #expect(Set(ConnectionString.redacted(replaced).split(separator: " ")) == Set(before))
        #expect(before.count >= 3 && before.contains("dbname=parley_test_1"))
        #expect(replaced.contains("password='it\\'s a\\\\secret'"))
    }

    @Test func anUnparseableStringHasNoReplacement() {
        #expect(ConnectionString.replacingDatabase(in: "host='unterminated", with: "x") == nil)
    }

    @Test func replacedStringsConnect() throws {
        let replaced = try #require(ConnectionString.replacingDatabase(in: try TestServer.url(), with: "postgres"))
        let connection = try Connection(replaced, logger: .init(label: "test"))
        #expect(try connection.query("SELECT current_database() AS name")[0].decode("name", as: String.self) == "postgres")
    }
}
