#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The syscalls the log needs that swift-system lacks: one small function per call, EINTR retried
/// (never for `close`), short reads and writes looped, errors as `Errno`.
extension FileDescriptor {
    /// Flushes the file's data (and the metadata needed to read it back) to stable storage.
    func dataSync() throws(Errno) {
        while true {
            #if canImport(Darwin)
            let result = fcntl(rawValue, F_FULLFSYNC)
            #else
            let result = fdatasync(rawValue)
            #endif
            if result == 0 { return }
            if errno != EINTR { throw Errno(rawValue: errno) }
        }
    }

    /// Flushes the file and all its metadata; used on directories after creating a file in them.
    func fullSync() throws(Errno) {
        while true {
            if fsync(rawValue) == 0 { return }
            if errno != EINTR { throw Errno(rawValue: errno) }
        }
    }

    /// Asks the kernel to drop the file's clean cached pages, so that later reads come from the
    /// device (a hint: dirty pages and pages in use stay).
    func dropCachedPages() throws(Errno) {
        #if canImport(Glibc)
        let result = posix_fadvise(rawValue, 0, 0, POSIX_FADV_DONTNEED)
        if result != 0 { throw Errno(rawValue: result) }
        #endif
    }

    /// Takes an exclusive advisory lock without waiting; false when another process holds it.
    func tryLockExclusive() throws(Errno) -> Bool {
        try tryLock(LOCK_EX)
    }

    /// Takes a shared `flock` without waiting; false when another holds it exclusively.
    func tryLockShared() throws(Errno) -> Bool {
        try tryLock(LOCK_SH)
    }

    private func tryLock(_ operation: Int32) throws(Errno) -> Bool {
        while true {
            if flock(rawValue, operation | LOCK_NB) == 0 { return true }
            switch errno {
            case EINTR: continue
            case EWOULDBLOCK: return false
            default: throw Errno(rawValue: errno)
            }
        }
    }

    /// Writes every byte of `bytes` at `offset`, looping over short writes.
    func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let result = Glibc.pwrite(rawValue, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                throw Errno(rawValue: errno)
            }
            done += result
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at end of file.
    func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(Errno) -> Int {
        var done = 0
        while done < buffer.count {
            let result = Glibc.pread(rawValue, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                throw Errno(rawValue: errno)
            }
            if result == 0 { break }
            done += result
        }
        return done
    }

    /// The file's size in bytes.
    func size() throws(Errno) -> Int64 {
        var info = Glibc.stat()
        guard fstat(rawValue, &info) == 0 else { throw Errno(rawValue: errno) }
        return Int64(info.st_size)
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: Int64) throws(Errno) {
        while true {
            if ftruncate(rawValue, off_t(length)) == 0 { return }
            if errno != EINTR { throw Errno(rawValue: errno) }
        }
    }
}

/// The names of the entries of a directory, unsorted; empty when it does not exist. A listing
/// that fails throws: a segment it missed would read as a log that ends early.
func directoryEntries(_ path: String) throws(Errno) -> [String] {
    guard let directory = opendir(path) else {
        if errno == ENOENT { return [] }
        throw Errno(rawValue: errno)
    }
    defer { closedir(directory) }
    var names: [String] = []
    while true {
        // readdir returns nil at the end and on failure alike; only errno tells them apart.
        errno = 0
        guard let entry = readdir(directory) else {
            if errno != 0 { throw Errno(rawValue: errno) }
            return names
        }
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
}

/// Creates `path` and its parents; succeeds when it already exists. The folder holding each one
/// it creates is synced, so that a power cut cannot take a new log's folder, marker and all, away
/// with its name (an open would then start an empty log without a word).
func makeDirectory(_ path: String) throws(Errno) {
    var prefix = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        let parent = prefix.isEmpty ? "/" : prefix
        prefix += "/" + part
        if mkdir(prefix, 0o755) == 0 {
            try FileEventLog.syncDirectory(parent)
        } else if errno != EEXIST {
            throw Errno(rawValue: errno)
        }
    }
}

/// The id of this process.
var currentProcessID: Int32 { getpid() }
