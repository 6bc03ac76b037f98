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
        #expect(ConnectionString.redacted(replaced).contains("dbname=parley_test_1"))
        #expect(!ConnectionString.redacted(replaced).contains("dbname=app"))
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
