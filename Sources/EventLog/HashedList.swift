import Foundation

/// Elements in the order they were added, and an open-addressing hash table (linear probing) of
/// their places: the log index's event ids (place = position) and stream names (place = number).
///
/// Each slot keeps its element's hash, so growing the table moves 16-byte slots without hashing or
/// copying an element again, and a probe compares an element only when the hashes agree. The hash
/// is the standard library's seeded `Hasher`, so elements chosen by a caller cannot be made to
/// collide.
struct HashedList<Element: Hashable & Sendable>: Sendable, Equatable {
    private struct Slot: Sendable {
        var hash = 0
        /// The place plus one; 0 marks an empty slot.
        var occupant: UInt64 = 0
    }

    /// Every element, by place.
    private(set) var elements: [Element] = []
    private var slots = [Slot](repeating: Slot(), count: 1 << 10)

    var count: Int { elements.count }

    /// The place of `element`, nil when it is not stored.
    subscript(element: Element) -> UInt64? {
        let hash = element.hashValue
        let mask = slots.count - 1
        var index = hash & mask
        while true {
            let slot = slots[index]
            if slot.occupant == 0 { return nil }
            if slot.hash == hash && elements[Int(slot.occupant - 1)] == element { return slot.occupant - 1 }
            index = (index + 1) & mask
        }
    }

    /// Gives `element`, which is not stored, the next place, `count`.
    mutating func append(_ element: Element) {
        if !fits(elements.count + 1) { grow(toHold: elements.count + 1) }
        elements.append(element)
        place(Slot(hash: element.hashValue, occupant: UInt64(elements.count)))
    }

    /// The place of `element`, which it is given (the next one) when it is not stored yet.
    mutating func findOrAppend(_ element: Element) -> UInt64 {
        if !fits(elements.count + 1) { grow(toHold: elements.count + 1) }
        let hash = element.hashValue
        let mask = slots.count - 1
        var index = hash & mask
        while slots[index].occupant != 0 {
            let slot = slots[index]
            if slot.hash == hash && elements[Int(slot.occupant - 1)] == element { return slot.occupant - 1 }
            index = (index + 1) & mask
        }
        elements.append(element)
        slots[index] = Slot(hash: hash, occupant: UInt64(elements.count))
        return UInt64(elements.count - 1)
    }

    /// What `claim` found.
    enum Claim: Equatable {
        /// Every element is new and now holds the next places.
        case claimed
        /// An element is already stored; nothing was added.
        case stored
        /// An element appears twice among those claimed; nothing was added.
        case repeated
    }

    /// Gives `count` elements, `element(0)` first, the next places with one probe each, unless one
    /// of them is already stored or repeated: then it adds none of them.
    mutating func claim(_ count: Int, _ element: (Int) -> Element) -> Claim {
        reserve(count)
        let start = elements.count
        let mask = slots.count - 1
        for offset in 0..<count {
            let element = element(offset)
            let hash = element.hashValue
            var index = hash & mask
            while slots[index].occupant != 0 {
                let slot = slots[index]
                if slot.hash == hash && elements[Int(slot.occupant - 1)] == element {
                    removeLast(elements.count - start)
                    return slot.occupant > UInt64(start) ? .repeated : .stored
                }
                index = (index + 1) & mask
            }
            elements.append(element)
            slots[index] = Slot(hash: hash, occupant: UInt64(elements.count))
        }
        return .claimed
    }

    /// Removes the `count` newest elements, newest first.
    ///
    /// Only elements added since the table last grew can be removed: no probe of an older element
    /// passes a newer one's slot, so emptying it breaks no chain.
    mutating func removeLast(_ count: Int) {
        let mask = slots.count - 1
        for _ in 0..<count {
            let occupant = UInt64(elements.count)
            var index = elements.removeLast().hashValue & mask
            while slots[index].occupant != occupant { index = (index + 1) & mask }
            slots[index] = Slot()
        }
    }

    /// Makes room in the table for `extra` more elements at once.
    mutating func reserve(_ extra: Int) {
        if !fits(elements.count + extra) { grow(toHold: elements.count + extra) }
    }

    /// At most 3/4 full, so a probe for a missing element ends after a few slots.
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

    static func == (lhs: HashedList, rhs: HashedList) -> Bool { lhs.elements == rhs.elements }
}

/// Every event id and its position.
typealias IdTable = HashedList<UUID>

extension HashedList where Element == UUID {
    /// The id of every position.
    var ids: [UUID] { elements }
}
