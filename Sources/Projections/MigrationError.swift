import Postgres

/// Why migrations could not be read or applied; each case names the file or folder.
public enum MigrationError: Error, Equatable, CustomStringConvertible {
    case noDirectory(path: String)
    case badSchemaFolder(path: String)
    /// A `.sql` file beside the schema folders, not in one: most likely `--migrations` names a
    /// schema folder instead of the folder above.
    case outsideSchemaFolder(path: String)
    case badFileName(path: String)
    case duplicateNumber(schema: String, first: String, second: String)
    case unreadable(path: String, reason: String)
    /// The first byte that is not UTF-8, by its line and its place in the file (both from 1).
    case notUTF8(path: String, line: Int, byte: Int)
    /// An applied file's bytes differ from what was applied.
    case changed(file: String, recorded: String, current: String)
    /// A file recorded as applied is no longer in the folder.
    case missing(file: String)
    /// A pending file sorts before one already applied in its schema.
    case outOfOrder(pending: String, applied: String)
    /// The file holds a statement that ends, begins or prepares a transaction (`COMMIT`,
    /// `ROLLBACK`, `BEGIN`, ...); found before anything runs.
    case controlsTransaction(file: String, line: Int, statement: String)
    /// The file ended the transaction it runs in although no such statement was found in it.
    case endsTransaction(file: String)
    /// A line still names the file's own schema after retargeting it to another (rebuilds,
    /// replays, verify), in a form the rewrite does not know.
    case notRetargetable(file: String, line: Int)
    /// A function or procedure body (dollar-quoted text) names the file's own schema, which a
    /// rebuild's swap renames under it (`MigrationFile.schemaInRoutineBody`); found before anything runs.
    case schemaInRoutineBody(file: String, line: Int, schema: String)
    /// The server rejected the file; nothing of it was kept.
    case failed(file: String, error: PostgresError)
    /// The migrator's own work failed before any file ran: taking its lock or reading
    /// `parley.migrations` (`action` says which).
    case bookkeeping(action: String, error: PostgresError)

    public var description: String {
        switch self {
        case .noDirectory(let path):
            "no migrations folder at \(path) (give --migrations DIR)"
        case .badSchemaFolder(let path):
            "\(path) is not a schema folder: use a lowercase name of letters, digits and underscores"
        case .outsideSchemaFolder(let path):
            "\(path) is not in a schema folder: migrations are DIR/<schema>/NNNN_name.sql (give --migrations the folder above the schema folders)"
        case .badFileName(let path):
            "\(path) is not named NNNN_description.sql (four digits, an underscore, letters, digits and underscores)"
        case .duplicateNumber(let schema, let first, let second):
            "\(schema)/\(first) and \(schema)/\(second) have the same number"
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        case .notUTF8(let path, let line, let byte):
            "\(path) is not UTF-8 text: line \(line) holds a byte that is not (byte \(byte) of the file)"
        case .changed(let file, let recorded, let current):
            "\(file) has changed since it was applied (checksum \(recorded.prefix(12))… applied, "
                + "\(current.prefix(12))… now); restore it and add a new migration instead"
        case .missing(let file):
            "\(file) was applied but is no longer in the migrations folder"
        case .outOfOrder(let pending, let applied):
            "\(pending) is pending but sorts before \(applied), which is already applied; renumber it after"
        case .controlsTransaction(let file, let line, let statement):
            "\(file) line \(line): \(statement) would end or begin a transaction: migration files run inside one, "
                + "so they must not hold COMMIT, ROLLBACK, BEGIN or similar; nothing was applied"
        case .endsTransaction(let file):
            "\(file) ends the transaction it runs in; migration files must not hold COMMIT or ROLLBACK"
        case .notRetargetable(let file, let line):
            "\(file) line \(line) names its schema in a form a rebuild cannot point at another schema (it would reach the live one): "
                + "write `SET search_path TO <schema>, public;` and qualify names as `<schema>.name`, unquoted and in lowercase"
        case .schemaInRoutineBody(let file, let line, let schema):
            "\(file) line \(line): a function body names the schema \(schema); the body is looked up when it runs, so after a "
                + "rebuild renames the schemas it would reach another version's tables: leave names in the body unqualified and "
                + "pin the function with `SET search_path = \(schema), pg_catalog`; nothing was applied"
        case .failed(let file, let error):
            "\(file) failed and was rolled back: \(error)"
        case .bookkeeping(let action, let error):
            "\(action) failed, before any migration ran: \(error)"
        }
    }
}
