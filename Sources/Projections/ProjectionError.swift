import EventSourcing
import Postgres

/// Why a projection stopped: the event it could not apply, and the database's or decoder's reason.
///
/// A projection never skips an event: it stops here, with everything before this event applied
/// and its checkpoint at this event.
public struct ProjectionError: Error, CustomStringConvertible {
    public var projection: String
    public var position: LogPosition
    public var eventType: String
    public var stream: StreamName
    /// The SQLSTATE when the database refused a statement.
    public var code: SQLState?
    public var reason: String

    public var description: String {
        "projection \(projection) stopped at position \(position) (\(eventType) in \(stream))"
            + (code.map { ": SQLSTATE \($0)" } ?? "") + ": \(reason)"
    }
}

/// A checkpoint past the end of the log: the read model was made from another log (or a longer
/// one, since cut back), and applying this one to it would mix the two.
public struct CheckpointPastHead: Error, CustomStringConvertible {
    public var projection: String
    public var checkpoint: LogPosition
    public var head: LogPosition

    public var description: String {
        "projection \(projection) has applied the events before position \(checkpoint), but this log ends at \(head): "
            + "the database was projected from another log (give its --log), or rebuild it from this one with parley rebuild --accept-shorter-log"
    }
}

/// A statement that affected another number of rows than its projector expected
/// (`SQLStatement.expectedRows`): the read model no longer agrees with the events.
struct RowsNotAsExpected: Error, CustomStringConvertible {
    /// The statement's SQL, or the COPY's: never its parameters or rows.
    var sql: String
    var affected: Int
    var expected: Int

    init(statement: SQLStatement, affected: Int) {
        self.init(sql: statement.sql, affected: affected, expected: statement.expectedRows ?? 0)
    }

    init(sql: String, affected: Int, expected: Int) {
        self.sql = sql
        self.affected = affected
        self.expected = expected
    }

    var description: String {
        "\(sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")): \(affected) rows affected, \(expected) expected; "
            + "the read model no longer agrees with the events (rebuild it with parley rebuild)"
    }
}

/// A version with no checkpoint row: never registered, or dropped (`--drop-previous`) while a
/// runner of it was still going.
public struct VersionNotRegistered: Error, Equatable, CustomStringConvertible {
    public var projection: String
    public var version: Int

    public var description: String { "projection \(projection) v\(version) is not registered" }
}
