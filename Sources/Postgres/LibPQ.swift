import CLibPQ

/// Every libpq call Parley makes, one small function each.
///
/// Pointers handed in live only for the duration of the call; strings copied out are Swift
/// strings. The owners (`Connection`, `QueryResult`) decide when handles are freed.
enum LibPQ {
    static var version: Int32 { PQlibVersion() }

    static func connect(_ conninfo: String) -> OpaquePointer? { PQconnectdb(conninfo) }
    static func finish(_ connection: OpaquePointer) { PQfinish(connection) }

    /// The connection's cancel object (`PGcancel`), valid after the connection closes.
    static func cancelObject(_ connection: OpaquePointer) -> OpaquePointer? { PQgetCancel(connection) }
    static func freeCancelObject(_ cancel: OpaquePointer) { PQfreeCancel(cancel) }
    /// Sends a cancel request on a connection of its own; a failure to send is not reported, since
    /// a connection that runs nothing has nothing to cancel and the next statement is refused anyway.
    static func cancel(_ cancel: OpaquePointer) {
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }

    /// Makes the connection's client encoding UTF-8 (one round trip, only when it is not already):
    /// false when the server refused.
    static func useUTF8(_ connection: OpaquePointer) -> Bool {
        if String(cString: pg_encoding_to_char(PQclientEncoding(connection))) == "UTF8" { return true }
        return PQsetClientEncoding(connection, "UTF8") == 0
    }
    static func isConnected(_ connection: OpaquePointer) -> Bool { PQstatus(connection) == CONNECTION_OK }
    static func errorMessage(_ connection: OpaquePointer) -> String { String(cString: PQerrorMessage(connection)) }
    static func serverVersion(_ connection: OpaquePointer) -> Int32 { PQserverVersion(connection) }
    static func parameterStatus(_ connection: OpaquePointer, _ name: String) -> String? {
        PQparameterStatus(connection, name).map { String(cString: $0) }
    }

    /// Runs one statement with parameters (nil is SQL NULL) and asks for text results.
    ///
    /// Text parameters go as NUL-terminated strings with their type left to the server; binary ones
    /// carry their length and type OID. All values are copied once into one buffer lent to libpq.
    static func execute(_ connection: OpaquePointer, _ sql: String, _ parameters: [PostgresBinding?]) -> OpaquePointer? {
        withParameters(parameters) { count, types, values, lengths, formats in
            PQexecParams(connection, sql, count, types, values, lengths, formats, 0)
        }
    }

    /// Queues `sql` with its parameters in pipeline mode; false when libpq could not queue it.
    static func send(_ connection: OpaquePointer, _ sql: String, _ parameters: [PostgresBinding?]) -> Bool {
        withParameters(parameters) { count, types, values, lengths, formats in
            PQsendQueryParams(connection, sql, count, types, values, lengths, formats, 0) == 1
        }
    }

    /// Queues the preparation of `sql` as statement `name` with the given parameter type OIDs (0: inferred).
    static func sendPrepare(_ connection: OpaquePointer, _ name: String, _ sql: String, types: [UInt32]) -> Bool {
        PQsendPrepare(connection, name, sql, Int32(types.count), types) == 1
    }

    /// Queues an execution of prepared statement `name`.
    static func sendPrepared(_ connection: OpaquePointer, _ name: String, _ parameters: [PostgresBinding?]) -> Bool {
        withParameters(parameters) { count, _, values, lengths, formats in
            PQsendQueryPrepared(connection, name, count, values, lengths, formats, 0) == 1
        }
    }

    static func enterPipelineMode(_ connection: OpaquePointer) -> Bool { PQenterPipelineMode(connection) == 1 }
    static func exitPipelineMode(_ connection: OpaquePointer) -> Bool { PQexitPipelineMode(connection) == 1 }
    /// Marks the end of a pipeline's statements; the server answers each, then a sync result.
    static func pipelineSync(_ connection: OpaquePointer) -> Bool { PQpipelineSync(connection) == 1 }
    static func isPipelineSync(_ result: OpaquePointer) -> Bool { PQresultStatus(result) == PGRES_PIPELINE_SYNC }
    static func isPipelineAborted(_ result: OpaquePointer) -> Bool { PQresultStatus(result) == PGRES_PIPELINE_ABORTED }

