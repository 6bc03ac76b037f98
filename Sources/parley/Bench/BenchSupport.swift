import EventSourcing
import Foundation
import Logging
import Migue
import Postgres
import Projections

/// A migrated database of its own on the server, for one benchmark run, dropped by `leftovers`
/// when the run ends or a signal stops it.
struct ScratchBenchDatabase {
    let name: String
    let conninfo: String

    /// Creates and migrates the database. Its drop is registered once the server is connected (a
    /// failed connection created nothing to drop) and before the `CREATE DATABASE`: a signal during
    /// that statement cancels it on the server and waits for it to end before the drop (a drop
    /// could not see a database still being created, which would then stay).
    init(server: String, logger: Logger, migrations: String = "migrations", leftovers: BenchLeftovers) throws {
        let name = "parley_bench_\(UUID().uuidString.lowercased().prefix(8))"
        guard let conninfo = ConnectionString.replacingDatabase(in: server, with: name) else {
            throw PostgresError(kind: .usage, message: "the database URL does not parse")
        }
        self.name = name
        self.conninfo = conninfo
        let files = try MigrationFile.load(from: migrations)
        let creation = QueryCancellation(), creating = NSLock()
        let connection = try QueryCancellation.$current.withValue(creation) { try Connection(server, logger: logger) }
        leftovers.add("the database \(name)") {
            creation.cancel(reason: "the benchmark was stopped")
            try creating.withLock { try Self.drop(name, on: server) }
        }
        _ = try creating.withLock { try connection.execute("CREATE DATABASE \(name)") }
        try Migrator(connection: try Connection(conninfo, logger: logger), files: files, logger: logger).migrate()
    }

    /// Drops the database, giving up on a server that does not answer within 10 seconds.
    private static func drop(_ name: String, on server: String) throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let bounded = ConnectionString.setting("connect_timeout", to: "10", in: server) ?? server
        try Connection(bounded, logger: logger).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

/// Migue commands for benchmarks: users with one conversation each, then corpus messages.
enum BenchCommands {
    static let base = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!

    /// Submits users, conversations and `messages` messages (100 per conversation) through the deciders.
    ///
    /// With `inboundEvery` n, every n-th message is inbound (which also opens or extends the user's
    /// window, one more event); the others are outbound replies, which record the message alone.
    static func submit(messages: Int, sentences: [String], inboundEvery: Int = 2, to store: some EventStore) async throws {
        let service = MigueService(store: store, durability: .buffered)
        for line in lines(messages: messages, sentences: sentences, inboundEvery: inboundEvery) {
            if case .rejected(let rejection) = try await service.handle(json: line) {
                throw BenchRejected(reason: "\(rejection)")
            }
        }
    }

    struct BenchRejected: Error, CustomStringConvertible {
        var reason: String
        var description: String { "a benchmark command was rejected: \(reason)" }
    }

    /// The command lines, in submission order.
    static func lines(messages: Int, sentences: [String], inboundEvery: Int) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        lines.reserveCapacity(messages + messages / 50 + 2)
        var number = 0
        func command(_ type: String, _ data: String) -> [UInt8] {
            number += 1
            let id = UUID(namespace: Migue.namespace, name: "bench-\(number)").uuidString
            return Array(#"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"\#(base.adding(seconds: Int64(number)))","actor":"bench","data":\#(data)}"#.utf8)
        }
        let conversations = max(1, messages / 100)
        for user in 0..<conversations {
            let phone = "+3461\(String(format: "%07d", user))"
            let conversation = UUID(namespace: Migue.namespace, name: "bench-conversation-\(user)").uuidString
            lines.append(command("user.register", #"{"phone_number":"\#(phone)"}"#))
            lines.append(command(
                "conversation.start", #"{"conversation_id":"\#(conversation)","user_id":"\#(Migue.userID(phoneNumber: phone).uuidString)"}"#))
        }
        for index in 0..<messages {
            let conversation = UUID(namespace: Migue.namespace, name: "bench-conversation-\(index % conversations)").uuidString
            let text = jsonEscaped(sentences[index % sentences.count])
            let direction = inboundEvery > 0 && index % inboundEvery == 0 ? "inbound" : "outbound"
            lines.append(command(
                "message.record",
                #"{"conversation_id":"\#(conversation)","direction":"\#(direction)","type":"text","content":"\#(text)","wa_message_id":"wamid.bench.\#(index)","timestamp":"\#(base.adding(seconds: Int64(index)))"}"#))
        }
        return lines
    }

    static func jsonEscaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: if scalar.value >= 0x20 { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}
