import EventSourcing

/// An `INSERT INTO table (columns) VALUES (<one tuple>) [tail]`, split around its tuple.
struct InsertShape {
    let head: Substring
    let tuple: Substring
    let tail: Substring

    init?(_ sql: String) {
        guard sql.hasPrefix("INSERT INTO "), let values = sql.range(of: " VALUES (") else { return nil }
        let open = sql.index(before: values.upperBound)
        var depth = 0
        var close: String.Index?
        for position in sql[open...].indices {
            switch sql[position] {
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { close = position }
            case "'", "\"", ";": return nil
            default: break
            }
            if close != nil { break }
        }
        guard let close else { return nil }
        let tail = sql[sql.index(after: close)...]
        let upperTail = tail.uppercased()
        guard !upperTail.contains("DO UPDATE"), !upperTail.contains("SELECT"), !upperTail.contains("VALUES"),
            upperTail.isEmpty || upperTail.hasPrefix(" ON CONFLICT") || upperTail.hasPrefix(" RETURNING")
        else { return nil }
        head = sql[..<open]
        tuple = sql[open...close]
        self.tail = tail
    }

    /// The table, its columns and, per column, the index of the parameter it takes, when the
    /// statement is a plain insert of bare parameters (so COPY stores exactly the same row).
    var copyColumns: (table: String, columns: [String], parameterIndexes: [Int])? {
        guard tail.allSatisfy(\.isWhitespace) else { return nil }
        let text = head.dropFirst("INSERT INTO ".count)
        guard let openColumns = text.firstIndex(of: "("), let closeColumns = text.lastIndex(of: ")") else { return nil }
        let table = text[..<openColumns].trimmingWhitespace()
        let columns = text[text.index(after: openColumns)..<closeColumns].split(separator: ",").map { $0.trimmingWhitespace() }
        let values = tuple.dropFirst().dropLast().split(separator: ",").map { $0.trimmingWhitespace() }
        guard !table.isEmpty, columns.count == values.count else { return nil }
        var indexes: [Int] = []
        for value in values {
            guard value.hasPrefix("$"), let number = Int(value.dropFirst()), number >= 1 else { return nil }
            indexes.append(number - 1)
        }
        return (table, columns, indexes)
    }

    /// One statement inserting every row of `statements`, parameters renumbered row by row; it
    /// expects the sum of their expected rows when each of them expects a count.
    func merge(_ statements: ArraySlice<SQLStatement>, width: Int) -> SQLStatement {
        var sql = String(head)
        var parameters: [SQLValue] = []
        parameters.reserveCapacity(statements.count * width)
        for (row, statement) in statements.enumerated() {
            if row > 0 { sql += ", " }
            sql += Self.renumber(tuple, offset: row * width)
            parameters += statement.parameters
        }
        let expected = statements.allSatisfy { $0.expectedRows != nil } ? statements.reduce(0) { $0 + $1.expectedRows! } : nil
        return SQLStatement(sql + tail, parameters, expectedRows: expected)
    }

    /// `tuple` with every `$n` replaced by `$(n + offset)`.
    static func renumber(_ tuple: Substring, offset: Int) -> String {
        var result = ""
        var digits = ""
        var inPlaceholder = false
        func endPlaceholder() {
            result += "$" + (Int(digits).map { String($0 + offset) } ?? digits)
            digits = ""
            inPlaceholder = false
        }
        for character in tuple {
            if inPlaceholder, character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            if inPlaceholder { endPlaceholder() }
            if character == "$" {
                inPlaceholder = true
            } else {
                result.append(character)
            }
        }
        if inPlaceholder { endPlaceholder() }
        return result
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
