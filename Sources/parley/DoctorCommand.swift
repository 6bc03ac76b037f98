import ArgumentParser
import EventLog
import Postgres
import Projections

/// `parley doctor`: the libraries this binary links and what the database offers.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report the linked liblz4 and libpq, the database server and its extensions."
    )

    @OptionGroup var options: GlobalOptions

    static let extensions = ["vector", "pgcrypto", "pg_trgm"]

    struct Report: Encodable {
        var lz4: String
        var libpq: String
        var database: String
        var source: String
        var server: String
        var extensions: [ExtensionStatus]
    }

    struct ExtensionStatus: Encodable {
        var name: String
        var available: Bool
        var version: String?
    }

    func run() throws {
        let location = try options.databaseLocation()
        let connection = try Connection(location.conninfo, logger: options.logger)
        let available = try connection.availableExtensions(named: Self.extensions)
        let extensions = Self.extensions.map { name in
            let version = available.first { $0.name == name }?.defaultVersion
            return ExtensionStatus(name: name, available: version != nil, version: version)
        }
        let report = Report(
            lz4: LZ4.version,
            libpq: Self.libpqVersion,
            database: connection.endpoint,
            source: location.source.rawValue,
            server: connection.serverVersion,
            extensions: extensions
        )
        if options.json {
            JSONLines.print(report)
            return
        }
        print("liblz4      \(report.lz4)")
        print("libpq       \(report.libpq)")
        print("database    \(report.database) (\(report.source))")
        print("server      PostgreSQL \(report.server)")
        for status in extensions {
            print("extension   \(status.name.padding(10)) \(status.version.map { "available, version \($0)" } ?? "not available")")
        }
    }

    /// libpq reports its version as one number: major * 10000 + minor.
    static var libpqVersion: String {
        let number = Connection.libraryVersion
        return "\(number / 10000).\(number % 10000)"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
