import CLibPQ
import Logging

/// One open connection to PostgreSQL, the sole owner of its libpq handle.
///
/// A connection is used by one thread at a time (it is not `Sendable`) and its calls block that
/// thread; Specs/postgres.md says how async code uses it. The handle is freed in `deinit`, also
/// when a setting made while opening failed (one that never connected is freed before `init`
/// throws). Server notices (NOTICE, WARNING) go to the logger at debug level.
public final class Connection {
    let handle: OpaquePointer
    /// The connection string without its password.
    public let endpoint: String
    let logger: Logger
    /// The cancellation bound when it opened (`QueryCancellation.current`), if any.
    let cancellation: QueryCancellation?
    /// Statements this session has prepared for pipelines, by SQL text and parameter types.
    var preparedStatements: [PreparedKey: String] = [:]
    /// Set when a pipeline's statement failed: the next pipeline prepares its statements anew.
    var preparedStatementsSuspect = false

    struct PreparedKey: Hashable {
        var sql: String
        var types: [UInt32]
    }

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
        cancellation = QueryCancellation.current
        // From here `deinit` frees the handle, also when a step below throws; notices go to the
        // logger from the first statement on.
        LibPQ.setNoticeProcessor(handle, Connection.forwardNotice, context: Unmanaged.passUnretained(self).toOpaque())
        // Swift strings are UTF-8 both ways; `client_encoding` or PGCLIENTENCODING set to anything
        // else would have the server convert them into other bytes without a word.
        guard LibPQ.useUTF8(handle) else {
            let message = LibPQ.errorMessage(handle).trimmingTrailingNewlines()
            throw PostgresError(kind: .connection, message: "could not set client_encoding to UTF8: \(message)", context: context)
        }
        // Values come back as the decoders read them whatever the role's or PGDATESTYLE's settings:
        // ISO dates, and doubles with every digit (extra_float_digits 0 or less rounds them). And
        // transactions are READ COMMITTED unless they say otherwise: a projection runner reads its
        // version's status after waiting for its checkpoint's lock, and must see a swap that
        // committed meanwhile, which a REPEATABLE READ default would hide.
        guard LibPQ.run(handle, "SET DateStyle = ISO; SET extra_float_digits = 3; SET default_transaction_isolation = 'read committed'") else {
            let message = LibPQ.errorMessage(handle).trimmingTrailingNewlines()
            throw PostgresError(
                kind: .connection, message: "could not set DateStyle, extra_float_digits and default_transaction_isolation: \(message)",
                context: context)
        }
        // After the settings: a cancellation is for the statements the caller runs, and meets the
        // first of them as `queryCanceled`.
        cancellation?.join(self)
        logger.debug("connected", metadata: ["endpoint": "\(endpoint)"])
    }

    /// Whether the connection is still up, as far as libpq knows: it finds a lost one on the
    /// first call that uses it, which fails.
    public var isConnected: Bool { LibPQ.isConnected(handle) }

    deinit {
        cancellation?.leave(self)
        LibPQ.finish(handle)
    }

    /// Hands a server notice to the connection's logger; libpq calls it only during this connection's calls.
    private static let forwardNotice: PQnoticeProcessor = { context, message in
        guard let context, let message else { return }
        let connection = Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue()
        connection.logger.debug("server notice", metadata: ["notice": "\(String(cString: message).trimmingTrailingNewlines())"])
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
        try checkNotCancelled()
        return try run(sql, parameters)
    }

    /// `query` without the cancellation check, for `ROLLBACK`.
    func run(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Rows {
        let bindings = parameters.map { $0?.postgresBinding }
        try Self.checkSendable(bindings, statement: nil)
        guard let result = LibPQ.execute(handle, sql, bindings) else {
            throw brokenConnection()
        }
        defer { LibPQ.clear(result) }
        switch LibPQ.outcome(result) {
        case .success: return Rows(copying: result)
        case .failure: throw error(from: result, parameters: bindings.map(\.redactable))
        case .copyIn, .copyOut:
            drainResults()
            throw copyOutsideCopyIn(context: "talking to \(endpoint)")
        }
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> Int {
        try query(sql, parameters).affectedRows
    }

    /// Runs a script of several statements separated by semicolons (a migration file), without parameters.
    ///
    /// Outside a transaction the server runs the whole script as one implicit transaction. An error
    /// names the script's line where the failing statement's error points, when the server says.
    public func executeScript(_ sql: String, name: String) throws(PostgresError) {
        try checkNotCancelled(context: "running \(name)")
        guard let result = LibPQ.executeScript(handle, sql) else {
            throw brokenConnection()
        }
        defer { drainResults() }
        defer { LibPQ.clear(result) }
        switch LibPQ.outcome(result) {
        case .success: return
        case .copyIn, .copyOut: throw copyOutsideCopyIn(context: "running \(name)")
        case .failure:
            var failure = error(from: result, parameters: [])
            let position = LibPQ.errorField(result, ErrorField.statementPosition).flatMap { Int($0) }
            failure.context = position.map { "running \(name) line \(Self.line(of: $0, in: sql))" } ?? "running \(name)"
            throw failure
        }
    }

    /// The 1-based line of the 1-based character `position` in `text`: the server counts code
    /// points, so a `\r\n` is two of them.
    static func line(of position: Int, in text: String) -> Int {
        1 + text.unicodeScalars.prefix(max(0, position - 1)).reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
    }

    /// A COPY from or to the client met where no data can be given or taken (a statement, a script).
    func copyOutsideCopyIn(context: String) -> PostgresError {
        PostgresError(
            kind: .usage, message: "a COPY FROM STDIN or TO STDOUT needs the client's data side: use copyIn, not a query or a script",
            context: context)
    }

    /// Reads and frees results left over after a command, so the connection is ready for the next
    /// one. A COPY still waiting for the client is ended: one from the client is aborted (the
    /// server rolls its statement back), one to the client is read to its end and dropped.
    func drainResults() {
        while let extra = LibPQ.nextResult(handle) {
            let outcome = LibPQ.outcome(extra)
            LibPQ.clear(extra)
            switch outcome {
            case .copyIn:
                guard LibPQ.putCopyEnd(handle, failure: "the client sends no COPY data here") == 1 else { return }
            case .copyOut:
                guard LibPQ.discardCopyOut(handle) else { return }
            case .success, .failure:
                continue
            }
        }
    }

    /// The most parameters one statement can carry in the protocol.
    static let parameterLimit = 65_535

    /// Refuses, before anything is sent, a statement libpq cannot send as asked: more parameters
    /// than the protocol carries (a usage error), or a text parameter holding NUL, which PostgreSQL
    /// text cannot store and libpq would cut there (a `.query` error with the server's own SQLSTATE
    /// for it, 22021, so that callers blaming data, such as the projection runner, blame it).
    static func checkSendable(_ bindings: [PostgresBinding?], statement: Int?) throws(PostgresError) {
        let place = statement.map { "statement \($0) " } ?? ""
        guard bindings.count <= parameterLimit else {
            throw PostgresError(kind: .usage, message: "\(place)has \(bindings.count) parameters; a statement carries at most \(parameterLimit)")
        }
        for case (let index, .text(let text)?) in bindings.enumerated() where text.utf8.contains(0) {
            throw PostgresError(
                kind: .query, code: .characterNotInRepertoire,
                message: "\(place)parameter $\(index + 1) holds a NUL character, which PostgreSQL text cannot store")
        }
    }

    /// Refuses a statement once the connection's cancellation was requested, as the server
    /// refuses the one it cancels (57014), so callers handle both alike.
    func checkNotCancelled(context: String? = nil) throws(PostgresError) {
        guard let reason = cancellation?.reason else { return }
        throw PostgresError(
            kind: .query, code: .queryCanceled, message: "not sent: statements were cancelled (\(reason))",
            context: context ?? "talking to \(endpoint)")
    }

    func brokenConnection() -> PostgresError {
        PostgresError(
            kind: .connection, code: .connectionFailure,
            message: LibPQ.errorMessage(handle).trimmingTrailingNewlines(), context: "talking to \(endpoint)"
        )
    }

    /// The error an error result carries: a `.query` error, unless the connection went down with
    /// it (the server terminated the session, the network dropped), which no statement caused.
    func error(from result: OpaquePointer, parameters: [String?]) -> PostgresError {
        let field = { (code: UInt8) in LibPQ.errorField(result, code) }
        let primary = field(ErrorField.message) ?? LibPQ.resultErrorMessage(result).trimmingTrailingNewlines()
        let names = [ErrorField.constraint, ErrorField.schema, ErrorField.table, ErrorField.column].compactMap(field)
        return PostgresError(
            kind: LibPQ.isConnected(handle) ? .query : .connection,
            code: field(ErrorField.sqlState).map(SQLState.init(rawValue:)),
            message: PostgresError.redacting(primary, parameters: parameters, keeping: names),
            detail: field(ErrorField.detail),
            hint: field(ErrorField.hint).map { PostgresError.redacting($0, parameters: parameters, keeping: names) },
            constraint: field(ErrorField.constraint),
            schema: field(ErrorField.schema),
            table: field(ErrorField.table),
            column: field(ErrorField.column)
        )
    }
}

extension PostgresBinding? {
    /// The text a server message might quote for this parameter, to be redacted from it.
    var redactable: String? {
        switch self {
        case .text(let text)?: text
        case .binary, nil: nil
        }
    }
}
