import TestSupport
import Postgres
import Testing

/// One rule of a schema: after `setup`, the `valid` statement is accepted and the `invalid` one is
/// rejected with `code` and `constraint` (nil where PostgreSQL names none, as for enum input).
struct ConstraintCase: Sendable, CustomTestStringConvertible {
    var schema: String
    var constraint: String?
    var code: SQLState
    var setup: [String]
    var valid: String
    var invalid: String

    var testDescription: String { "\(schema): \(constraint ?? "SQLSTATE \(code)")" }

    init(_ schema: String, _ constraint: String?, _ code: SQLState, setup: [String], valid: String, invalid: String) {
        self.schema = schema
        self.constraint = constraint
        self.code = code
        self.setup = setup
        self.valid = valid
        self.invalid = invalid
    }

    /// Runs the case in a transaction that is rolled back, so cases do not see each other's rows.
    func check() throws {
        try MigratedDatabase.withRollback(schema: schema) { connection in
            for statement in setup { try connection.execute(statement) }
            try connection.execute(valid)
            let error = #expect(throws: PostgresError.self, "\(invalid)") { try connection.execute(invalid) }
            #expect(error?.code == code, "\(String(describing: error))")
            #expect(error?.constraint == constraint, "\(String(describing: error))")
        }
    }
}

/// A foreign key's action: after `setup`, `action` succeeds and `check` (one row, column `n`) gives `expected`;
/// or, when `rejectedBy` names a constraint, `action` is refused with SQLSTATE 23503 and that name.
struct ForeignKeyActionCase: Sendable, CustomTestStringConvertible {
    var schema: String
    var label: String
    var setup: [String]
    var action: String
    var check: String
    var expected: Int
    var rejectedBy: String?

    var testDescription: String { "\(schema): \(label)" }

    func run() throws {
        try MigratedDatabase.withRollback(schema: schema) { connection in
            for statement in setup { try connection.execute(statement) }
            if let rejectedBy {
                let error = #expect(throws: PostgresError.self) { try connection.execute(action) }
                #expect(error?.code == .foreignKeyViolation)
                #expect(error?.constraint == rejectedBy, "\(String(describing: error))")
                return
            }
            try connection.execute(action)
            #expect(try connection.query(check)[0].decode("n", as: Int.self) == expected, "\(check)")
        }
    }
}

/// Fixed ids the cases use, so statements read as plain SQL.
enum ID {
    static let user1 = "'a0000000-0000-0000-0000-000000000001'"
    static let user2 = "'a0000000-0000-0000-0000-000000000002'"
    static let user3 = "'a0000000-0000-0000-0000-000000000003'"
    static let conversation1 = "'c0000000-0000-0000-0000-000000000001'"
    static let conversation2 = "'c0000000-0000-0000-0000-000000000002'"
    static let message1 = "'e0000000-0000-0000-0000-000000000001'"
    static let missing = "'f0000000-0000-0000-0000-00000000dead'"
}
