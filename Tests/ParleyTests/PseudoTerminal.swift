import Foundation

/// A pseudo-terminal pair for a child's standard error: the child writes to `follower`, the test
/// reads what it wrote from the leader side until the child and every copy of `follower` are gone.
final class PseudoTerminal: @unchecked Sendable {
    let follower: FileHandle
    private let leader: Int32

    struct Failed: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call): \(String(cString: strerror(errno)))" }
    }

    /// Linux's `TIOCGPTN` (the follower's number) and `TIOCSPTLCK` (unlock it), which Swift does
    /// not import (function-like macros); the same on every architecture Swift runs on.
    private static let getNumber: UInt = 0x8004_5430
    private static let setLock: UInt = 0x4004_5431

    init() throws {
        let leader = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard leader >= 0 else { throw Failed(call: "open /dev/ptmx", errno: errno) }
        var unlock: CInt = 0
        var number: CUnsignedInt = 0
        guard ioctl(leader, Self.setLock, &unlock) == 0, ioctl(leader, Self.getNumber, &number) == 0 else {
            let failure = Failed(call: "ioctl /dev/ptmx", errno: errno)
            close(leader)
            throw failure
        }
        let follower = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        guard follower >= 0 else {
            let failure = Failed(call: "open /dev/pts/\(number)", errno: errno)
            close(leader)
            throw failure
        }
        self.leader = leader
        self.follower = FileHandle(fileDescriptor: follower, closeOnDealloc: true)
    }

    /// Everything written to the terminal, read until the last writer closes it (Linux then
    /// answers the leader's reads with EIO).
    func readToEnd() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(leader, &buffer, buffer.count)
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }

    deinit { close(leader) }
}
