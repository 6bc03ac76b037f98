import EventSourcing
import Foundation
import Migue
import Postgres
import Projections
import Synchronization
import Testing
import TestSupport

/// A rebuild of 100,000+ events while a reader queries the live schema and appends go on: the
/// reader never sees an error or an empty result, and after the swap it sees the new shape.
@Suite struct RebuildTests {
    /// Reads the seed 004 indexes serve (the seed gives no SELECT of its own): a conversation's
    /// latest messages, a user by phone, a user's active conversation.
    static let readerQueries = [
        (sql: "SELECT id, content FROM messages_v2 WHERE conversation_id = $1 ORDER BY timestamp DESC LIMIT 20", byPhone: false),
        (sql: "SELECT id, name FROM users WHERE phone_number = $1", byPhone: true),
        (sql: "SELECT id FROM conversations WHERE user_id = (SELECT id FROM users WHERE phone_number = $1) AND status = 'active'", byPhone: true),
    ]

    @Test func rebuildSwapsUnderReadsAndAppendsWithoutDowntime() async throws {
        let database = try ScratchDatabase.create()
        defer { database.drop() }
        let repository = try MigrationFile.load(from: TestServer.migrationsDirectory)
        try Migrator(connection: try database.connect(), files: repository, logger: TestServer.logger).migrate()
        let store = InMemoryEventStore()
        let conversations = try await BulkMessages.write(messages: 100_000, conversations: 50, to: store)

        // The live runner as `parley project --follow` runs it: it stops once a swap retires its version.
        let live = ProjectionRunner(
            projection: ProjectionCatalog.migue, store: store, session: try DatabaseSession(database.conninfo, logger: TestServer.logger),
            logger: TestServer.logger, target: .init(schema: "migue", trackedVersion: 1, whileActive: true))
        try await live.register()
        try await live.catchUp(batchSize: 2000)

        let stop = StopFlag()
        let reader = Task.detached { try await Self.read(database: database, conversation: conversations[0], until: stop) }
        let appender = Task.detached {
            var appended = 0
            while !stop.isSet {
                try await BulkMessages.appendOne(index: appended, conversation: conversations[appended % conversations.count], to: store)
                appended += 1
                try await live.catchUp()
                try await Task.sleep(for: .milliseconds(2))
            }
            return appended
        }

        // Version 2: the same tables plus a column, so the swap is visible to readers.
        let extra = MigrationFile(
            schema: "migue", fileName: "0005_message_length.sql", number: 5,
            sql: "SET search_path TO migue, public;\nALTER TABLE messages_v2 ADD COLUMN content_length INTEGER;\n")
        let rebuilder = Rebuilder(builder: SchemaBuilder(
            projection: ProjectionCatalog.migue, store: store, conninfo: database.conninfo, migrations: repository + [extra],
            logger: TestServer.logger))
        let outcome = try await rebuilder.rebuild()
        try await Task.sleep(for: .milliseconds(200))
        stop.set()
        let reads = try await reader.value
        let appended = try await appender.value

        #expect(outcome.previous == 1 && outcome.current == 2)
        #expect(outcome.applied >= 100_000)
        #expect(reads.failures.count == 0, "reader failures: \(reads.failures.prefix(3))")
        #expect(reads.empty == 0)
        #expect(reads.rounds > 10)
        #expect(appended > 0)
        #expect(reads.sawNewShape, "the reader never saw the new column after the swap")
        let connection = try database.connect()
        let versions = try Rebuilder.versions(of: "migue", connection: connection)
        #expect(versions.map(\.status) == ["retired", "active"])
        #expect(versions.map(\.schema) == ["migue_v1", "migue"])
        // The active version's runner takes over where the rebuild's catch-up stopped: every
        // message, those appended during the rebuild and after its swap too, is in the new tables.
        let followers = try await ProjectionRunner.runners(
            for: ProjectionCatalog.migue, store: store, conninfo: database.conninfo, logger: TestServer.logger)
        #expect(followers.map(\.target.trackedVersion) == [2])
        for follower in followers { _ = try await follower.catchUp() }
        let messages: Int64 = try connection.query("SELECT count(*) AS n FROM migue.messages_v2")[0].decode("n")
        #expect(messages == Int64(100_000 + appended))
        #expect(try await followers.first?.checkpoint() == store.head())
    }

    struct Reads: Sendable {
        var rounds = 0
        var empty = 0
        var failures: [String] = []
        var sawNewShape = false
    }

    /// Runs the reader queries in a loop on the live schema until `stop`.
    static func read(database: ScratchDatabase, conversation: (id: UUID, phone: String), until stop: StopFlag) async throws -> Reads {
        let session = try DatabaseSession(database.conninfo, logger: TestServer.logger)
        return try await session.run { connection in
            var reads = Reads()
            try connection.execute("SET search_path TO migue, public")
            while !stop.isSet {
                reads.rounds += 1
                for query in readerQueries {
                    do {
                        let rows = try connection.query(query.sql, [query.byPhone ? conversation.phone : conversation.id.lowercasedText])
                        if rows.isEmpty { reads.empty += 1 }
                    } catch {
                        reads.failures.append("\(error)")
                    }
                }
                if let rows = try? connection.query("SELECT count(content_length) AS n FROM messages_v2"), !rows.isEmpty {
                    reads.sawNewShape = true
                }
            }
            return reads
        }
    }
}

/// A flag one task sets and others poll.
final class StopFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
