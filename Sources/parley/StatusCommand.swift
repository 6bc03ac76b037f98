import ArgumentParser
import EventLog
import Foundation
import Postgres
import Projections

/// `parley status`: the log's head and each projection's checkpoint and lag.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the log head, each projection's checkpoint and its lag.")

    @OptionGroup var options: GlobalOptions

    /// What `--json` prints: one object, so a script gets the head even before any projection ran.
    struct Report: Encodable {
        var log: String
        var head: UInt64
        var projections: [Line]
    }

    struct Line: Encodable, Sendable {
        var projection: String
        var version: Int
        var schema: String
        var status: String
        var checkpoint: UInt64
        var lag: UInt64
        /// The checkpoint is past the log's head: the schema was projected from another or longer log.
        var pastEnd: Bool
        /// Rows per table of the version's schema.
        var tables: [String: Int]
    }

    func run() async throws {
        let log = try LogAccess.openForReading(options)
        let head = try await log.head().rawValue
        // On the session's own thread: libpq blocks, and Swift's pool is not to wait on it.
        let session = try DatabaseSession(try options.databaseLocation().conninfo, logger: options.logger)
        let lines = try await session.run { connection in
            let rows = try connection.query(
                """
                SELECT v.projection, v.version, v.schema_name, v.status, coalesce(c.next_position, 0) AS next_position
                FROM parley.projection_versions v
                LEFT JOIN parley.projection_checkpoints c USING (projection, version)
                ORDER BY v.projection, v.version
                """)
            return try rows.map { row in
                let checkpoint = try row.decode("next_position", as: UInt64.self)
                let schema: String = try row.decode("schema_name")
                return Line(
                    projection: try row.decode("projection"), version: try row.decode("version"), schema: schema,
                    status: try row.decode("status"), checkpoint: checkpoint, lag: head > checkpoint ? head - checkpoint : 0,
                    pastEnd: checkpoint > head, tables: try TableFingerprint.rowCounts(schema: schema, connection: connection))
            }
        }
        if options.json {
            JSONLines.print(Report(log: options.logPath, head: head, projections: lines))
            return
        }
        print("log head    \(head) (\(options.logPath))")
        if lines.isEmpty { print("no projection has run yet: parley project") }
        for line in lines {
            let past = line.pastEnd ? " (past the log's end: projected from another log?)" : ""
            print("\(line.projection) v\(line.version) (\(line.status), schema \(line.schema)): checkpoint \(line.checkpoint), lag \(line.lag)\(past)")
            for (table, count) in line.tables.sorted(by: { $0.key < $1.key }) {
                print("    \(table.padding(24)) \(count) rows")
            }
        }
    }
}
