import Foundation
import EventSourcing
import SystemPackage

/// Reads a JSON-lines input as it arrives, in bursts of whole lines, so that `parley submit` can
/// handle and confirm what a producer has written so far while it writes the rest.
///
/// A burst is everything the input holds right now, up to `burstSize` bytes: a file gives full
/// bursts, a pipe what its writer wrote. Blank lines are skipped, a trailing `\r` is dropped, and
/// so is a UTF-8 byte order mark before the first line. Memory stays bounded: of a line longer
/// than any command, only the first bytes are kept (enough to be refused as too long).
struct JSONLineReader: ~Copyable {
    /// The input as error messages name it: a path, or "standard input".
    let name: String
    private let descriptor: FileDescriptor
    private let ownsDescriptor: Bool
    private let burstSize: Int
    /// The longest line kept whole (the longest command); a longer one is cut after one more byte.
    private let lineLimit = CommandEnvelope.maximumSize
    /// A read that failed after lines of the same burst were taken: thrown on the next call,
    /// once those lines are handled.
    private var failure: CommandFailure?
    /// How many bytes at the start of the buffer are known to hold no newline.
    private var searched = 0
    /// Where each read lands before its bytes join the buffer (a pipe gives 64 KiB a read).
    private var scratch: [UInt8]
    /// The unfinished line carried from the last read, and the bytes read after it.
    private var buffer: [UInt8] = []
    /// The number of the next line, from 1.
    private var lineNumber = 1
    private var atStart = true
    private var ended = false
    /// When set, a wait for input also ends when a signal arrives: the reader then stops as if
    /// the input had ended, except that an unfinished last line is not taken.
    var interruption: Interruption?
    /// Whether reading stopped for `interruption` before the input ended.
    private(set) var interrupted = false

    /// Standard input, read without closing it.
    static func standardInput(burstSize: Int = 4 << 20) -> JSONLineReader {
        JSONLineReader(name: "standard input", descriptor: .standardInput, ownsDescriptor: false, burstSize: burstSize)
    }

