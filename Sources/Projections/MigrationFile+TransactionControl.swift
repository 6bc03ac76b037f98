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
        var scanner = StatementScanner(Array(sql.utf8))
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

/// Splits SQL text into statements, keeping each one's first words (lower-cased) and first line.
private struct StatementScanner {
    struct Statement {
        var line: Int
        var words: [String]
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next statement holding at least one word, or nil at the end of the text.
    mutating func next() -> Statement? {
        var statement = Statement(line: line, words: [])
        var atomicDepth = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: ";") where atomicDepth == 0:
                index += 1
                if !statement.words.isEmpty { return statement }
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                skipBlockComment()
            case UInt8(ascii: "'"):
                skipQuoted(UInt8(ascii: "'"), backslashEscapes: false)
            case UInt8(ascii: "\""):
                skipQuoted(UInt8(ascii: "\""), backslashEscapes: false)
            case UInt8(ascii: "$") where dollarTagEnd() != nil:
                skipDollarQuoted()
            default:
                if Self.startsWord(byte) {
                    let startLine = line
                    let word = readWord()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "'"), word == "e" {
                        skipQuoted(UInt8(ascii: "'"), backslashEscapes: true)
                        continue
                    }
                    if statement.words.isEmpty { statement.line = startLine }
                    statement.words.append(word)
                    atomicDepth = Self.atomicDepth(atomicDepth, after: word, in: statement.words)
                } else {
                    advance()
                }
            }
        }
        return statement.words.isEmpty ? nil : statement
    }

    /// psql's rule for SQL-standard function bodies: in `CREATE [OR REPLACE] FUNCTION|PROCEDURE`,
    /// `BEGIN` opens a block, `CASE` nests inside one and `END` closes one.
    private static func atomicDepth(_ depth: Int, after word: String, in words: [String]) -> Int {
        let definesRoutine =
            words.first == "create"
            && (["function", "procedure"].contains(words.dropFirst().first)
                || (words.count > 3 && words[1] == "or" && words[2] == "replace" && ["function", "procedure"].contains(words[3])))
        guard definesRoutine else { return depth }
        switch word {
        case "begin": return depth + 1
        case "case": return depth > 0 ? depth + 1 : depth
        case "end": return max(depth - 1, 0)
        default: return depth
        }
    }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    private static func startsWord(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func continuesWord(_ byte: UInt8) -> Bool {
        startsWord(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "$")
    }

    private mutating func readWord() -> String {
        let start = index
        while index < bytes.count, Self.continuesWord(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
    }

    /// Skips a `/* */` comment, which may nest; an unterminated one runs to the end.
    private mutating func skipBlockComment() {
        var depth = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if bytes[index] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { return }
            } else {
                advance()
            }
        }
    }

    /// Skips a literal or quoted identifier opened at `index`; a doubled quote is part of it.
    private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) {
        index += 1
        while index < bytes.count {
            if backslashEscapes, bytes[index] == UInt8(ascii: "\\") {
                index += 1
                if index < bytes.count { advance() }
            } else if bytes[index] == quote {
                index += 1
                guard index < bytes.count, bytes[index] == quote else { return }
                index += 1
            } else {
                advance()
            }
        }
    }

    /// The index just past a dollar-quote tag (`$$` or `$name$`) starting at `index`, else nil
    /// (`$1` is a parameter, not a tag).
    private func dollarTagEnd() -> Int? {
        var end = index + 1
        if end < bytes.count, Self.startsWord(bytes[end]) {
            while end < bytes.count, Self.continuesWord(bytes[end]), bytes[end] != UInt8(ascii: "$") { end += 1 }
        }
        return end < bytes.count && bytes[end] == UInt8(ascii: "$") ? end + 1 : nil
    }

    /// Skips a dollar-quoted body through its closing tag; an unterminated one runs to the end.
    private mutating func skipDollarQuoted() {
        guard let tagEnd = dollarTagEnd() else { return }
        let tag = bytes[index..<tagEnd]
        index = tagEnd
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), bytes[index...].starts(with: tag) {
                index += tag.count
                return
            }
            advance()
        }
    }
}
