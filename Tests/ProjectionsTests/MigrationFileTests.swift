import Foundation
import Projections
import Testing

@Suite struct MigrationFileTests {
    func folder(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-migrations-\(UUID())").path
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func parleyComesFirstThenSchemasByNameThenFilesByNumber() throws {
        let root = try folder([
            "wingman/0002_b.sql": "SELECT 2;", "wingman/0001_a.sql": "SELECT 1;", "companion/0001_a.sql": "SELECT 1;",
            "parley/0001_bookkeeping.sql": "SELECT 0;", "wingman/notes.md": "ignored",
        ])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = try MigrationFile.load(from: root)
        #expect(files.map(\.name) == ["parley/0001_bookkeeping.sql", "companion/0001_a.sql", "wingman/0001_a.sql", "wingman/0002_b.sql"])
        #expect(files[2].number == 1)
        // SHA-256 of the bytes "SELECT 1;".
        #expect(files[2].checksum == "17db4fd369edb9244b9f91d9aeed145c3d04ad8ba6e95d06247f07a63527d11a")
        #expect(files[1].checksum == files[2].checksum)
        #expect(files[2].checksum != files[3].checksum)
    }

    @Test(arguments: [
        (["wingman/1_tables.sql": ""], "is not named NNNN_description.sql"),
        (["wingman/0001-tables.sql": ""], "is not named NNNN_description.sql"),
        (["Wingman/0001_tables.sql": ""], "is not a schema folder"),
        (["wingman/0001_a.sql": "", "wingman/0001_b.sql": ""], "wingman/0001_a.sql and wingman/0001_b.sql have the same number"),
    ])
    func badLayoutsAreNamed(files: [String: String], message: String) throws {
        let root = try folder(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let error = #expect(throws: MigrationError.self) { try MigrationFile.load(from: root) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    /// A file that is not UTF-8 is named with the line and byte where it stops being so.
    @Test func aFileThatIsNotUTF8NamesItsLineAndByte() throws {
        let root = try folder(["wingman/0001_a.sql": ""])
        defer { try? FileManager.default.removeItem(atPath: root) }
        let bytes = Array("SELECT 1;\n-- café\nSELECT '".utf8) + [0xC3, 0x28] + Array("';\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/wingman/0001_a.sql"))
        #expect(throws: MigrationError.notUTF8(path: root + "/wingman/0001_a.sql", line: 3, byte: 28)) {
            try MigrationFile.load(from: root)
        }
    }

    /// A folder that is there but cannot be read says why, rather than that it is missing.
    @Test func anUnreadableFolderSaysWhy() throws {
        let root = try folder(["wingman/0001_a.sql": "SELECT 1;"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createSymbolicLink(atPath: root + "/loop", withDestinationPath: root + "/loop")
        #expect(throws: MigrationError.unreadable(path: root + "/loop", reason: "Too many levels of symbolic links")) {
            try MigrationFile.load(from: root + "/loop")
        }
    }

    @Test func aMissingFolderSaysWhichAndHowToGiveOne() {
        let error = #expect(throws: MigrationError.self) { try MigrationFile.load(from: "/nonexistent/migrations") }
        #expect(error == .noDirectory(path: "/nonexistent/migrations"))
        #expect(error?.description.contains("--migrations") == true)
    }
}
