import Foundation
import Logging
import Postgres
import Testing

/// The server `tools/test` started. Tests that need it fail, never skip, when it is missing.
enum TestDatabase {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "PARLEY_DATABASE_URL is not set: run the tests with tools/test, which starts PostgreSQL"
        }
    }

    static func url() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["PARLEY_DATABASE_URL"], !url.isEmpty else {
            throw Missing()
        }
        return url
    }

    static func connect() throws -> Connection {
        try Connection(url(), logger: Logger(label: "test"))
    }
}