    /// Lends the parameters to `body` as libpq's five arrays, valid only inside it.
    ///
    /// Text parameters go as NUL-terminated strings with their type left to the server; binary ones
    /// carry their length and type OID. All values are copied once into one buffer.
    private static func withParameters<R>(
        _ parameters: [PostgresBinding?],
        _ body: (Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        if parameters.isEmpty { return body(0, nil, nil, nil, nil) }
        var buffer: [UInt8] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        var types: [Oid] = []
        for parameter in parameters {
            switch parameter {
            case nil:
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
                types.append(0)
            case .text(let text):
                offsets.append(buffer.count)
                buffer.append(contentsOf: text.utf8)
                buffer.append(0)
                lengths.append(0)
                formats.append(0)
                types.append(0)
            case .binary(let bytes, let typeOID):
                offsets.append(buffer.count)
                buffer.append(contentsOf: bytes)
                lengths.append(Int32(bytes.count))
                formats.append(1)
                types.append(typeOID)
            }
        }
        buffer.append(0)
        return buffer.withUnsafeBufferPointer { storage in
            storage.withMemoryRebound(to: CChar.self) { characters in
                let base = characters.baseAddress!
                let values = offsets.map { offset in offset.map { UnsafePointer(base + $0) } }
                return values.withUnsafeBufferPointer { values in
                    body(Int32(parameters.count), types, values.baseAddress, lengths, formats)
                }
            }
        }
    }

    /// Runs `sql`, which may hold several statements separated by semicolons, without parameters.
    static func executeScript(_ connection: OpaquePointer, _ sql: String) -> OpaquePointer? { PQexec(connection, sql) }
    /// Runs `sql` (no parameters, no rows wanted); whether it succeeded.
    static func run(_ connection: OpaquePointer, _ sql: String) -> Bool {
        guard let result = PQexec(connection, sql) else { return false }
        defer { PQclear(result) }
        return outcome(result) == .success
    }

    /// Sends one chunk of COPY data: 1 when queued, -1 on failure.
    static func putCopyData(_ connection: OpaquePointer, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { storage in
            storage.withMemoryRebound(to: CChar.self) { characters in
                PQputCopyData(connection, characters.baseAddress, Int32(characters.count))
            }
        }
    }

    /// Ends COPY FROM STDIN; a non-nil `failure` makes the server abort the COPY with that message.
    static func putCopyEnd(_ connection: OpaquePointer, failure: String?) -> Int32 {
        PQputCopyEnd(connection, failure)
    }

    /// Reads and drops the rest of a COPY TO STDOUT: false when the connection failed meanwhile.
    static func discardCopyOut(_ connection: OpaquePointer) -> Bool {
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(connection, &buffer, 0)
            if let buffer { PQfreemem(buffer) }
            if count == -1 { return true }
            if count < -1 { return false }
        }
    }

    /// The next result of the command in progress, nil when there are no more.
    static func nextResult(_ connection: OpaquePointer) -> OpaquePointer? { PQgetResult(connection) }

    /// Where the connection stands with respect to transactions.
    enum TransactionStatus { case idle, active, inTransaction, failedTransaction, unknown }

    static func transactionStatus(_ connection: OpaquePointer) -> TransactionStatus {
        switch PQtransactionStatus(connection) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .failedTransaction
        default: .unknown
        }
    }

    /// Routes the server's notices (NOTICE, WARNING) to `processor` instead of standard error.
    static func setNoticeProcessor(
        _ connection: OpaquePointer, _ processor: PQnoticeProcessor?, context: UnsafeMutableRawPointer?
    ) {
        _ = PQsetNoticeProcessor(connection, processor, context)
    }

    static func clear(_ result: OpaquePointer) { PQclear(result) }
    /// The outcome of a result, in the few cases Parley distinguishes.
    enum Outcome { case success, copyIn, copyOut, failure }

    static func outcome(_ result: OpaquePointer) -> Outcome {
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY: .success
        case PGRES_COPY_IN: .copyIn
        case PGRES_COPY_OUT: .copyOut
        default: .failure
        }
    }
    static func resultErrorMessage(_ result: OpaquePointer) -> String { String(cString: PQresultErrorMessage(result)) }
    static func errorField(_ result: OpaquePointer, _ field: UInt8) -> String? {
        PQresultErrorField(result, Int32(field)).map { String(cString: $0) }
    }
    static func rowCount(_ result: OpaquePointer) -> Int { Int(PQntuples(result)) }
    static func columnCount(_ result: OpaquePointer) -> Int { Int(PQnfields(result)) }
    static func columnName(_ result: OpaquePointer, _ column: Int) -> String { String(cString: PQfname(result, Int32(column))) }
    static func isNull(_ result: OpaquePointer, _ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }
    static func value(_ result: OpaquePointer, _ row: Int, _ column: Int) -> String {
        String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }
    static func affectedRows(_ result: OpaquePointer) -> Int { Int(String(cString: PQcmdTuples(result))) ?? 0 }

    /// The keyword/value pairs of a connection string, or the parse error libpq gives; `secret`
    /// marks the options libpq itself hides (display character `*`: `password`, `sslpassword`, and
    /// any later one).
    static func parseConninfo(_ conninfo: String) -> Result<[(keyword: String, value: String, secret: Bool)], ConninfoParseError> {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            let message = error.map { String(cString: $0) } ?? "out of memory"
            if let error { PQfreemem(error) }
            return .failure(ConninfoParseError(message: message))
        }
        defer { PQconninfoFree(options) }
        var pairs: [(keyword: String, value: String, secret: Bool)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let secret = option.pointee.dispchar.map { String(cString: $0).hasPrefix("*") } ?? false
                pairs.append((String(cString: keyword), String(cString: value), secret))
            }
            option += 1
        }
        return .success(pairs)
    }

    struct ConninfoParseError: Error { var message: String }
}

/// The single-letter field codes of `PQresultErrorField`.
enum ErrorField {
    static let sqlState = UInt8(ascii: "C")
    static let message = UInt8(ascii: "M")
    static let detail = UInt8(ascii: "D")
    static let hint = UInt8(ascii: "H")
    static let constraint = UInt8(ascii: "n")
    static let table = UInt8(ascii: "t")
    static let column = UInt8(ascii: "c")
    static let schema = UInt8(ascii: "s")
    static let statementPosition = UInt8(ascii: "P")
}
