import EventSourcing
import Foundation

/// One file `migrations/<schema>/NNNN_description.sql`, read whole, with its SHA-256 checksum.
public struct MigrationFile: Sendable, Equatable {
    /// The folder name, which is also the PostgreSQL schema the file builds, e.g. `migue`.
    public var schema: String
    /// The file name, e.g. `0002_tables.sql`.
    public var fileName: String
    /// The four-digit number that orders files within their schema.
    public var number: Int
    /// The SQL text.
    public var sql: String
    /// SHA-256 of the file's bytes, 64 lowercase hex digits.
    public var checksum: String

    /// `schema/fileName`, how messages name the file.
    public var name: String { "\(schema)/\(fileName)" }

    public init(schema: String, fileName: String, number: Int, sql: String, checksum: String) {
        self.schema = schema
        self.fileName = fileName
        self.number = number
        self.sql = sql
        self.checksum = checksum
    }

    /// A file made in code, its checksum the SHA-256 of `sql`'s UTF-8 bytes, as if read from disk.
    public init(schema: String, fileName: String, number: Int, sql: String) {
        self.init(schema: schema, fileName: fileName, number: number, sql: sql, checksum: SHA256.hexDigest(sql.utf8))
    }

    /// The schema whose files apply before all others: Parley's own bookkeeping.
    public static let bookkeepingSchema = "parley"

    /// Every migration under `directory`, in the order they apply: `parley` first, then the other
    /// schemas by name, each schema's files by number.
    ///
    /// Folders must be lowercase schema names; in them, every `.sql` file must be named
    /// `NNNN_description.sql` with a number unique in its folder. Other files are ignored, but a `.sql`
    /// file beside the schema folders is refused (`--migrations` named a schema folder).
    public static func load(from directory: String) throws(MigrationError) -> [MigrationFile] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let folders = try listing(directory)
        var files: [MigrationFile] = []
        for folder in folders.sorted() where !folder.hasPrefix(".") {
            let path = directory + "/" + folder
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                if folder.hasSuffix(".sql") { throw .outsideSchemaFolder(path: path) }
                continue
            }
            guard isSchemaName(folder) else { throw .badSchemaFolder(path: path) }
            files += try load(schema: folder, folder: path)
        }
        return files.sorted { lhs, rhs in
            let lhsFirst = lhs.schema == bookkeepingSchema
            let rhsFirst = rhs.schema == bookkeepingSchema
            if lhsFirst != rhsFirst { return lhsFirst }
            return (lhs.schema, lhs.number) < (rhs.schema, rhs.number)
        }
    }

    private static func load(schema: String, folder: String) throws(MigrationError) -> [MigrationFile] {
        let names = try listing(folder)
        var files: [MigrationFile] = []
        var byNumber: [Int: String] = [:]
        for fileName in names.sorted() where fileName.hasSuffix(".sql") {
            let path = folder + "/" + fileName
            guard let number = number(of: fileName) else { throw .badFileName(path: path) }
            if let other = byNumber[number] {
                throw .duplicateNumber(schema: schema, first: other, second: fileName)
            }
            byNumber[number] = fileName
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .unreadable(path: path, reason: PathStatus(path).problem ?? "it could not be read")
            }
            guard let sql = String(data: data, encoding: .utf8) else {
                let offset = UTF8Check.firstInvalidOffset(in: data)
                throw .notUTF8(path: path, line: data.prefix(offset).count(where: { $0 == UInt8(ascii: "\n") }) + 1, byte: offset + 1)
            }
            files.append(
                MigrationFile(schema: schema, fileName: fileName, number: number, sql: sql, checksum: SHA256.hexDigest(data))
            )
        }
        return files
    }

    /// The names in `folder`; a missing folder and one that cannot be read are told apart.
    private static func listing(_ folder: String) throws(MigrationError) -> [String] {
        switch PathStatus.contents(ofDirectory: folder) {
        case .success(let names): return names
        case .failure(.missing), .failure(.file): throw .noDirectory(path: folder)
        case .failure(let status): throw .unreadable(path: folder, reason: status.problem ?? "\(status)")
        }
    }

    /// The number of `NNNN_description.sql` (description: letters, digits, underscores), else nil.
    static func number(of fileName: String) -> Int? {
        let parts = fileName.dropLast(4).split(separator: "_", maxSplits: 1)
        guard fileName.hasSuffix(".sql"), parts.count == 2, parts[0].count == 4,
            parts[0].allSatisfy(\.isASCIIDigitCharacter),
            parts[1].allSatisfy({ $0.isASCIILetterCharacter || $0.isASCIIDigitCharacter || $0 == "_" })
        else { return nil }
        return Int(parts[0])
    }

    /// A lowercase PostgreSQL identifier: a letter, then letters, digits or underscores.
    static func isSchemaName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase else { return false }
        return name.allSatisfy { ($0.isASCII && $0.isLowercase) || $0.isASCIIDigitCharacter || $0 == "_" }
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isWholeNumber }
    var isASCIILetterCharacter: Bool { isASCII && isLetter }
}
