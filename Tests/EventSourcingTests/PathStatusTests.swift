import EventSourcing
import Foundation
import Testing

/// A folder that is there but cannot be used is not reported as missing. Tests run as root, which
/// reads anything, so a symbolic link loop stands in for a folder without permission.
@Suite struct PathStatusTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("parley-path-\(UUID())").path

    func makeRoot() throws {
        try FileManager.default.createDirectory(atPath: root + "/folder", withIntermediateDirectories: true)
        try "x".write(toFile: root + "/file", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/loop", withDestinationPath: root + "/loop")
    }

    @Test func eachKindOfPathIsToldApart() throws {
        try makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(PathStatus(root + "/folder") == .directory)
        #expect(PathStatus(root + "/file") == .file)
        #expect(PathStatus(root + "/absent") == .missing)
        #expect(PathStatus(root + "/file/below") == .missing)
        #expect(PathStatus(root + "/loop") == .unusable(reason: "Too many levels of symbolic links"))
        #expect(PathStatus(root + "/loop").problem == "Too many levels of symbolic links")
        #expect(PathStatus(root + "/folder").problem == nil)
    }

    @Test func listingAFolderSaysWhyItCannot() throws {
        try makeRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        guard case .success(let names) = PathStatus.contents(ofDirectory: root) else {
            Issue.record("the root folder could not be listed")
            return
        }
        #expect(names.sorted() == ["file", "folder", "loop"])
        #expect(PathStatus.contents(ofDirectory: root + "/file") == .failure(.file))
        #expect(PathStatus.contents(ofDirectory: root + "/absent") == .failure(.missing))
        #expect(PathStatus.contents(ofDirectory: root + "/loop") == .failure(.unusable(reason: "Too many levels of symbolic links")))
    }
}

@Suite struct UTF8CheckTests {
    static let cases: [([UInt8], Int)] = [
        ([], 0), (Array("abc".utf8), 3), (Array("é日😀".utf8), 9),
        (Array("ab".utf8) + [0xFF, 0x61], 2), (Array("é".utf8) + [0xE2, 0x82], 2), ([0xC3, 0x28], 0),
        (Array("a".utf8) + [0xED, 0xA0, 0x80], 1),
    ]

    @Test(arguments: cases)
    func findsTheFirstByteThatIsNotUTF8(bytes: [UInt8], offset: Int) {
        #expect(UTF8Check.firstInvalidOffset(in: bytes) == offset)
    }
}
