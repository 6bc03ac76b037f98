import EventSourcing

/// The rows migue commands create, per table: one per creating command (a `user.register` is a row
/// of `users`), and one messaging window per user who writes (sends an inbound message).
public struct TableCounts: Hashable, Sendable {
    /// Rows per table, by table name.
    public private(set) var rows: [String: Int] = [:]

    public init() {}

    /// migue's tables in the seed's order, each with the command type that inserts its rows.
    public static let tables: [(table: String, command: String)] = [
        ("users", "user.register"), ("conversations", "conversation.start"), ("messages_v2", "message.record"),
        ("reminders", "reminder.create"), ("messaging_windows", "message.record"), ("flow_sessions", "flow.create"),
        ("call_logs", "call.initiate"), ("user_interactions", "interaction.record"), ("user_locations", "location.record"),
        ("user_memory", "memory.record"), ("ai_usage_tracking", "ai-usage.record"),
        ("scheduled_messages", "scheduled-message.schedule"), ("webhook_failures", "webhook-failure.record"),
    ]

    private static let tableOfCommand: [String: String] = Dictionary(
        tables.filter { $0.table != "messaging_windows" }.map { ($0.command, $0.table) }, uniquingKeysWith: { first, _ in first })

    /// Counts the rows of `commands`, all about one user (as an import's conversation is).
    public mutating func count(oneUser commands: [CommandEnvelope]) {
        for command in commands {
            if let table = Self.tableOfCommand[command.type] { rows[table, default: 0] += 1 }
        }
        if commands.contains(where: { $0.type == "message.record" && $0.data["direction"] == .string("inbound") }) {
            rows["messaging_windows", default: 0] += 1
        }
    }

    public subscript(table: String) -> Int { rows[table] ?? 0 }

    public var users: Int { self["users"] }
    public var messages: Int { self["messages_v2"] }
    public var reminders: Int { self["reminders"] }

    /// Each table with its count, in `tables` order.
    public var list: [(table: String, rows: Int)] { Self.tables.map { ($0.table, self[$0.table]) } }
}
