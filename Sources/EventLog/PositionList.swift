/// The ascending positions of one stream, kept without an allocation while the stream holds one
/// event: many streams (a message, a location) never hold more, and the index keeps one list per
/// stream.
struct PositionList: RandomAccessCollection, Sendable {
    /// The first position, valid when `count > 0`.
    private var first0: UInt64 = 0
    /// The positions after the first.
    private var rest: [UInt64] = []
    private(set) var count = 0

    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(index: Int) -> UInt64 {
        precondition(index >= 0 && index < count, "position index out of range")
        return index == 0 ? first0 : rest[index - 1]
    }

    mutating func append(contentsOf positions: Range<UInt64>) {
        guard !positions.isEmpty else { return }
        var remaining = positions[...]
        if count == 0 {
            first0 = positions.lowerBound
            remaining = remaining.dropFirst()
        }
        rest.append(contentsOf: remaining)
        count += positions.count
    }

    /// The index of the first position at or after `target`.
    func lowerBound(_ target: UInt64) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
