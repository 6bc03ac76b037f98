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

    /// A statement with more parameters is sent unnamed, parsed each time: a multi-row statement
    /// has another text for each row count, and preparing each would keep its plan (a parse tree
    /// as large as its thousands of parameters) on the server for the whole session.
    static let preparedParameterLimit = 64

    /// Once a session has prepared this many statements, they are all deallocated and prepared
    /// again as they come: a caller with ever new SQL texts does not grow the server's memory.
    static let preparedStatementLimit = 512

    /// Sends `statements` without waiting for each answer and returns each one's affected rows.
    ///
    /// The server runs them in order. When one fails, the server skips the rest up to the next
    /// synchronisation point and this throws that statement's error; inside a transaction the
    /// transaction is then failed, as with `execute`. Use it inside `transaction { }` for batches.
    @discardableResult
    public func pipeline(_ statements: [PipelinedStatement]) throws(PostgresError) -> [Int] {
        // Every statement is checked before the first is sent: outside a transaction, the chunks
        // sent before a refused one would otherwise stay committed.
        let bindings = statements.map { $0.parameters.map { $0?.postgresBinding } }
        for (offset, statement) in bindings.enumerated() { try Self.checkSendable(statement, statement: offset + 1) }
        var counts: [Int] = []
        counts.reserveCapacity(statements.count)
        var start = 0
        while start < statements.count {
            let end = min(start + Self.pipelineChunk, statements.count)
            counts += try pipelineChunk(statements[start..<end], bindings: bindings[start..<end])
            start = end
        }
        return counts
    }

    private func pipelineChunk(
        _ statements: ArraySlice<PipelinedStatement>, bindings: ArraySlice<[PostgresBinding?]>
    ) throws(PostgresError) -> [Int] {
        try checkNotCancelled()
        let bindings = Array(bindings)
        // A prepared statement keeps the parameter types the server inferred when it was
        // prepared, even after a migration changes its columns' types (then it fails with 42804
        // or 0A000): so after a failure, as after many statements, they are all prepared again.
        if preparedStatements.count >= Self.preparedStatementLimit || preparedStatementsSuspect {
            try execute("DEALLOCATE ALL")
            preparedStatements = [:]
            preparedStatementsSuspect = false
        }
        guard LibPQ.enterPipelineMode(handle) else {
            guard LibPQ.isConnected(handle) else { throw brokenConnection() }
            throw PostgresError(kind: .usage, message: "could not enter pipeline mode (a command is in progress)", context: "talking to \(endpoint)")
        }
        defer {
            drainResults()
            _ = LibPQ.exitPipelineMode(handle)
        }
        // Each distinct statement is prepared once per session, so the server parses and plans
        // it once; a preparation is a result of its own, read in order with the others.
        enum Expected { case preparation(PreparedKey, String), statement(Int) }
        var expected: [Expected] = []
        var preparing: [PreparedKey: String] = [:]
        for (index, (statement, parameters)) in zip(statements, bindings).enumerated() {
            guard parameters.count <= Self.preparedParameterLimit else {
                guard LibPQ.send(handle, statement.sql, parameters) else { throw brokenConnection() }
                expected.append(.statement(index))
                continue
            }
            let types = parameters.map { binding -> UInt32 in
                if case .binary(_, let type)? = binding { return type }
                return 0
            }
            let key = PreparedKey(sql: statement.sql, types: types)
            var name = preparedStatements[key] ?? preparing[key]
            if name == nil {
                let fresh = "parley_\(preparedStatements.count + preparing.count + 1)"
                guard LibPQ.sendPrepare(handle, fresh, statement.sql, types: types) else { throw brokenConnection() }
                preparing[key] = fresh
                expected.append(.preparation(key, fresh))
                name = fresh
            }
            guard LibPQ.sendPrepared(handle, name!, parameters) else { throw brokenConnection() }
            expected.append(.statement(index))
        }
        guard LibPQ.pipelineSync(handle) else { throw brokenConnection() }
        var counts: [Int] = []
        var failure: PostgresError?
        // A session that ends mid-pipeline (57P01) first sends its reason as a statement's result;
        // that error, redacted, says more than libpq's "server closed the connection", whose
        // message also gathers every error of the pipeline unredacted.
        func lost() -> PostgresError {
            guard var failure else { return brokenConnection() }
            failure.kind = .connection
            return failure
        }
        for item in expected {
            guard let result = LibPQ.nextResult(handle) else { throw lost() }
            let succeeded = !LibPQ.isPipelineAborted(result) && LibPQ.outcome(result) == .success
            switch item {
            case .preparation(let key, let name):
                // Remembered only once the server has it: a preparation skipped after an error is not.
                if succeeded { preparedStatements[key] = name }
                if !succeeded, !LibPQ.isPipelineAborted(result), failure == nil { failure = error(from: result, parameters: []) }
            case .statement(let index):
                counts.append(succeeded ? LibPQ.affectedRows(result) : 0)
                if !succeeded, !LibPQ.isPipelineAborted(result), failure == nil {
                    failure = error(from: result, parameters: bindings[index].map(\.redactable))
                }
            }
            LibPQ.clear(result)
            // Each command's results end with a null result.
            if let extra = LibPQ.nextResult(handle) { LibPQ.clear(extra) }
        }
        guard let sync = LibPQ.nextResult(handle) else { throw lost() }
        let synced = LibPQ.isPipelineSync(sync)
        LibPQ.clear(sync)
        guard synced else {
            // The server ends a session it terminates with an error, not the synchronisation.
            guard LibPQ.isConnected(handle) else { throw lost() }
            throw PostgresError(kind: .usage, message: "the pipeline ended without its synchronisation result", context: "talking to \(endpoint)")
        }
        if let failure {
            preparedStatementsSuspect = true
            throw failure
        }
        return counts
    }
}
