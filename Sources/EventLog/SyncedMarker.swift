import Synchronization
import SystemPackage

/// The position below which the log is on stable storage, for readers in other processes: the file
/// `synced` in the log's folder (Specs/log-format.md, "The synced marker").
///
/// The writer rewrites it after every `fdatasync`, so a read-only log shows only events that a
/// machine crash cannot take back: a batch written but not yet synced (a buffered or deferred one,
/// or a durable one whose sync is under way) stays out of sight until its sync. Twelve bytes: the
/// position (UInt64, little-endian), then the CRC32C of those eight bytes (UInt32, little-endian).
enum SyncedMarker {
    static let fileName = "synced"
    static let size = 12

    static func encode(_ position: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: size)
        writer.write(position)
        writer.write(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// The position in `bytes`; nil unless they are a whole marker with a matching checksum.
    static func decode(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count == size else { return nil }
        return bytes.withUnsafeBytes { raw -> UInt64? in
            var reader = ByteReader(raw)
            guard let position = reader.read(UInt64.self), let crc = reader.read(UInt32.self),
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[..<8])) == crc
            else { return nil }
            return position
        }
    }

    /// The marker of the log in `directory`: `.absent` for a log written before markers existed.
    enum Reading: Equatable {
        case absent
        case position(UInt64)
        /// Present but not a whole marker (a write under way, or damage): keep what was known.
        case unreadable

        /// The marker's position, when there is a readable one: positions below it were durable
        /// before any append of theirs returned.
        var position: UInt64? {
            if case .position(let position) = self { return position }
            return nil
        }
    }

    /// Reads the marker of the log in `directory`. A failed open (other than no file) or read
    /// throws: an I/O error says nothing about the bytes, so it must not pass for a marker that
    /// is not there, which would let a writer cut acknowledged events as a torn tail.
    static func read(directory: String) throws(LogError) -> Reading {
        let path = directory + "/" + fileName
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            let errno = error as? Errno ?? .ioError
            if errno == .noSuchFileOrDirectory { return .absent }
            throw .io(operation: "opening", path: path, errno: errno)
        }
        defer { try? descriptor.close() }
        var bytes = [UInt8](repeating: 0, count: size)
        let count: Int
        do {
            count = try bytes.withUnsafeMutableBytes { try descriptor.readFully(into: $0, at: 0) }
        } catch {
            throw .io(operation: "reading", path: path, errno: error as? Errno ?? .ioError)
        }
        return decode(Array(bytes[..<count])).map(Reading.position) ?? .unreadable
    }

    /// The writer's marker file; it only moves forward.
    final class Writer: Sendable {
        private let descriptor: FileDescriptor
        private let written = Mutex<UInt64?>(nil)
        let path: String

        init(directory: String) throws(LogError) {
            path = directory + "/" + SyncedMarker.fileName
            do {
                descriptor = try FileDescriptor.open(
                    FilePath(path), .readWrite, options: [.create, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
            } catch {
                throw .io(operation: "opening", path: path, errno: error as? Errno ?? .ioError)
            }
        }

        deinit { try? descriptor.close() }

        /// Puts the marker's bytes on stable storage. The writer does it at open (and syncs the
        /// directory), so a power cut brings back at least the value the log opened with, and at
        /// close, after the last sync.
        func sync() throws(Errno) {
            try descriptor.dataSync()
        }

        /// Records that positions below `position` are on stable storage, unless a later one was.
        func advance(to position: UInt64) throws(Errno) {
            let bytes = SyncedMarker.encode(position)
            let failure: Errno? = written.withLock { written in
                if let written, written >= position { return nil }
                let result = bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try descriptor.writeAll(raw, at: 0) } }
                guard case .failure(let error) = result else {
                    written = position
                    return nil
                }
                return error
            }
            if let failure { throw failure }
        }
    }
}
