import EventSourcing

/// Damage at the end of the last segment that a crash explains: batches never acknowledged, which
/// opening the log cuts (Specs/log-format.md, "What a reader must check, and what damage means").
public struct TornTail: Sendable, Equatable, CustomStringConvertible {
    public var segment: String
    /// Where the last whole batch ends: the cut.
    public var offset: Int64
    /// Bytes from the cut to the end of the file.
    public var bytes: Int64
    /// The first position the cut takes (no event at or after it was acknowledged).
    public var position: LogPosition
    public var reason: String

    public var description: String {
        "\(bytes) bytes at byte \(offset) of \(segment), from position \(position) on: \(reason)"
    }
}

extension SegmentScanner {
    /// How a scanned segment ends.
    enum Ending {
        /// With its last whole batch, or with the writer's zeroed tail, at `blocksEnd`.
        case clean(blocksEnd: Int64)
        /// With damage a crash can leave.
        case torn(TornTail)
    }

    /// Judges where `outcome`, the scan of this segment, stopped; `indexed` is the count of
    /// positions whole after the scan. Throws `LogError.corrupt` for what no crash explains:
    /// damage in a segment that is not the last, a valid block at or after the damage (a whole
    /// block whose position or versions are wrong is one), zeros before
    /// the last segment, or damage a cut would resolve only by taking positions below
    /// `acknowledged` (the synced marker: those were durable when their appends returned).
    func ending(of outcome: Outcome, isLast: Bool, indexed: UInt64, acknowledged: UInt64?) throws(LogError) -> Ending {
        let size = try segment.fileSize()
        guard outcome.damage != nil || outcome.committedEnd < size else { return .clean(blocksEnd: size) }
        // Zeros from the end of the last batch on: the writer's zeroed tail, kept for its writes.
        if let zeros = outcome.zeroTail, zeros == outcome.committedEnd {
            guard isLast else {
                throw .corrupt(segment: segment.path, offset: zeros, position: LogPosition(indexed), reason: FileEventLog.zerosBeforeLast)
            }
            return .clean(blocksEnd: zeros)
        }
        let offset = outcome.damage?.offset ?? outcome.committedEnd
        let position = outcome.damage?.position ?? indexed
        var reason = outcome.damage?.reason ?? "the last batch of the segment is incomplete"
        // Ending inside a batch (no damage, the batch's last block missing) is always a torn
        // tail: the blocks found after its start are that batch's own.
        // A settled scan has judged its damage already: looking again could catch a block the
        // writer finished meanwhile.
        var validAfter = outcome.damageConfirmed ?? false
        if outcome.damage != nil && outcome.damageConfirmed == nil { validAfter = try hasValidBlock(atOrAfter: offset) }
        guard isLast, !validAfter else {
            throw .corrupt(segment: segment.path, offset: offset, position: LogPosition(position), reason: reason)
        }
        if let acknowledged, indexed < acknowledged {
            reason += "; the synced marker says positions below \(acknowledged) were durable, so this is not a torn write"
            throw .corrupt(segment: segment.path, offset: offset, position: LogPosition(position), reason: reason)
        }
        return .torn(TornTail(
            segment: segment.path, offset: outcome.committedEnd, bytes: size - outcome.committedEnd, position: LogPosition(indexed),
            reason: reason))
    }
}

extension FileEventLog {
    /// Throws when the segments end before the synced marker: acknowledged events are missing.
    /// With no segment at all, the error names the first segment's file.
    static func checkReachesMarker(_ count: UInt64, acknowledged: UInt64?, directory: String, last: Segment?, blocksEnd: Int64) throws(LogError) {
        guard let acknowledged, count < acknowledged else { return }
        let missing = acknowledged - count
        throw .corrupt(
            segment: last?.path ?? directory + "/" + SegmentHeader.fileName(basePosition: 0), offset: last == nil ? 0 : blocksEnd,
            position: LogPosition(count),
            reason: "the log ends here, but the synced marker says positions below \(acknowledged) were durable: "
                + (missing == 1 ? "1 acknowledged event is missing" : "\(missing) acknowledged events are missing"))
    }
}
