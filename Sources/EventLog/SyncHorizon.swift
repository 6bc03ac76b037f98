/// A block's sync horizon (Specs/log-format.md, "The sync horizon"): when the writer framed the
/// block, it had started a sync of every position below this. Stored in the block header's two
/// bytes at offset 10 as a distance back from the block's first position, `value << shift` (the
/// low 12 bits are the value, the high 4 the shift), rounded down: the stored horizon is never
/// below the writer's. A field of 0, as in blocks written before it existed, puts the horizon at
/// the block's own first position.
///
/// It lets an open tell a crash from damage when a valid block follows the damage. A sync covers
/// every byte written before it, so a block at or above a later block's horizon was not yet
/// vouched for by any sync the writer had started: a power cut during its sync may tear it while
/// the later block reaches the disk. A block below the horizon was covered by a sync started
/// before the later block was written; once that sync's pages are on the disk, no crash damages it.
enum SyncHorizon {
    /// The field's byte offset in the block header.
    static let offset = 10
    static let valueBits: UInt64 = 12
    static let largestValue: UInt64 = 1 << valueBits - 1

    /// The field for a block from `firstPosition` framed when a sync of positions below
    /// `horizon` had started.
    static func field(firstPosition: UInt64, horizon: UInt64) -> UInt16 {
        let distance = firstPosition - min(horizon, firstPosition)
        var shift: UInt64 = 0
        while distance >> shift > largestValue && shift < 15 { shift += 1 }
        return UInt16(shift << valueBits | min(distance >> shift, largestValue))
    }

    /// The horizon a block from `firstPosition` states with `field`.
    static func horizon(firstPosition: UInt64, field: UInt16) -> UInt64 {
        let distance = (UInt64(field) & largestValue) << (UInt64(field) >> valueBits)
        return firstPosition - min(distance, firstPosition)
    }
}
