/// Transactions: `BEGIN`, the caller's work, then `COMMIT`, or `ROLLBACK` when the work throws.
extension Connection {
    /// Whether the connection is inside a transaction block (also one that failed and awaits ROLLBACK).
    public var isInTransaction: Bool {
        switch LibPQ.transactionStatus(handle) {
        case .inTransaction, .failedTransaction: true
        case .idle, .active, .unknown: false
        }
    }

    /// Runs `body` in a transaction and returns its result.
    ///
    /// When `body` throws, the transaction is rolled back and the original error is rethrown (a
    /// failing ROLLBACK is logged, never thrown in its place). When COMMIT fails, e.g. on a deferred
    /// constraint, its error is thrown and nothing of `body` remains. Transactions do not nest: calling
    /// this inside another one is a usage error, thrown before anything runs. A statement that failed
    /// inside `body` aborts the transaction even when `body` caught its error: then nothing of `body`
    /// remains, and that is thrown rather than committed in silence (the server would answer COMMIT
    /// with ROLLBACK).
    public func transaction<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        try begin()
        let result: Result
        do {
            result = try body(self)
        } catch {
            rollBack()
            throw error
        }
        try commit()
        return result
    }

    /// Starts a transaction that stays open across calls, for work that waits on other sessions
    /// between its statements (a rebuild holds the live checkpoint while its shadow catches up).
    /// `commit()` or `rollBackIfOpen()` ends it; `transaction(_:)` is the form to prefer.
    public func begin() throws {
        guard !isInTransaction else {
            throw PostgresError(
                kind: .usage, message: "a transaction was started inside a transaction; transactions do not nest",
                context: "talking to \(endpoint)"
            )
        }
        try execute("BEGIN")
    }

    /// Commits the open transaction. One in which a statement failed (even one whose error was
    /// caught) is rolled back and reported, rather than committed in silence: the server would
    /// answer COMMIT with ROLLBACK. When COMMIT itself fails, nothing of the transaction remains.
    public func commit() throws {
        if LibPQ.transactionStatus(handle) == .failedTransaction {
            rollBack()
            throw PostgresError(
                kind: .usage, message: "a statement failed inside the transaction and its error was caught; the transaction was rolled back",
                context: "talking to \(endpoint)")
        }
        do {
            try execute("COMMIT")
        } catch {
            if isInTransaction { rollBack() }
            throw error
        }
    }

    /// Rolls back the open transaction, if there is one; a failing ROLLBACK is logged.
    public func rollBackIfOpen() {
        if isInTransaction { rollBack() }
    }

    /// Ends the current transaction without keeping its work.
    private func rollBack() {
        do {
            _ = try run("ROLLBACK")
        } catch {
            logger.error("ROLLBACK failed", metadata: ["error": "\(error)"])
        }
    }
}
