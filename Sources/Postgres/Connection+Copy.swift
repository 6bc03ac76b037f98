/// Bulk loads with `COPY ... FROM STDIN` in PostgreSQL's text format.
extension Connection {
    /// Loads `rows` with `sql`, a `COPY table (columns) FROM STDIN` statement in text format, and
    /// returns how many rows the server stored.
    ///
    /// Each row is one array of field values, nil for NULL; tabs, newlines, carriage returns and
    /// backslashes in values are escaped, so any text arrives unchanged. Data is sent in chunks of
    /// about 64 KiB. A failed COPY stores nothing; its error description replaces every quoted
    /// value in the server's message (which may echo a row's field) with `"…"`. A field holding NUL,
    /// which PostgreSQL text cannot store, aborts the COPY (nothing stored) with a `.query` error
    /// of SQLSTATE 22021 naming the row and field, as `query` refuses such a parameter.
    @discardableResult
    public func copyIn(_ sql: String, rows: some Sequence<[String?]>) throws(PostgresError) -> Int {
        try checkNotCancelled()
        guard let start = LibPQ.executeScript(handle, sql) else { throw brokenConnection() }
        let outcome = LibPQ.outcome(start)
        if outcome != .copyIn {
            defer { LibPQ.clear(start) }
            drainResults()
            if outcome == .failure { throw error(from: start, parameters: []) }
            throw PostgresError(kind: .usage, message: "copyIn needs a COPY ... FROM STDIN statement", context: "talking to \(endpoint)")
        }
        LibPQ.clear(start)

        var chunk: [UInt8] = []
        chunk.reserveCapacity(Self.copyChunkSize + 1024)
        var sendFailed = false
        var nul: (row: Int, field: Int)?
        for (number, row) in rows.enumerated() {
            if let field = CopyText.append(row: row, to: &chunk) {
                nul = (number + 1, field + 1)
                break
            }
            if chunk.count >= Self.copyChunkSize {
                if LibPQ.putCopyData(handle, chunk) != 1 {
                    sendFailed = true
                    break
                }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if let nul {
            guard LibPQ.putCopyEnd(handle, failure: "a field holds NUL") == 1 else { throw brokenConnection() }
            _ = try? finishCopy()
            throw PostgresError(
                kind: .query, code: .characterNotInRepertoire,
                message: "row \(nul.row) field \(nul.field) holds a NUL character, which PostgreSQL text cannot store",
                context: "talking to \(endpoint)")
        }
        if !sendFailed, !chunk.isEmpty, LibPQ.putCopyData(handle, chunk) != 1 { sendFailed = true }
        if LibPQ.putCopyEnd(handle, failure: sendFailed ? "client failed to send COPY data" : nil) != 1 {
            throw brokenConnection()
        }
        return try finishCopy()
    }

    /// Reads the results that end a COPY: the command's outcome, then nil.
    private func finishCopy() throws(PostgresError) -> Int {
        var failure: PostgresError?
        var stored = 0
        while let result = LibPQ.nextResult(handle) {
            defer { LibPQ.clear(result) }
            switch LibPQ.outcome(result) {
            case .success:
                stored = LibPQ.affectedRows(result)
            case .failure where failure == nil:
                var error = error(from: result, parameters: [])
                error.message = PostgresError.redactingQuotedValues(error.message)
                error.hint = error.hint.map(PostgresError.redactingQuotedValues)
                failure = error
            default:
                continue
            }
        }
        if let failure { throw failure }
        return stored
    }

    static let copyChunkSize = 64 * 1024
}

/// The field encoding of COPY's text format.
enum CopyText {
    /// Appends `field` escaped for COPY text format, or `\N` for NULL; false when it holds NUL,
    /// which the format cannot carry.
    static func append(_ field: String?, to buffer: inout [UInt8]) -> Bool {
        guard let field else {
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
            return true
        }
        for byte in field.utf8 {
            switch byte {
            case 0: return false
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
        return true
    }

    /// Appends one row: its fields separated by tabs, then a newline. Returns the index of a
    /// field holding NUL, if any (the row is then not whole in `buffer`).
    static func append(row: [String?], to buffer: inout [UInt8]) -> Int? {
        for (index, field) in row.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: "\t")) }
            guard append(field, to: &buffer) else { return index }
        }
        buffer.append(UInt8(ascii: "\n"))
        return nil
    }
}
