@testable import Projections
import Testing

/// The build id that ties a version left building to the projector that started it.
@Suite struct ProjectorBuildTests {
    /// A 64-bit little-endian ELF header, one `PT_LOAD` and one `PT_NOTE` program header, and the
    /// note segment: an unrelated note, then the GNU build id.
    static func elf(buildID: [UInt8]) -> [UInt8] {
        func little(_ value: UInt64, _ width: Int) -> [UInt8] { (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        func note(name: String, type: UInt64, descriptor: [UInt8]) -> [UInt8] {
            let name = Array(name.utf8) + [0]
            return little(UInt64(name.count), 4) + little(UInt64(descriptor.count), 4) + little(type, 4)
                + name + Array(repeating: 0, count: (4 - name.count % 4) % 4)
                + descriptor + Array(repeating: 0, count: (4 - descriptor.count % 4) % 4)
        }
        let notes = note(name: "GNU", type: 1, descriptor: [0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
            + note(name: "GNU", type: 3, descriptor: buildID)
        var header = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + Array(repeating: UInt8(0), count: 57)
        header.replaceSubrange(0x20..<0x28, with: little(64, 8))  // program headers right after
        header.replaceSubrange(0x36..<0x38, with: little(56, 2))
        header.replaceSubrange(0x38..<0x3A, with: little(2, 2))
        let load = little(1, 4) + Array(repeating: 0, count: 52)
        var noteHeader = little(4, 4) + Array(repeating: 0, count: 52)
        noteHeader.replaceSubrange(0x08..<0x10, with: little(64 + 112, 8))
        noteHeader.replaceSubrange(0x20..<0x28, with: little(UInt64(notes.count), 8))
        return header + load + noteHeader + notes
    }

    /// Reads `file` as FileHandle would, refusing (as a test failure) an offset it would trap on.
    static func read(_ file: [UInt8]) -> (UInt64, Int) -> [UInt8] {
        { offset, count in
            #expect(offset <= UInt64(Int64.max), "an offset past Int64.max reaches the file")
            let start = Int(min(offset, UInt64(file.count)))
            return Array(file[start..<min(file.count, start + count)])
        }
    }

    @Test func theBuildIDIsReadFromTheNoteSegment() throws {
        let file = Self.elf(buildID: [0x00, 0x1F, 0xA0, 0xFF, 0x42])
        #expect(try ProjectorBuild.buildID(readingAt: Self.read(file)) == "001fa0ff42")
    }

    @Test func aFileWithoutAWholeNoteHasNoBuildID() throws {
        let file = Self.elf(buildID: Array(repeating: 7, count: 20))
        #expect(try ProjectorBuild.buildID(readingAt: Self.read(Array(file.dropLast(1)))) == nil)
        #expect(try ProjectorBuild.buildID(readingAt: Self.read(Array(file.prefix(100)))) == nil)
        var bigEndian = file
        bigEndian[5] = 2
        #expect(try ProjectorBuild.buildID(readingAt: Self.read(bigEndian)) == nil)
        #expect(try ProjectorBuild.buildID(readingAt: Self.read(Array("#!/bin/sh\n".utf8))) == nil)
        // Offsets past Int64.max (program headers, a note segment) are not read.
        for field in [0x20, 64 + 56 + 0x08] {
            var far = file
            far.replaceSubrange(field..<field + 8, with: repeatElement(0xFF, count: 8))
            #expect(try ProjectorBuild.buildID(readingAt: Self.read(far)) == nil)
        }
        // Every truncation and every single-byte change reads without a crash.
        for length in 0..<file.count { _ = try ProjectorBuild.buildID(readingAt: Self.read(Array(file.prefix(length)))) }
        for index in file.indices {
            var changed = file
            changed[index] = 0xFF
            _ = try ProjectorBuild.buildID(readingAt: Self.read(changed))
        }
    }

    @Test func theRunningProgramHasOne() {
        let id = ProjectorBuild.current
        #expect(id.map { $0.count >= 16 && $0.allSatisfy(\.isHexDigit) } == true, "\(id ?? "none")")
    }
}
