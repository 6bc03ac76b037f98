import Logging

/// One open connection to PostgreSQL, the sole owner of its libpq handle.
///
/// A connection is used by one task at a time (it is not `Sendable`); libpq calls block the
/// calling thread. The handle is freed in `deinit`, also when opening failed.
public final class Connection {
    private let handle: OpaquePointer
    /// The connection string without its password.
    public let endpoint: String
    let logger: Logger

    /// Opens a connection described by a libpq URI or keyword/value string.
    public init(_ conninfo: String, logger: Logger) throws(PostgresError) {
        let endpoint = ConnectionString.redacted(conninfo)
        let context = "connecting to \(endpoint)"
        if let problem = ConnectionString.parseProblem(conninfo) {
            throw PostgresError(kind: .connection, message: problem, context: context)
        }
        guard let handle = LibPQ.connect(conninfo) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection", context: context)
        }
        guard LibPQ.isConnected(handle) else {
            let message = LibPQ.errorMessage(handle).trimmingTrailingNewlines()
            LibPQ.finish(handle)
            throw PostgresError(kind: .connection, code: .clientUnableToEstablishConnection, message: message, context: context)
        }
        self.handle = handle
        self.endpoint = endpoint
        self.logger = logger
        logger.debug("connected", metadata: ["endpoint": "\(endpoint)"])
    }

    deinit {
        LibPQ.finish(handle)
    }

    /// The server's version as PostgreSQL reports it, e.g. `18.1`.
    public var serverVersion: String {
        LibPQ.parameterStatus(handle, "server_version") ?? String(LibPQ.serverVersion(handle))
    }

    /// The version number of the libpq this binary links, e.g. `150018` for 15.18.
    public static var libraryVersion: Int { Int(LibPQ.version) }

    /// Runs one statement with parameters `$1, $2, ...` and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Rows {
        let texts = parameters.map { $0?.postgresText }
        guard let result = LibPQ.execute(handle, sql, texts) else {
            throw brokenConnection()
        }
        defer { LibPQ.clear(result) }
        guard LibPQ.outcome(result) == .success else {
            throw error(from: result, parameters: texts)
        }
        return Rows(copying: result)
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows
    }

    private func brokenConnection() -> PostgresError {
        PostgresError(
            kind: .connection, code: .connectionFailure,
            message: LibPQ.errorMessage(handle).trimmingTrailingNewlines(), context: "talking to \(endpoint)"
        )
    }

    private func error(from result: OpaquePointer, parameters: [String?]) -> PostgresError {
        let field = { (code: UInt8) in LibPQ.errorField(result, code) }
        let primary = field(ErrorField.message) ?? LibPQ.resultErrorMessage(result).trimmingTrailingNewlines()
        return PostgresError(
            kind: .query,
            code: field(ErrorField.sqlState).map(SQLState.init(rawValue:)),
            message: PostgresError.redacting(primary, parameters: parameters),
            detail: field(ErrorField.detail),
            hint: field(ErrorField.hint).map { PostgresError.redacting($0, parameters: parameters) },
            constraint: field(ErrorField.constraint),
            schema: field(ErrorField.schema),
            table: field(ErrorField.table),
            column: field(ErrorField.column)
        )
    }
}
