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
    /// damage in a segment that is not the last, a valid block that no crash leaves at or after
    /// the damage (`crashObjection`), zeros before the last segment, or damage a cut would
    /// resolve only by taking positions below `acknowledged` (the synced marker: those were
    /// durable when their appends returned).
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
        guard isLast else { throw .corrupt(segment: segment.path, offset: offset, position: LogPosition(position), reason: reason) }
        if let confirmed = outcome.damageConfirmed {
            // A reader beside a writer (a settled scan): damage met twice at one offset with a
            // valid block after it is no write in progress, and the writer cut any torn tail when
            // it opened; other damage is left for the next look.
            if confirmed { throw .corrupt(segment: segment.path, offset: offset, position: LogPosition(position), reason: reason) }
        } else if outcome.damage != nil, let objection = try crashObjection(damageAt: offset, cut: indexed) {
            if let because = objection.because { reason += "; " + because }
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

extension SegmentScanner {
    /// What shows that no crash left damage: a valid block at or after it that a crash does not leave.
    enum CrashObjection: Equatable {
        /// The damaged block is whole and checksum-valid: its position or versions are wrong.
        case wholeBlockAtDamage
        /// A valid block after the damage holds a position the cut would keep twice.
        case positionBelowCut(position: UInt64, offset: Int64)
        /// A valid block after the damage was framed once a sync of the cut positions had started.
        case horizonAboveCut(horizon: UInt64, offset: Int64)

        /// What the damage's reason lacks (nil when the reason already says it).
        var because: String? {
            switch self {
            case .wholeBlockAtDamage: nil
            case .positionBelowCut(let position, let offset):
                "a valid block at byte \(offset) holds position \(position), which the cut would keep twice"
            case .horizonAboveCut(let horizon, let offset):
                "a valid block at byte \(offset) was written once a sync of the positions below \(horizon) had started, "
                    + "so this damage is not a torn write"
            }
        }
    }

    /// Why the valid blocks at or after damage at `offset` show that no crash left it, when the
    /// cut would take the positions from `cut` on; nil when they are what a power cut during a
    /// sync leaves (blocks written after the damaged one, before any sync covering it had
    /// started), or when there are none.
    func crashObjection(damageAt offset: Int64, cut: UInt64) throws(LogError) -> CrashObjection? {
        var objection: CrashObjection?
        try forEachValidBlock(atOrAfter: offset) { blockOffset, header in
            if blockOffset == offset {
                objection = .wholeBlockAtDamage
            } else if header.firstPosition < cut {
                objection = .positionBelowCut(position: header.firstPosition, offset: blockOffset)
            } else if header.horizon > cut {
                objection = .horizonAboveCut(horizon: header.horizon, offset: blockOffset)
            }
            return objection != nil
        }
        return objection
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
