import EventSourcing
import Foundation

/// The build of the running program, which holds the projectors.
///
/// A rebuild records it with the version it starts and resumes a version left building only under
/// the same build: a projector changed between two runs would otherwise leave rows of both in one
/// version. Any change to the program changes the build, so an upgrade restarts an interrupted
/// rebuild from the beginning rather than risk mixing.
public enum ProjectorBuild {
    /// The GNU build id of the running executable in lower-case hex; nil when it has none.
    public static let current: String? = {
        guard let file = FileHandle(forReadingAtPath: "/proc/self/exe") else { return nil }
        defer { try? file.close() }
        return try? buildID(readingAt: { offset, count in
            try file.seek(toOffset: offset)
            return [UInt8](try file.read(upToCount: count) ?? Data())
        })
    }()

    /// The `NT_GNU_BUILD_ID` note of a 64-bit little-endian ELF file, found through its program
    /// headers; `read(offset, count)` returns up to `count` bytes from `offset`, which is never
    /// past `Int64.max` (a file offset; Foundation traps beyond it).
    static func buildID(readingAt read: (UInt64, Int) throws -> [UInt8]) throws -> String? {
        let header = try read(0, 64)
        guard header.count == 64, header.starts(with: [0x7F, 0x45, 0x4C, 0x46]), header[4] == 2, header[5] == 1 else { return nil }
        let tableOffset = little(header, at: 0x20, width: 8)
        let entrySize = Int(little(header, at: 0x36, width: 2))
        let entries = Int(little(header, at: 0x38, width: 2))
        guard entrySize >= 56, entries > 0, entrySize * entries <= 1 << 20, tableOffset <= UInt64(Int64.max) else { return nil }
        let table = try read(tableOffset, entrySize * entries)
        guard table.count == entrySize * entries else { return nil }
        for entry in 0..<entries {
            let base = entry * entrySize
            guard little(table, at: base, width: 4) == 4 else { continue }  // PT_NOTE
            let size = little(table, at: base + 0x20, width: 8)
            let offset = little(table, at: base + 0x08, width: 8)
            guard size <= 1 << 16, offset <= UInt64(Int64.max) else { continue }
            let notes = try read(offset, Int(size))
            if let id = gnuBuildID(inNotes: notes) { return id }
        }
        return nil
    }

    /// The descriptor of the first note named `GNU` of type 3, in hex.
    static func gnuBuildID(inNotes notes: [UInt8]) -> String? {
        var offset = 0
        while offset + 12 <= notes.count {
            let nameSize = Int(little(notes, at: offset, width: 4))
            let descriptorSize = Int(little(notes, at: offset + 4, width: 4))
            let type = little(notes, at: offset + 8, width: 4)
            let name = offset + 12
            let descriptor = name + (nameSize + 3) & ~3
            guard descriptor + descriptorSize <= notes.count else { return nil }
            if type == 3, nameSize == 4, notes[name..<name + 4].elementsEqual("GNU\0".utf8), descriptorSize > 0 {
                return notes[descriptor..<descriptor + descriptorSize].lowercaseHex
            }
            offset = descriptor + (descriptorSize + 3) & ~3
        }
        return nil
    }

    private static func little(_ bytes: [UInt8], at offset: Int, width: Int) -> UInt64 {
        (0..<width).reduce(0) { value, index in value | UInt64(bytes[offset + index]) << (8 * index) }
    }
}
