/// Splits SQL text into statements as `psql` does, keeping each one's words (lower-cased), first
/// line, and the dollar-quoted bodies of the functions and procedures it defines.
struct SQLStatementScanner {
    struct Statement {
        var line: Int
        var words: [String]
        /// The dollar-quoted bodies of a `CREATE FUNCTION` or `CREATE PROCEDURE`: text the server
        /// keeps and resolves names in each time the routine runs.
        var routineBodies: [Body] = []
    }

    /// A dollar-quoted body, without its tags, and the line it starts on.
    struct Body {
        var line: Int
        var text: String
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
                let startLine = line
                if let body = skipDollarQuoted(), Self.definesRoutine(statement.words) {
                    statement.routineBodies.append(Body(line: startLine, text: String(decoding: bytes[body], as: UTF8.self)))
                }
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
        guard definesRoutine(words) else { return depth }
        switch word {
        case "begin": return depth + 1
        case "case": return depth > 0 ? depth + 1 : depth
        case "end": return max(depth - 1, 0)
        default: return depth
        }
    }

    /// Whether a statement starting with `words` is `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
    private static func definesRoutine(_ words: [String]) -> Bool {
        words.first == "create"
            && (["function", "procedure"].contains(words.dropFirst().first)
                || (words.count > 3 && words[1] == "or" && words[2] == "replace" && ["function", "procedure"].contains(words[3])))
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

    /// Skips a dollar-quoted body through its closing tag and returns where its text is; an
    /// unterminated one runs to the end.
    private mutating func skipDollarQuoted() -> Range<Int>? {
        guard let tagEnd = dollarTagEnd() else { return nil }
        let tag = bytes[index..<tagEnd]
        index = tagEnd
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "$"), bytes[index...].starts(with: tag) {
                defer { index += tag.count }
                return tagEnd..<index
            }
            advance()
        }
        return tagEnd..<index
    }
}
