/// Many statements in one round trip, with libpq's pipeline mode.
extension Connection {
    /// One statement of a pipeline: SQL with `$1, $2, ...` and its parameters.
    public struct PipelinedStatement {
        public var sql: String
        public var parameters: [(any PostgresEncodable)?]

        public init(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) {
            self.sql = sql
            self.parameters = parameters
        }
    }

    /// Statements queued per synchronisation point, so neither side's socket buffer fills while
    /// the other waits (libpq's pipeline deadlock).
    static let pipelineChunk = 256

    /// Sends `statements` without waiting for each answer and returns each one's affected rows.
    ///
    /// The server runs them in order. When one fails, the server skips the rest up to the next
    /// synchronisation point and this throws that statement's error; inside a transaction the
    /// transaction is then failed, as with `execute`. Use it inside `transaction { }` for batches.
    @discardableResult
    public func pipeline(_ statements: [PipelinedStatement]) throws(PostgresError) -> [Int] {
        var counts: [Int] = []
        counts.reserveCapacity(statements.count)
        var start = 0
        while start < statements.count {
            let chunk = statements[start..<min(start + Self.pipelineChunk, statements.count)]
            counts += try pipelineChunk(chunk)
            start += chunk.count
        }
        return counts
    }

    private func pipelineChunk(_ statements: ArraySlice<PipelinedStatement>) throws(PostgresError) -> [Int] {
        let bindings = statements.map { $0.parameters.map { $0?.postgresBinding } }
        for (offset, statement) in bindings.enumerated() {
            for case (let index, .text(let text)?) in statement.enumerated() where text.utf8.contains(0) {
                throw PostgresError(
                    kind: .usage, message: "statement \(offset + 1) parameter $\(index + 1) holds a NUL character, which PostgreSQL text cannot store")
            }
        }
        guard LibPQ.enterPipelineMode(handle) else {
            throw PostgresError(kind: .usage, message: "could not enter pipeline mode (a command is in progress)", context: "talking to \(endpoint)")
        }
        defer {
            drainResults()
            _ = LibPQ.exitPipelineMode(handle)
        }
        for (statement, parameters) in zip(statements, bindings) {
            guard LibPQ.send(handle, statement.sql, parameters) else { throw brokenConnection() }
        }
        guard LibPQ.pipelineSync(handle) else { throw brokenConnection() }
        var counts: [Int] = []
        var failure: PostgresError?
        for parameters in bindings {
            guard let result = LibPQ.nextResult(handle) else { throw brokenConnection() }
            if LibPQ.isPipelineAborted(result) {
                counts.append(0)
            } else if LibPQ.outcome(result) == .success {
                counts.append(LibPQ.affectedRows(result))
            } else {
                counts.append(0)
                if failure == nil { failure = error(from: result, parameters: parameters.map(\.redactable)) }
            }
            LibPQ.clear(result)
            // Each statement's results end with a null result.
            if let extra = LibPQ.nextResult(handle) { LibPQ.clear(extra) }
        }
        guard let sync = LibPQ.nextResult(handle) else { throw brokenConnection() }
        let synced = LibPQ.isPipelineSync(sync)
        LibPQ.clear(sync)
        guard synced else {
            throw PostgresError(kind: .usage, message: "the pipeline ended without its synchronisation result", context: "talking to \(endpoint)")
        }
        if let failure { throw failure }
        return counts
    }
}
