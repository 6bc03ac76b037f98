import Foundation

/// Every event id and its position: the ids in position order, and an open-addressing hash
/// table (linear probing) of positions.
///
/// Each slot keeps its id's hash, so growing the table moves slots without hashing again, and a
/// probe compares an id only when the hashes agree. The hash is the standard library's seeded
/// `Hasher`, so ids chosen by a caller cannot be made to collide.
struct IdTable: Sendable, Equatable {
    private struct Slot: Sendable {
        var hash = 0
        /// The position plus one; 0 marks an empty slot.
        var occupant: UInt64 = 0
    }

    /// The id of every position.
    private(set) var ids: [UUID] = []
    private var slots = [Slot](repeating: Slot(), count: 1 << 10)

    var count: Int { ids.count }

    /// The position of `id`, nil when it is not stored.
    subscript(id: UUID) -> UInt64? {
        let hash = id.hashValue
        let mask = slots.count - 1
        var index = hash & mask
        while true {
            let slot = slots[index]
            if slot.occupant == 0 { return nil }
            if slot.hash == hash && ids[Int(slot.occupant - 1)] == id { return slot.occupant - 1 }
            index = (index + 1) & mask
        }
    }

    /// Gives `id` the next position, `count`.
    mutating func append(_ id: UUID) {
        if !fits(ids.count + 1) { grow(toHold: ids.count + 1) }
        ids.append(id)
        place(Slot(hash: id.hashValue, occupant: UInt64(ids.count)))
    }

    /// What `claim` found.
    enum Claim: Equatable {
        /// Every id is new and now holds the next positions.
        case claimed
        /// An id is already stored; nothing was added.
        case stored
        /// An id appears twice among those claimed; nothing was added.
        case repeated
    }

    /// Gives `count` ids, `id(0)` first, the next positions with one probe each, unless one of
    /// them is already stored or repeated: then it adds none of them.
    mutating func claim(_ count: Int, _ id: (Int) -> UUID) -> Claim {
        reserve(count)
        let start = ids.count
        let mask = slots.count - 1
        for offset in 0..<count {
            let id = id(offset)
            let hash = id.hashValue
            var index = hash & mask
            while slots[index].occupant != 0 {
                let slot = slots[index]
                if slot.hash == hash && ids[Int(slot.occupant - 1)] == id {
                    removeLast(ids.count - start)
                    return slot.occupant > UInt64(start) ? .repeated : .stored
                }
                index = (index + 1) & mask
            }
            ids.append(id)
            slots[index] = Slot(hash: hash, occupant: UInt64(ids.count))
        }
        return .claimed
    }

    /// Removes the `count` newest ids, newest first.
    ///
    /// Only ids added since the table last grew can be removed: no probe of an older id passes
    /// a newer one's slot, so emptying it breaks no chain.
    mutating func removeLast(_ count: Int) {
        let mask = slots.count - 1
        for _ in 0..<count {
            let occupant = UInt64(ids.count)
            var index = ids.removeLast().hashValue & mask
            while slots[index].occupant != occupant { index = (index + 1) & mask }
            slots[index] = Slot()
        }
    }

    /// Makes room in the table for `extra` more ids at once.
    mutating func reserve(_ extra: Int) {
        if !fits(ids.count + extra) { grow(toHold: ids.count + extra) }
    }

    /// At most 3/4 full, so a probe for a missing id ends after a few slots.
    private func fits(_ count: Int) -> Bool { count * 4 <= slots.count * 3 }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var index = slot.hash & mask
        while slots[index].occupant != 0 { index = (index + 1) & mask }
        slots[index] = slot
    }

    private mutating func grow(toHold count: Int) {
        var capacity = slots.count * 2
        while count * 4 > capacity * 3 { capacity *= 2 }
        let old = slots
        slots = [Slot](repeating: Slot(), count: capacity)
        for slot in old where slot.occupant != 0 { place(slot) }
    }

    static func == (lhs: IdTable, rhs: IdTable) -> Bool { lhs.ids == rhs.ids }
}
