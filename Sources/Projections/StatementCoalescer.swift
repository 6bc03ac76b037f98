import EventSourcing

/// Merges runs of the same single-row INSERT into multi-row INSERTs, so a batch of events costs a
/// few round trips instead of one per row.
///
/// Only consecutive statements with identical SQL of the form
/// `INSERT INTO t (...) VALUES (<one tuple>) [ON CONFLICT ... DO NOTHING]` are merged, so the order
/// of effects is the order the projector gave. `DO UPDATE` is never merged: one statement may not
/// update the same row twice.
public enum StatementCoalescer {
    /// PostgreSQL's limit on parameters in one statement.
    static let maximumParameters = 65_535
    static let maximumRows = 1000

    public static func coalesce(_ statements: [SQLStatement]) -> [SQLStatement] {
        var result: [SQLStatement] = []
        result.reserveCapacity(statements.count)
        var index = 0
        while index < statements.count {
            let first = statements[index]
            guard let shape = InsertShape(first.sql), !first.parameters.isEmpty else {
                result.append(first)
                index += 1
                continue
            }
            let width = first.parameters.count
            let limit = min(maximumRows, maximumParameters / width)
            var end = index + 1
            while end < statements.count, end - index < limit, statements[end].sql == first.sql,
                statements[end].parameters.count == width
            {
                end += 1
            }
            if end - index == 1 {
                result.append(first)
            } else {
                result.append(shape.merge(statements[index..<end], width: width))
            }
            index = end
        }
        return result
    }
}

/// An INSERT with one VALUES tuple, split around that tuple.
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

    /// One statement inserting every row of `statements`, parameters renumbered row by row.
    func merge(_ statements: ArraySlice<SQLStatement>, width: Int) -> SQLStatement {
        var sql = String(head)
        var parameters: [SQLValue] = []
        parameters.reserveCapacity(statements.count * width)
        for (row, statement) in statements.enumerated() {
            if row > 0 { sql += ", " }
            sql += Self.renumber(tuple, offset: row * width)
            parameters += statement.parameters
        }
        return SQLStatement(sql + tail, parameters)
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
