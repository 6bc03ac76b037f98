import EventSourcing

/// Every stream name and its number (its place in order of first appearance): the names in order,
/// and an open-addressing hash table (linear probing) of numbers.
///
/// A slot is a hash and a number, so growing the table moves 16-byte slots without hashing or
/// retaining a name again, where a `[StreamName: UInt32]` moves whole names. The hash is the
/// name's seeded `hashValue`, so names chosen by a caller cannot be made to collide.
struct StreamTable: Sendable {
    private struct Slot: Sendable {
        var hash = 0
        /// The number plus one; 0 marks an empty slot.
        var occupant: UInt32 = 0
    }

    /// Every name, by number.
    private(set) var names: [StreamName] = []
    private var slots = [Slot](repeating: Slot(), count: 1 << 10)

    var count: Int { names.count }

    /// The number of `name`, nil when it is not stored.
    subscript(name: StreamName) -> UInt32? {
        let hash = name.hashValue
        let mask = slots.count - 1
        var index = hash & mask
        while true {
            let slot = slots[index]
            if slot.occupant == 0 { return nil }
            if slot.hash == hash && names[Int(slot.occupant - 1)] == name { return slot.occupant - 1 }
            index = (index + 1) & mask
        }
    }

    /// The number of `name`, adding it with the next number when it is new.
    mutating func number(of name: StreamName) -> UInt32 {
        if (names.count + 1) * 4 > slots.count * 3 { grow() }
        let hash = name.hashValue
        let mask = slots.count - 1
        var index = hash & mask
        while slots[index].occupant != 0 {
            let slot = slots[index]
            if slot.hash == hash && names[Int(slot.occupant - 1)] == name { return slot.occupant - 1 }
            index = (index + 1) & mask
        }
        names.append(name)
        slots[index] = Slot(hash: hash, occupant: UInt32(names.count))
        return UInt32(names.count - 1)
    }

    /// Doubles the table; kept at most 3/4 full, so a probe for a missing name ends after a few slots.
    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        for slot in old where slot.occupant != 0 {
            var index = slot.hash & mask
            while slots[index].occupant != 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }
}
