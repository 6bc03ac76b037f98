import EventSourcing
import Foundation

/// Which events wrote a row of a read model: the answer to "who changed this, and why".
///
/// A projector statement writes a row of `table` when it targets that table (`INSERT INTO t`,
/// `UPDATE t`, `DELETE FROM t`) and gives the row's `id` column the id: the parameter an
/// `INSERT` lists for `id`, or the one of `WHERE id = $n`. An id among the other parameters (a
/// foreign key, a token) is another row's. The events of the projection are replayed through its
/// projector (no database involved) and those statements' events are returned, in log order,
/// with the verb they applied.
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
            for statement in try event.decoded(by: projection.statements) {
                guard let verb = target(of: statement.sql, is: table), rowKey(of: statement) == .uuid(id) else { continue }
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

    /// The value `statement` gives its row's `id` column: the `$n` an `INSERT`'s `VALUES` puts
    /// in the place of `id` in its column list, or the `$n` of an `UPDATE`'s or a `DELETE`'s
    /// `WHERE id = $n` (first, or after an `AND`). Nil when the statement names no such parameter.
    static func rowKey(of statement: SQLStatement) -> SQLValue? {
        let sql = statement.sql
        let number: Int?
        if sql.prefix(while: { !$0.isWhitespace }).uppercased() == "INSERT" {
            guard let columns = parenthesized(sql, after: /(?i)\bINTO\b/), let values = parenthesized(sql, after: /(?i)\bVALUES\b/),
                let place = columns.firstIndex(where: { $0.lowercased() == "id" }), place < values.count
            else { return nil }
            number = parameterNumber(values[place])
        } else {
            let condition = sql.firstMatch(of: /(?i)\bWHERE\b/).map { sql[$0.range.upperBound...] } ?? ""
            number = condition.firstMatch(of: /(?i)(?:^|\bAND)\s*id\s*=\s*(\$[0-9]+)/).flatMap { parameterNumber(String($0.1)) }
        }
        guard let number, statement.parameters.indices.contains(number - 1) else { return nil }
        return statement.parameters[number - 1]
    }

    /// The comma-separated items of the first parenthesized list after the first match of
    /// `keyword`, trimmed; commas inside nested parentheses belong to their item.
    private static func parenthesized(_ sql: String, after keyword: Regex<Substring>) -> [String]? {
        guard let word = sql.firstRange(of: keyword), let open = sql[word.upperBound...].firstIndex(of: "(")
        else { return nil }
        var items: [String] = []
        var item = ""
        var depth = 0
        for character in sql[sql.index(after: open)...] {
            switch character {
            case "(": depth += 1
            case ")" where depth == 0:
                items.append(item.trimmingCharacters(in: .whitespacesAndNewlines))
                return items
            case ")": depth -= 1
            case "," where depth == 0:
                items.append(item.trimmingCharacters(in: .whitespacesAndNewlines))
                item = ""
                continue
            default: break
            }
            item.append(character)
        }
        return nil
    }

    /// `n` of a parameter reference `$n`, with or without a cast (`$1::uuid`).
    private static func parameterNumber(_ text: String) -> Int? {
        guard let match = text.wholeMatch(of: /\$([0-9]+)(::[A-Za-z_ ]+)?/) else { return nil }
        return Int(match.1)
    }
}
