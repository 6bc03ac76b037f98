import SystemPackage

/// The zeroed tail: the writer keeps zero bytes written ahead of its blocks in the last segment, so
/// the `fdatasync` of a group commit writes only the new blocks, not the file's new length as well.
///
/// On ext4 that length is an inode write, one more I/O on every sync: measured here, 8 KB written
/// and synced took 255 to 323 us at the end of a growing file and 138 to 146 us inside zeros
/// written before. The zeros are written a mebibyte at a time, once per mebibyte of blocks, and
/// reach the disk with the next sync. The tail is cut when the segment is left (a roll, a close),
/// so only the last segment ever has one; readers stop at it (Specs/log-format.md, "The zeroed tail").
extension FileEventLog {
    /// How far ahead the writer zeroes, at most: never past the segment's planned size.
    static let zeroTailStep: Int64 = 1 << 20

    private static let zeros = [UInt8](repeating: 0, count: Int(zeroTailStep))

    /// Writes zeros from `end` (where the blocks now end) to the next mebibyte boundary after it,
    /// within `options.segmentSize`, and returns the file's new length.
    func zeroAhead(of end: Int64, in segment: Segment) throws(Errno) -> Int64 {
        let target = min((end / Self.zeroTailStep + 1) * Self.zeroTailStep, max(end, options.segmentSize))
        guard target > end else { return end }
        do {
            try Self.zeros.withUnsafeBytes { try segment.descriptor.writeAll(UnsafeRawBufferPointer(rebasing: $0[..<Int(target - end)]), at: end) }
        } catch {
            throw error as? Errno ?? .ioError
        }
        return target
    }

    /// Cuts the zeroed tail of `segment`, so that the file ends with its last block; the caller syncs.
    static func cutZeroTail(of segment: Segment) throws(Errno) {
        guard segment.allocated > segment.size else { return }
        try segment.descriptor.truncate(to: segment.size)
    }

    /// Cuts the last segment's zeroed tail and syncs it: a closed log's files end with their blocks.
    func cutZeroTail() throws(LogError) {
        try state.withLock { state throws(LogError) in
            guard let number = state.segments.indices.last else { return }
            let segment = state.segments[number]
            guard segment.allocated > segment.size else { return }
            do throws(Errno) {
                try Self.cutZeroTail(of: segment)
                try segment.descriptor.dataSync()
            } catch {
                throw .io(operation: "cutting the zeroed tail of", path: segment.path, errno: error)
            }
            state.segments[number].allocated = segment.size
        }
    }
}
