import EventSourcing
import Foundation

/// Where one block lives, and which positions it holds.
struct BlockLocation: Equatable, Sendable {
    var segment: Int
    var offset: Int64
    var length: Int
    var firstPosition: UInt64
    var count: UInt32

    var endPosition: UInt64 { firstPosition + UInt64(count) }
}

/// The in-memory index: blocks by position, streams, categories and event ids.
///
/// A stream's version of an event is its index in the stream's position list, which the codec
/// checks against the stored version whenever it rebuilds.
struct LogIndex: Sendable {
    private(set) var blocks: [BlockLocation] = []
    /// Every stream, numbered in order of first appearance.
    private var streamTable = HashedList<StreamName>()
    private(set) var streamPositions: [PositionList] = []
    /// The category number of every stream number.
    private var streamCategories: [UInt32] = []
    /// Keyed by bytes, as stream names are (`StreamName`).
    private var categoryNumbers: [CategoryKey: UInt32] = [:]
    private var positionsOfCategory: [[UInt64]] = []
    private(set) var ids = IdTable()
    /// The stream number of every position.
    private(set) var streamOfPosition: [UInt32] = []

    /// The next position: the number of events indexed.
    var count: UInt64 { UInt64(streamOfPosition.count) }

    /// The last version of `stream`, nil when it has no events.
    func lastVersion(of stream: StreamName) -> StreamVersion? {
        lastVersion(ofStreamNumber: streamNumber(of: stream))
    }

    /// The number of `stream`, nil when it has no events: what `addClaimedEvents` takes, so an
    /// append looks its stream up once.
    func streamNumber(of stream: StreamName) -> Int? { streamTable[stream].map { Int($0) } }

    func lastVersion(ofStreamNumber number: Int?) -> StreamVersion? {
        guard let number, let count = streamPositions[number].count.nonZero else { return nil }
        return StreamVersion(UInt64(count - 1))
    }

    /// Every stream, in order of first appearance.
    var streams: [StreamName] { streamTable.elements }

    func stream(at position: UInt64) -> StreamName { streamTable.elements[Int(streamOfPosition[Int(position)])] }

    func version(at position: UInt64) -> StreamVersion? {
        let positions = streamPositions[Int(streamOfPosition[Int(position)])]
        let index = positions.lowerBound(position)
        return index < positions.count && positions[index] == position ? StreamVersion(UInt64(index)) : nil
    }

    mutating func addEvent(id: UUID, stream: StreamName) {
        addEvents(count: 1, stream: stream) { _ in id }
    }

    /// Adds a batch of `stream`, `count` events whose ids `id(i)` gives, at the next positions.
    mutating func addEvents(count: Int, stream: StreamName, id: (Int) -> UUID) {
        ids.reserve(count)
        for offset in 0..<count { ids.append(id(offset)) }
        addClaimedEvents(count: count, stream: stream)
    }

    /// Gives a batch's ids the next positions, unless one is stored or repeated (see `IdTable.claim`);
    /// the batch is then added with `addClaimedEvents` or given up with `releaseClaimedIds`.
    mutating func claimIds(count: Int, id: (Int) -> UUID) -> IdTable.Claim {
        precondition(ids.count == streamOfPosition.count, "ids claimed twice")
        return ids.claim(count, id)
    }

    /// Gives up ids claimed for a batch that will not be added.
    mutating func releaseClaimedIds() {
        ids.removeLast(ids.count - streamOfPosition.count)
    }

    /// Adds a batch of `stream` whose `count` ids were claimed.
    mutating func addClaimedEvents(count: Int, stream: StreamName) {
        addClaimedEvents(count: count, stream: stream, number: streamNumber(of: stream))
    }

    /// Adds a batch of `stream` whose `count` ids were claimed; `known` is the stream's number from
    /// `streamNumber(of:)`, nil for a stream without events.
    mutating func addClaimedEvents(count: Int, stream: StreamName, number known: Int?) {
        precondition(ids.count == streamOfPosition.count + count, "the batch's ids were not claimed")
        let first = self.count
        let number: UInt32
        if let known {
            number = UInt32(known)
        } else {
            streamTable.append(stream)
            number = UInt32(streamTable.count - 1)
        }
        if Int(number) == streamPositions.count {
            streamPositions.append(PositionList())
            streamCategories.append(categoryNumber(stream.category))
        }
        let positions = first..<first + UInt64(count)
        streamPositions[Int(number)].append(contentsOf: positions)
        positionsOfCategory[Int(streamCategories[Int(number)])].append(contentsOf: positions)
        streamOfPosition.append(contentsOf: repeatElement(number, count: count))
    }

