import Foundation

/// A product's migrations applied to another schema: for replays, rebuilds and verification.
extension MigrationFile {
    /// The file's SQL building schema `target` instead of its own folder's schema.
    ///
    /// Product migrations name their schema only in `CREATE SCHEMA IF NOT EXISTS s`, `SET search_path
    /// TO s, ...`, a function's `SET search_path = s, ...`, and qualified names `s.object`; each of
    /// these is rewritten outside comments. Other schemas (`public`, `auth`) are left alone.
    ///
    /// Throws `MigrationError.notRetargetable` when the schema is still named after the rewrite
    /// (`SET search_path TO migue;`, `"migue".t`, `MIGUE.t`): that statement would reach the live
    /// schema while building another.
    ///
    /// Throws `MigrationError.controlsTransaction` for a file that holds `COMMIT`, `BEGIN` or the
    /// like: the builds run every file inside one transaction; and `schemaInRoutineBody` for a
    /// function body that names the schema, which the rewrite would point at a name the swap renames.
    public func retargeted(to target: String) throws(MigrationError) -> String {
        if let control = transactionControl {
            throw .controlsTransaction(file: name, line: control.line, statement: control.statement)
        }
        try checkRoutineBodies()
        var lines: [String] = []
        for (number, line) in sql.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let (code, comment) = Self.splitComment(line)
            var rewritten = code
                .replacingOccurrences(of: "SCHEMA IF NOT EXISTS \(schema);", with: "SCHEMA IF NOT EXISTS \(target);")
                .replacingOccurrences(of: "search_path TO \(schema),", with: "search_path TO \(target),")
                .replacingOccurrences(of: "search_path = \(schema),", with: "search_path = \(target),")
            rewritten = Self.requalify(rewritten, from: schema, to: target)
            if Self.namesIdentifier(schema, in: rewritten) { throw .notRetargetable(file: name, line: number + 1) }
            lines.append(rewritten + comment)
        }
        return lines.joined(separator: "\n")
    }

    /// Whether `code` holds `identifier` as a whole word (in any case, quoted or not) outside
    /// single-quoted literals.
    static func namesIdentifier(_ identifier: String, in code: String) -> Bool {
        let word = Array(identifier.lowercased().unicodeScalars)
        let scalars = Array(code.lowercased().unicodeScalars)
        func isWordScalar(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "$" }
        var inLiteral = false
        var index = 0
        while index < scalars.count {
            if scalars[index] == "'" {
                inLiteral.toggle()
            } else if !inLiteral, scalars[index...].starts(with: word),
                index == 0 || !isWordScalar(scalars[index - 1]),
                index + word.count == scalars.count || !isWordScalar(scalars[index + word.count])
            {
                return true
            }
            index += 1
        }
        return false
    }

    /// The code and the `--` comment of a line (a `--` inside a quoted literal is code).
    static func splitComment(_ line: Substring) -> (String, String) {
        var inQuote = false
        var previous: Character = " "
        for index in line.indices {
            let character = line[index]
            if character == "'" { inQuote.toggle() }
            if !inQuote, character == "-", previous == "-" {
                let start = line.index(before: index)
                return (String(line[..<start]), String(line[start...]))
            }
            previous = character
        }
        return (String(line), "")
    }

    /// `schema.name` → `target.name`, where `schema` is a whole identifier.
    static func requalify(_ code: String, from schema: String, to target: String) -> String {
        let pattern = schema + "."
        var result = ""
        var rest = code[...]
        while let range = rest.range(of: pattern) {
            let before = range.lowerBound == rest.startIndex ? nil : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : nil
            let wholeIdentifier = !(before.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ?? false)
                && (after.map { $0.isLetter || $0 == "_" } ?? false)
            result += rest[..<range.lowerBound]
            result += wholeIdentifier ? target + "." : pattern
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
