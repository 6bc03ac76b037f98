import EventSourcing
import SystemPackage

extension FileEventLog {
    public func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try readAllNow(from: position, limit: limit)
    }

    public func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws
        -> [RecordedEvent]
    {
        let (positions, plan) = try state.withLock { state throws(LogError) in
            guard !state.closed else { throw .closed }
            let positions = state.index.streamPositions(stream, from: version, direction: direction, before: state.visible, limit: limit)
            return (positions, Self.plan(positions, state: state))
        }
        return try events(at: positions, plan: plan)
    }

    public func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try readCategoryNow(category, from: position, limit: limit).events
    }

    /// Reads `$all` from `position`: every block is checked and decompressed once.
    func readAllNow(from position: LogPosition, limit: Int) throws(LogError) -> [RecordedEvent] {
        let plan = try state.withLock { state throws(LogError) -> [(BlockLocation, Segment)] in
            guard !state.closed else { throw .closed }
            let end = min(state.visible, position.rawValue &+ UInt64(max(0, limit)))
            guard position.rawValue < end, var number = state.index.blockIndex(containing: position.rawValue) else { return [] }
            var blocks: [(BlockLocation, Segment)] = []
            while number < state.index.blocks.count, state.index.blocks[number].firstPosition < end {
                let block = state.index.blocks[number]
                blocks.append((block, state.segments[block.segment]))
                number += 1
            }
            return blocks
        }
        let end = position.rawValue &+ UInt64(max(0, limit))
        var result: [RecordedEvent] = []
        result.reserveCapacity(min(limit, 4096))
        for (block, segment) in plan {
            for event in try decodeBlock(block, segment: segment) where event.position.rawValue >= position.rawValue && event.position.rawValue < end {
                result.append(event)
            }
        }
        return result
    }

    /// Reads a category from `position`; also returns the position up to which the category was
    /// searched, so a subscriber that found nothing can skip what it has seen.
    func readCategoryNow(_ category: String, from position: LogPosition, limit: Int) throws(LogError)
        -> (events: [RecordedEvent], searchedUpTo: LogPosition)
    {
        let (positions, plan, visible) = try state.withLock { state throws(LogError) in
            guard !state.closed else { throw .closed }
            let positions = Array(state.index.categoryPositions(category, from: position.rawValue, before: state.visible, limit: limit))
            return (positions, Self.plan(positions, state: state), state.visible)
        }
        let events = try events(at: positions, plan: plan)
        let searched = positions.count == limit && !positions.isEmpty ? positions.last! + 1 : visible
        return (events, LogPosition(searched))
    }

    /// The blocks holding `positions`, in the order first needed.
    private static func plan(_ positions: [UInt64], state: State) -> [Int: (BlockLocation, Segment)] {
        var plan: [Int: (BlockLocation, Segment)] = [:]
        for position in positions {
            guard let number = state.index.blockIndex(containing: position), plan[number] == nil else { continue }
            let block = state.index.blocks[number]
            plan[number] = (block, state.segments[block.segment])
        }
        return plan
    }

    private func events(at positions: [UInt64], plan: [Int: (BlockLocation, Segment)]) throws(LogError) -> [RecordedEvent] {
        let blocks = plan.sorted { $0.value.0.firstPosition < $1.value.0.firstPosition }.map(\.value)
        var decoded: [UInt64: RecordedEvent] = [:]
        let wanted = Set(positions)
        for (block, segment) in blocks {
            for event in try decodeBlock(block, segment: segment) where wanted.contains(event.position.rawValue) {
                decoded[event.position.rawValue] = event
            }
        }
        return positions.compactMap { decoded[$0] }
    }

    /// Reads, checks and decodes one block; damage is `LogError.corrupt` naming file, offset and position.
    func decodeBlock(_ block: BlockLocation, segment: Segment) throws(LogError) -> [RecordedEvent] {
        func corrupt(_ reason: String) -> LogError {
            .corrupt(segment: segment.path, offset: block.offset, position: LogPosition(block.firstPosition), reason: reason)
        }
        var bytes = [UInt8](repeating: 0, count: block.length)
        let read: Int
        do {
            read = try bytes.withUnsafeMutableBytes { try segment.descriptor.readFully(into: $0, at: block.offset) }
        } catch {
            throw .io(operation: "reading", path: segment.path, errno: error as? Errno ?? .ioError)
        }
        let outcome = bytes.withUnsafeBytes { raw -> Result<[RecordedEvent], LogError> in
            let raw = UnsafeRawBufferPointer(rebasing: raw[..<read])
            let header: BlockHeader
            let records: [UInt8]
            do {
                header = try BlockHeader.parse(raw)
                records = try header.verifiedRecords(
                    header: UnsafeRawBufferPointer(rebasing: raw[..<BlockHeader.size]),
                    body: UnsafeRawBufferPointer(rebasing: raw[BlockHeader.size...]))
            } catch {
                return .failure(corrupt("\(error)"))
            }
            guard header.firstPosition == block.firstPosition, header.recordCount == block.count else {
                return .failure(corrupt("block holds positions from \(header.firstPosition), the index expected \(block.firstPosition)"))
            }
            return records.withUnsafeBytes { body in
                var events: [RecordedEvent] = []
                events.reserveCapacity(Int(header.recordCount))
                var reader = ByteReader(body)
                var names = RecordCodec.NameCache()
                while reader.remaining > 0 {
                    do {
                        events.append(try RecordCodec.decode(&reader, position: LogPosition(block.firstPosition + UInt64(events.count)), names: &names))
                    } catch {
                        return .failure(corrupt("record \(events.count) is malformed (\(error))"))
                    }
                }
                guard events.count == Int(header.recordCount) else {
                    return .failure(corrupt("block declares \(header.recordCount) records, holds \(events.count)"))
                }
                return .success(events)
            }
        }
        return try outcome.get()
    }
}
