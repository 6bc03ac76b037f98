/// Finding statements that end or begin a transaction in a migration file, before it runs.
///
/// A file runs as one script inside the transaction that also records it. A top-level `COMMIT`
/// there commits what came before it and leaves the rest running outside any transaction, so such
/// a file is refused before anything of it is sent. The scan reads SQL as `psql` splits it:
/// comments (`--`, nested `/* */`), quoted literals (`'...'`, `E'...'`), quoted identifiers and
/// dollar-quoted bodies are skipped, and the semicolons inside a `CREATE FUNCTION ... BEGIN ATOMIC
/// ... END` body do not end its statement.
extension MigrationFile {
    /// A statement of the file that controls the transaction.
    public struct TransactionControl: Sendable, Equatable {
        /// The line its first word is on, counted from 1.
        public var line: Int
        /// Its leading words in upper case, e.g. `COMMIT` or `START TRANSACTION`.
        public var statement: String

        public init(line: Int, statement: String) {
            self.line = line
            self.statement = statement
        }
    }

    /// The file's first statement that ends, begins or prepares a transaction, if any.
    public var transactionControl: TransactionControl? { Self.transactionControl(in: sql) }

    static func transactionControl(in sql: String) -> TransactionControl? {
        var scanner = SQLStatementScanner(Array(sql.utf8))
        while let statement = scanner.next() {
            if let leading = controlWords(statement.words) {
                return TransactionControl(line: statement.line, statement: leading)
            }
        }
        return nil
    }

    /// The leading words of a transaction-control statement, upper-cased; nil for any other.
    private static func controlWords(_ words: [String]) -> String? {
        guard let first = words.first else { return nil }
        let second = words.count > 1 ? words[1] : nil
        switch first {
        case "commit", "end", "abort", "begin":
            return first.uppercased()
        case "rollback":
            // ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] name stays inside the transaction.
            let next = second == "work" || second == "transaction" ? (words.count > 2 ? words[2] : nil) : second
            return next == "to" ? nil : "ROLLBACK"
        case "start", "prepare":
            return second == "transaction" ? "\(first.uppercased()) TRANSACTION" : nil
        default:
            return nil
        }
    }
}