    private mutating func categoryNumber(_ category: String) -> UInt32 {
        if let number = categoryNumbers[CategoryKey(category)] { return number }
        let number = UInt32(positionsOfCategory.count)
        categoryNumbers[CategoryKey(category)] = number
        positionsOfCategory.append([])
        return number
    }

    mutating func addBlock(_ block: BlockLocation) { blocks.append(block) }

    /// Whether `prefix`, an index of this log's first positions (a snapshot's), says what this
    /// one says about them: the same blocks, ids, streams and stream of every position.
    func begins(with prefix: LogIndex) -> Bool {
        prefix.count <= count && blocks.starts(with: prefix.blocks) && ids.elements.starts(with: prefix.ids.elements)
            && streams.starts(with: prefix.streams) && streamOfPosition.starts(with: prefix.streamOfPosition)
    }

    /// Every category and the first position it holds.
    var categoryStarts: [(category: String, first: UInt64)] {
        categoryNumbers.compactMap { key, number in positionsOfCategory[Int(number)].first.map { (key.text, $0) } }
    }

    /// The index of the block holding `position`.
    func blockIndex(containing position: UInt64) -> Int? {
        var low = 0, high = blocks.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let block = blocks[middle]
            if position < block.firstPosition { high = middle - 1 } else if position >= block.endPosition { low = middle + 1 } else { return middle }
        }
        return nil
    }

    /// The positions of `category` at or after `from` and before `end`, at most `limit`.
    func categoryPositions(_ category: String, from: UInt64, before end: UInt64, limit: Int) -> ArraySlice<UInt64> {
        guard let number = categoryNumbers[CategoryKey(category)] else { return [] }
        let positions = positionsOfCategory[Int(number)]
        let start = lowerBound(positions, from)
        let stop = lowerBound(positions, end)
        let upper = limit >= stop - start ? stop : start + max(0, limit)
        return positions[start..<max(start, upper)]
    }

    /// The positions of `stream` from `version` in `direction`, before `end`, at most `limit`.
    /// The first version `streamPositions` gives from `version`: the last one before `end` going backwards.
    func firstVersion(_ stream: StreamName, from version: StreamVersion, direction: ReadDirection, before end: UInt64) -> UInt64 {
        guard direction == .backwards, let number = streamTable[stream].map(UInt32.init) else { return version.rawValue }
        return min(version.rawValue, UInt64(streamPositions[Int(number)].lowerBound(end)) &- 1)
    }

    func streamPositions(_ stream: StreamName, from version: StreamVersion, direction: ReadDirection, before end: UInt64, limit: Int)
        -> [UInt64]
    {
        guard let number = streamTable[stream].map(UInt32.init), limit > 0 else { return [] }
        let positions = streamPositions[Int(number)]
        let visible = positions.lowerBound(end)
        guard visible > 0 else { return [] }
        switch direction {
        case .forwards:
            guard version.rawValue < UInt64(visible) else { return [] }
            let start = Int(version.rawValue)
            return Array(positions[start..<(limit >= visible - start ? visible : start + limit)])
        case .backwards:
            let start = Int(min(version.rawValue, UInt64(visible - 1)))
            return Array(positions[max(0, start - limit + 1)...start].reversed())
        }
    }
}

private func lowerBound(_ values: [UInt64], _ target: UInt64) -> Int {
    var low = 0, high = values.count
    while low < high {
        let middle = (low + high) / 2
        if values[middle] < target { low = middle + 1 } else { high = middle }
    }
    return low
}


extension Int {
    fileprivate var nonZero: Int? { self == 0 ? nil : self }
}

/// A category compared and hashed by its UTF-8 bytes, not by Unicode canonical equivalence.
struct CategoryKey: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: CategoryKey, rhs: CategoryKey) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
