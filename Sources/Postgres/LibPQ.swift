import CLibPQ

/// Every libpq call Parley makes, one small function each.
///
/// Pointers handed in live only for the duration of the call; strings copied out are Swift
/// strings. The owners (`Connection`, `QueryResult`) decide when handles are freed.
enum LibPQ {
    static var version: Int32 { PQlibVersion() }

    static func connect(_ conninfo: String) -> OpaquePointer? { PQconnectdb(conninfo) }
    static func finish(_ connection: OpaquePointer) { PQfinish(connection) }
    static func isConnected(_ connection: OpaquePointer) -> Bool { PQstatus(connection) == CONNECTION_OK }
    static func errorMessage(_ connection: OpaquePointer) -> String { String(cString: PQerrorMessage(connection)) }
    static func serverVersion(_ connection: OpaquePointer) -> Int32 { PQserverVersion(connection) }
    static func parameterStatus(_ connection: OpaquePointer, _ name: String) -> String? {
        PQparameterStatus(connection, name).map { String(cString: $0) }
    }

    /// Runs `sql` with text-format parameters (nil is SQL NULL) and asks for text results.
    static func execute(_ connection: OpaquePointer, _ sql: String, _ parameters: [String?]) -> OpaquePointer? {
        if parameters.isEmpty {
            return PQexecParams(connection, sql, 0, nil, nil, nil, nil, 0)
        }
        return withCStrings(parameters) { values in
            PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
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

    /// The keyword/value pairs of a connection string, or the parse error libpq gives.
    static func parseConninfo(_ conninfo: String) -> Result<[(keyword: String, value: String)], ConninfoParseError> {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            let message = error.map { String(cString: $0) } ?? "out of memory"
            if let error { PQfreemem(error) }
            return .failure(ConninfoParseError(message: message))
        }
        defer { PQconninfoFree(options) }
        var pairs: [(keyword: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                pairs.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        return .success(pairs)
    }

    struct ConninfoParseError: Error { var message: String }

    /// Lends `strings` to `body` as C strings (nil for NULL), valid only inside it.
    ///
    /// All strings are copied once into one NUL-separated buffer.
    private static func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var buffer: [CChar] = []
        var offsets: [Int?] = []
        offsets.reserveCapacity(strings.count)
        for string in strings {
            guard let string else {
                offsets.append(nil)
                continue
            }
            offsets.append(buffer.count)
            buffer.append(contentsOf: string.utf8.map { CChar(bitPattern: $0) })
            buffer.append(0)
        }
        return buffer.withUnsafeBufferPointer { storage in
            body(offsets.map { offset in offset.map { storage.baseAddress! + $0 } })
        }
    }
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
}
