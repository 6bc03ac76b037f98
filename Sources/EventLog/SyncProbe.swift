#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// Measures the physical limit of durable appends on a disk: write a little, `fdatasync`, repeat.
public enum SyncProbe {
    /// Appends `size` bytes and syncs, `count` times, to a new file at `path` (removed afterwards);
    /// returns the time of each write-and-sync. With `zeroed`, the file is first filled with zeros
    /// and synced, as the log zeroes ahead of its blocks, so no sync changes the file's length.
    public static func measure(path: String, count: Int, size: Int = 512, zeroed: Bool = false) throws(LogError) -> [Duration] {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite])
        } catch {
            throw .io(operation: "creating", path: path, errno: error as? Errno ?? .ioError)
        }
        defer {
            try? descriptor.close()
            _ = unlink(path)
        }
        if zeroed {
            let zeros = [UInt8](repeating: 0, count: count * size)
            do {
                try zeros.withUnsafeBytes { try descriptor.writeAll($0, at: 0) }
                try descriptor.dataSync()
            } catch {
                throw .io(operation: "zero-filling", path: path, errno: error as? Errno ?? .ioError)
            }
        }
        let bytes = [UInt8](repeating: 0x2A, count: size)
        var timings: [Duration] = []
        timings.reserveCapacity(count)
        let clock = ContinuousClock()
        for index in 0..<count {
            let start = clock.now
            do {
                try bytes.withUnsafeBytes { try descriptor.writeAll($0, at: Int64(index * size)) }
                try descriptor.dataSync()
            } catch {
                throw .io(operation: "writing and syncing", path: path, errno: error as? Errno ?? .ioError)
            }
            timings.append(clock.now - start)
        }
        return timings
    }
}