    /// The file at `path`; a missing file, a folder or one that cannot be opened is an error naming it.
    static func file(_ path: String, burstSize: Int = 4 << 20) throws(CommandFailure) -> JSONLineReader {
        var folder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &folder) else { throw CommandFailure("cannot read \(path): no such file") }
        guard !folder.boolValue else { throw CommandFailure("cannot read \(path): it is a folder") }
        do {
            let descriptor = try FileDescriptor.open(path, .readOnly, options: .closeOnExec)
            return JSONLineReader(name: path, descriptor: descriptor, ownsDescriptor: true, burstSize: burstSize)
        } catch {
            throw CommandFailure("cannot read \(path): \(error)")
        }
    }

    /// Reads `descriptor`, which stays open: the caller owns it.
    init(name: String, borrowing descriptor: FileDescriptor, burstSize: Int = 4 << 20) {
        self.init(name: name, descriptor: descriptor, ownsDescriptor: false, burstSize: burstSize)
    }

    private init(name: String, descriptor: FileDescriptor, ownsDescriptor: Bool, burstSize: Int) {
        precondition(burstSize > 0, "a burst holds at least one byte")
        self.name = name
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.burstSize = burstSize
        scratch = [UInt8](repeating: 0, count: min(burstSize, 1 << 20))
    }

    deinit {
        if ownsDescriptor { try? descriptor.close() }
    }

    /// The next lines with their numbers: waits for input when none is there, then takes what is
    /// (up to a burst). Empty once the input has ended.
    mutating func nextLines() async throws(CommandFailure) -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        if let failure { throw failure }
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        var read = 0
        while !ended && (lines.isEmpty || (read < burstSize && hasInputNow)) {
            let ready = interruption?.signal == nil ? await waitForInput() : false
            guard ready else {
                interrupted = true
                return lines
            }
            let count: Int
            do {
                count = try readMore()
            } catch {
                guard !lines.isEmpty else { throw error }
                failure = error
                return lines
            }
            read += count
            if count == 0 { ended = true }
            lines += takeLines()
        }
        return lines
    }

    /// Whether reading now would not wait: more bytes, or the end, are there. A producer that
    /// wrote nothing more since waits on the results of what it wrote.
    var hasInputNow: Bool {
        var poll = pollfd(fd: descriptor.rawValue, events: Int16(POLLIN), revents: 0)
        return ended || Glibc.poll(&poll, 1, 0) != 0
    }

    /// The name of the thread a wait for input runs on, as `/proc/self/task/*/comm` shows it.
    static let waitingThreadName = "parley-input"

    /// Waits until the input can be read, at once when it can; false when a signal came first (or
    /// at the same time). The wait runs on a thread of its own: a producer may write nothing for
    /// hours, and a thread of Swift's cooperative pool (two, on two cores) must not wait with it.
    private func waitForInput() async -> Bool {
        guard !hasInputNow else { return true }
        let descriptors = [descriptor.rawValue] + (interruption.map { [$0.descriptor.rawValue] } ?? [])
        let signalled = await withCheckedContinuation { continuation in
            let thread = Thread {
                // Named for `top -H` and debuggers (Foundation's `name` does not reach the kernel here).
                if let comm = try? FileDescriptor.open("/proc/thread-self/comm", .writeOnly) {
                    _ = try? comm.writeAll(Array(Self.waitingThreadName.utf8))
                    try? comm.close()
                }
                var polls = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                while Glibc.poll(&polls, nfds_t(polls.count), -1) < 0 && errno == EINTR {}
                continuation.resume(returning: polls.count > 1 && polls[1].revents != 0)
            }
            thread.start()
        }
        return !signalled && interruption?.signal == nil
    }

    /// Appends what one read gives to the buffer; 0 at the end.
    private mutating func readMore() throws(CommandFailure) -> Int {
        do {
            let descriptor = descriptor
            let count = try scratch.withUnsafeMutableBytes { try descriptor.read(into: $0, retryOnInterrupt: true) }
            buffer.append(contentsOf: scratch[..<count])
            return count
        } catch {
            throw CommandFailure("cannot read \(name) after line \(lineNumber - 1): \(error)")
        }
    }

    /// The whole lines in the buffer (and at the end, the last one without its newline), which
    /// leave it.
    private mutating func takeLines() -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        if atStart {
            // While the bytes in could still begin a byte order mark, it cannot be told from a short line.
            let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
            guard buffer.count >= 3 || ended || !mark.starts(with: buffer) else { return [] }
            if buffer.starts(with: mark) { buffer.removeFirst(3) }
            atStart = false
        }
        let taken: [UInt8]
        if ended {
            taken = buffer
            buffer = []
        } else {
            guard let last = buffer[searched...].lastIndex(of: UInt8(ascii: "\n")) else {
                // No command is this long: keep what refuses it, not the rest of a runaway line.
                if buffer.count > lineLimit + 1 { buffer.removeSubrange((lineLimit + 1)...) }
                searched = buffer.count
                return []
            }
            taken = Array(buffer[...last])
            buffer.removeFirst(last + 1)
            searched = 0
        }
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        var start = 0
        for end in Self.lineEnds(of: taken) {
            defer {
                start = end + 1
                lineNumber += 1
            }
            var stop = end
            if stop > start, taken[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
            let line = taken[start..<stop]
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            lines.append((lineNumber, line))
        }
        // The text after the last newline, when the input ended with one, is no line.
        if taken.last == UInt8(ascii: "\n") || taken.isEmpty { lineNumber -= 1 }
        return lines
    }

    /// The offsets of each newline in `bytes`, then `bytes.count`: found with `memchr` over the
    /// contiguous bytes (a generic `split` took about a tenth of a whole submit).
    private static func lineEnds(of bytes: [UInt8]) -> [Int] {
        var ends: [Int] = []
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count, let found = memchr(base + offset, 0x0A, raw.count - offset) {
                let end = base.distance(to: UnsafeRawPointer(found))
                ends.append(end)
                offset = end + 1
            }
        }
        ends.append(bytes.count)
        return ends
    }
}
