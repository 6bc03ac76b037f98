/// A five-character SQLSTATE code, matchable in `catch` and `switch` by its named constant.
///
///     catch let error as PostgresError where error.code == .uniqueViolation { ... }
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// The two-character class, e.g. `23` for integrity constraint violations.
    public var errorClass: String { String(rawValue.prefix(2)) }

    public static func ~= (pattern: SQLState, value: SQLState?) -> Bool { pattern == value }

    public static let successfulCompletion = SQLState("00000")
    /// What the server answers to a NUL byte in text; Parley refuses one before sending with it.
    public static let characterNotInRepertoire = SQLState("22021")
    public static let connectionFailure = SQLState("08006")
    public static let clientUnableToEstablishConnection = SQLState("08001")
    public static let integrityConstraintViolation = SQLState("23000")
    public static let restrictViolation = SQLState("23001")
    public static let notNullViolation = SQLState("23502")
    public static let foreignKeyViolation = SQLState("23503")
    public static let uniqueViolation = SQLState("23505")
    public static let checkViolation = SQLState("23514")
    public static let exclusionViolation = SQLState("23P01")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let stringDataRightTruncation = SQLState("22001")
    public static let numericValueOutOfRange = SQLState("22003")
    public static let raiseException = SQLState("P0001")
    public static let insufficientPrivilege = SQLState("42501")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedColumn = SQLState("42703")
    public static let undefinedObject = SQLState("42704")
    public static let undefinedFunction = SQLState("42883")
    public static let duplicateSchema = SQLState("42P06")
    public static let duplicateObject = SQLState("42710")
    public static let syntaxError = SQLState("42601")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")

    /// A failure that trying the same transaction again may not meet: a serialization failure or
    /// deadlock (class 40) or a lock not granted in time.
    public var isTransient: Bool { errorClass == "40" || self == .lockNotAvailable }

    /// A failure caused by what a statement says or the rows it meets (classes 22 data exception,
    /// 23 integrity constraint, 42 syntax or access rule, P0 raised by a function or trigger, 21
    /// cardinality, 2B dependent objects, 44 check option, 0A feature not supported, which is also
    /// a prepared statement whose result type a migration changed), rather than by the server's
    /// state (out of disk, shutting down, a timeout, a lost connection).
    public var isAboutTheStatement: Bool { ["0A", "21", "22", "23", "2B", "42", "44", "P0"].contains(errorClass) }
    public static let lockNotAvailable = SQLState("55P03")
    public static let queryCanceled = SQLState("57014")
    public static let adminShutdown = SQLState("57P01")
}
