/// Function bodies that name their own schema, found before a file runs.
///
/// A body written as text (`AS $$ ... $$`) is stored as text, and the names in it are looked up
/// each time the function runs. A rebuild builds a version in `<schema>_vN` and renames it to
/// `<schema>` at the swap, parking the old one as `<schema>_vM`: a body that says `migue.users`
/// would reach another version's tables after that (a parked version's triggers, caught up by a
/// rollback, writing into the live ones), or a schema that no longer exists. A body that names no
/// schema, in a function whose `SET search_path` pins its schema, follows the renames: the swap
/// re-pins them. A `DO` block runs at once and a `BEGIN ATOMIC` body is bound when created, so
/// neither is affected.
extension MigrationFile {
    /// The line of the first function or procedure body (dollar-quoted) that names the file's own
    /// schema outside its string literals and comments, in any case or quoted; nil when none does.
    public var schemaInRoutineBody: Int? {
        var scanner = SQLStatementScanner(Array(sql.utf8))
        while let statement = scanner.next() {
            for body in statement.routineBodies {
                for (offset, line) in body.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    if Self.namesIdentifier(schema, in: Self.splitComment(line).0) { return body.line + offset }
                }
            }
        }
        return nil
    }

    /// Throws `MigrationError.schemaInRoutineBody` for a file whose function body names its schema.
    func checkRoutineBodies() throws(MigrationError) {
        if let line = schemaInRoutineBody { throw .schemaInRoutineBody(file: name, line: line, schema: schema) }
    }
}
