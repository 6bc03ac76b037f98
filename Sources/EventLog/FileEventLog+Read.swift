import EventSourcing
import SystemPackage

extension FileEventLog {
    public func readAll(from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try readAllNow(from: position, limit: limit)
    }

    public func read(stream: StreamName, from version: StreamVersion, direction: ReadDirection, limit: Int) async throws
        -> [RecordedEvent]
    {
        let (positions, plan, firstVersion) = try state.withLock { state throws(LogError) in
            guard !state.closed else { throw .closed }
            let positions = state.index.streamPositions(stream, from: version, direction: direction, before: state.visible, limit: limit)
            let firstVersion = state.index.firstVersion(stream, from: version, direction: direction, before: state.visible)
            return (positions, positions.isEmpty ? [:] : try self.plan(positions, state: &state), firstVersion)
        }
        guard let first = positions.first else { return [] }
        let events = try events(at: positions, plan: plan)
        // The index came from a snapshot or a scan: a record that is not what it says is corruption.
        for (offset, event) in events.enumerated() {
            let expected = direction == .forwards ? firstVersion &+ UInt64(offset) : firstVersion &- UInt64(offset)
            guard event.stream == stream, event.version.rawValue == expected else {
                throw indexDisagrees(at: event.position.rawValue, says: "version \(expected) of \(stream)", found: event)
            }
        }
        guard events.count == positions.count else {
            throw indexDisagrees(at: first, says: "\(positions.count) events of \(stream)", found: nil)
        }
        return events
    }

    public func readCategory(_ category: String, from position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        try readCategoryNow(category, from: position, limit: limit).events
    }

    /// Reads `$all` from `position`: every block is checked and decompressed once. A read-only log
    /// asked for events past what it shows first looks for the writer's new ones (`refresh()`), so
    /// that a projection's catch-up, which reads until a read comes back empty, ends at the
    /// writer's head rather than at the one this log had when it was opened. A log opened to be
    /// verified keeps to what it judged at open.
    func readAllNow(from position: LogPosition, limit: Int) throws(LogError) -> [RecordedEvent] {
        if options.readOnly, !options.verifying, limit > 0, position.rawValue >= state.withLock({ $0.visible }) { try refresh() }
        // `end` is taken under the lock: a block sealed here may hold durable appends not yet synced.
        let (plan, end) = try state.withLock { state throws(LogError) -> ([(BlockLocation, Segment)], UInt64) in
            guard !state.closed else { throw .closed }
            let end = min(state.visible, position.rawValue &+ UInt64(max(0, limit)))
            if position.rawValue < end && state.open.holds(end - 1) { try sealOpenBlock(&state) }
            guard position.rawValue < end, var number = state.index.blockIndex(containing: position.rawValue) else { return ([], end) }
            var blocks: [(BlockLocation, Segment)] = []
            while number < state.index.blocks.count, state.index.blocks[number].firstPosition < end {
                let block = state.index.blocks[number]
                blocks.append((block, state.segments[block.segment]))
                number += 1
            }
            if let last = blocks.last { try flushPending(holding: last.0, &state) }
            return (blocks, end)
        }
        var result: [RecordedEvent] = []
        result.reserveCapacity(plan.reduce(0) { $0 + Int($1.0.count) })
        var buffers = ReadBuffers()
        for (block, segment) in plan {
            try decodeBlock(block, segment: segment, buffers: &buffers, into: &result) { $0 >= position.rawValue && $0 < end }
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
            return (positions, try self.plan(positions, state: &state), state.visible)
        }
        let events = try events(at: positions, plan: plan)
        if let stray = events.first(where: { $0.stream.category != category }) {
            throw indexDisagrees(at: stray.position.rawValue, says: "an event of category \(category)", found: stray)
        }
        // A position whose record the blocks do not hold is corruption too, never a shorter answer.
        if events.count != positions.count, let missing = positions.first(where: { wanted in !events.contains { $0.position.rawValue == wanted } }) {
            throw indexDisagrees(at: missing, says: "an event of category \(category)", found: nil)
        }
        // Never before `position`: a subscriber that starts beyond the head must not go back.
        let searched = positions.count == limit && !positions.isEmpty ? positions.last! + 1 : max(visible, position.rawValue)
        return (events, LogPosition(searched))
    }

    /// The index placed `position` where its record is not. Where the snapshot indexed it, the
    /// snapshot is named; past it, the index came from the segments themselves, so the block is
    /// named: its bytes changed after this log read or wrote them.
    private func indexDisagrees(at position: UInt64, says expected: String, found: RecordedEvent?) -> LogError {
        let record = found.map { "version \($0.version.rawValue) of \($0.stream)" } ?? "fewer records"
        let block = state.withLock { state -> (path: String, offset: Int64)? in
            guard position >= state.snapshotEnd, let number = state.index.blockIndex(containing: position) else { return nil }
            let block = state.index.blocks[number]
            return state.segments.indices.contains(block.segment) ? (state.segments[block.segment].path, block.offset) : nil
        }
        guard let block else {
            return .corrupt(
                segment: directory + "/" + IndexSnapshot.fileName, offset: 0, position: LogPosition(position),
                reason: "the index expected \(expected) here, the segments hold \(record); delete the index snapshot to rebuild it")
        }
        return .corrupt(
            segment: block.path, offset: block.offset, position: LogPosition(position),
            reason: "the index read from this segment expected \(expected) here, the block now holds \(record): the file changed after it was read")
    }

