import EventSourcing
import Foundation

/// Which events wrote a row of a read model: the answer to "who changed this, and why".
///
/// A projector statement writes a row of `table` when it targets that table (`INSERT INTO t`,
/// `UPDATE t`, `DELETE FROM t`) and carries the row's id among its parameters. The events of the
/// projection are replayed through its projector (no database involved) and those statements'
/// events are returned, in log order, with the verb they applied.
public enum RowProvenance {
    /// One write of the row.
    public struct Write: Sendable, Encodable {
        public var position: LogPosition
        public var at: Timestamp
        public var stream: String
        public var eventType: String
        public var actor: String
        public var command: UUID?
        /// `INSERT`, `UPDATE` or `DELETE`.
        public var verb: String

        private enum CodingKeys: String, CodingKey { case position, at, stream, eventType, actor, command, verb }

        /// The command id as lowercase text, as `parley submit` prints it.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(position, forKey: .position)
            try container.encode(at, forKey: .at)
            try container.encode(stream, forKey: .stream)
            try container.encode(eventType, forKey: .eventType)
            try container.encode(actor, forKey: .actor)
            try container.encodeIfPresent(command?.lowercasedText, forKey: .command)
            try container.encode(verb, forKey: .verb)
        }
    }

    /// The writes of row `id` of `table` by `projection`, from `events`.
    public static func writes(of id: UUID, in table: String, projection: Projection, events: [RecordedEvent]) throws -> [Write] {
        var writes: [Write] = []
        for event in events where projection.reads(event) {
            for statement in try projection.statements(event) {
                guard let verb = target(of: statement.sql, is: table), statement.parameters.contains(.uuid(id)) else { continue }
                writes.append(Write(
                    position: event.position, at: event.recordedAt, stream: event.stream.description, eventType: event.type,
                    actor: event.metadata.actor, command: event.metadata.causationID, verb: verb))
            }
        }
        return writes
    }

    /// The verb when `sql` writes `table` (unqualified or schema-qualified), else nil.
    static func target(of sql: String, is table: String) -> String? {
        let words = sql.split(whereSeparator: \.isWhitespace)
        guard let first = words.first?.uppercased() else { return nil }
        let name: Substring?
        switch first {
        case "INSERT", "DELETE": name = words.count > 2 ? words[2] : nil
        case "UPDATE": name = words.count > 1 ? words[1] : nil
        default: return nil
        }
        guard let name else { return nil }
        let bare = name.split(separator: ".").last.map(String.init) ?? String(name)
        return bare == table ? first : nil
    }
}
