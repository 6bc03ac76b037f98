import EventSourcing
import Foundation
import Logging
import Migue
import Postgres
import Projections

/// A migrated database of its own on the server, for one benchmark run, dropped afterwards.
struct ScratchBenchDatabase {
    let server: String
    let name: String
    let conninfo: String

    /// Creates and migrates the database; `leftovers` drops it on a signal from before it exists.
    init(server: String, logger: Logger, migrations: String = "migrations", leftovers: BenchLeftovers) throws {
        self.server = server
        name = "parley_bench_\(UUID().uuidString.lowercased().prefix(8))"
        guard let conninfo = ConnectionString.replacingDatabase(in: server, with: name) else {
            throw PostgresError(kind: .usage, message: "the database URL does not parse")
        }
        self.conninfo = conninfo
        let files = try MigrationFile.load(from: migrations)
        let name = name
        leftovers.add("the database \(name)") { Self.drop(name, on: server) }
        try Connection(server, logger: logger).execute("CREATE DATABASE \(name)")
        do {
            try Migrator(connection: try Connection(conninfo, logger: logger), files: files, logger: logger).migrate()
        } catch {
            drop()
            throw error
        }
    }

    func drop() { Self.drop(name, on: server) }

    private static func drop(_ name: String, on server: String) {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        _ = try? Connection(server, logger: logger).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
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