    /// The blocks holding `positions`, in the order first needed; the open block and pending
    /// bytes they lie in are written first.
    private func plan(_ positions: [UInt64], state: inout State) throws(LogError) -> [Int: (BlockLocation, Segment)] {
        var plan: [Int: (BlockLocation, Segment)] = [:]
        for position in positions {
            if state.open.holds(position) { try sealOpenBlock(&state) }
            guard let number = state.index.blockIndex(containing: position), plan[number] == nil else { continue }
            let block = state.index.blocks[number]
            try flushPending(holding: block, &state)
            plan[number] = (block, state.segments[block.segment])
        }
        return plan
    }

    private func events(at positions: [UInt64], plan: [Int: (BlockLocation, Segment)]) throws(LogError) -> [RecordedEvent] {
        let blocks = plan.sorted { $0.value.0.firstPosition < $1.value.0.firstPosition }.map(\.value)
        var decoded: [RecordedEvent] = []
        decoded.reserveCapacity(positions.count)
        let wanted = Set(positions)
        var buffers = ReadBuffers()
        for (block, segment) in blocks {
            try decodeBlock(block, segment: segment, buffers: &buffers, into: &decoded) { wanted.contains($0) }
        }
        let byPosition = Dictionary(decoded.map { ($0.position.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        return positions.compactMap { byPosition[$0] }
    }

    /// Buffers that reading reuses from one block to the next.
    struct ReadBuffers {
        var stored: [UInt8] = []
        var records: [UInt8] = []
    }

    /// Reads, checks and decodes one block, appending to `events` the records whose position
    /// `keep` accepts; damage is `LogError.corrupt` naming file, offset and position.
    func decodeBlock(
        _ block: BlockLocation, segment: Segment, buffers: inout ReadBuffers, into events: inout [RecordedEvent],
        keep: (UInt64) -> Bool
    ) throws(LogError) {
        func corrupt(_ reason: String) -> LogError {
            .corrupt(segment: segment.path, offset: block.offset, position: LogPosition(block.firstPosition), reason: reason)
        }
        if buffers.stored.count < block.length { buffers.stored = [UInt8](repeating: 0, count: block.length) }
        let read: Int
        do {
            read = try buffers.stored.withUnsafeMutableBytes { try segment.descriptor.readFully(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<block.length]), at: block.offset) }
        } catch {
            throw .io(operation: "reading byte \(block.offset) (position \(block.firstPosition)) of", path: segment.path, errno: error as? Errno ?? .ioError)
        }
        let outcome = buffers.stored.withUnsafeBytes { raw -> Result<Void, LogError> in
            let raw = UnsafeRawBufferPointer(rebasing: raw[..<read])
            do {
                let header = try BlockHeader.parse(raw)
                let malformed = try header.withVerifiedRecords(
                    header: UnsafeRawBufferPointer(rebasing: raw[..<BlockHeader.size]),
                    body: UnsafeRawBufferPointer(rebasing: raw[BlockHeader.size...]), scratch: &buffers.records
                ) { body -> String? in
                    guard header.firstPosition == block.firstPosition, header.recordCount == block.count else {
                        return "block holds positions from \(header.firstPosition), the index expected \(block.firstPosition)"
                    }
                    return Self.decodeRecords(body, block: block, into: &events, keep: keep)
                }
                return malformed.map { .failure(corrupt($0)) } ?? .success(())
            } catch {
                return .failure(corrupt("\(error)"))
            }
        }
        try outcome.get()
    }

    /// Decodes every record of a block's raw body, keeping those `keep` accepts; returns why
    /// the body is malformed, or nil.
    private static func decodeRecords(
        _ body: UnsafeRawBufferPointer, block: BlockLocation, into events: inout [RecordedEvent], keep: (UInt64) -> Bool
    ) -> String? {
        var reader = ByteReader(body)
        var names = RecordCodec.NameCache()
        var count: UInt64 = 0
        while reader.remaining > 0 {
            let position = block.firstPosition + count
            do {
                if keep(position) {
                    events.append(try RecordCodec.decode(&reader, position: LogPosition(position), names: &names))
                } else {
                    _ = try RecordCodec.peekIdentity(&reader)
                }
            } catch {
                return "record \(count) is malformed (\(error))"
            }
            count += 1
        }
        return count == UInt64(block.count) ? nil : "block declares \(block.count) records, holds \(count)"
    }
}
