import EventSourcing

extension FileEventLog {
    /// Picks up batches another process appended since this read-only log was opened or refreshed,
    /// up to the position the writer's synced marker names (`SyncedMarker`), and indexes nothing
    /// past it (`indexLimit`).
    ///
    /// Returns whether anything new became readable. A log that ends (damaged or cut) before the
    /// position the marker read at the start vouches for is corruption: the writer moves the marker
    /// only past bytes its files already hold. In a log without a marker, a batch still being
    /// written is left for the next call, and damage followed by valid data is corruption, as on open.
    @discardableResult
    public func refresh() throws(LogError) -> Bool {
        guard options.readOnly else { return false }
        let (woken, grew) = try state.withLock { state throws(LogError) -> ([Watcher], Bool) in
            guard !state.closed else { return ([], false) }
            let before = state.visible
            // Read before the segments are listed, as on open.
            let marker = try SyncedMarker.read(directory: directory)
            let acknowledged = marker.position
            let limit = Self.indexLimit(marker, known: before)
            try Self.openNewSegments(directory: directory, state: &state)
            var lastDamage: (offset: Int64, position: UInt64, reason: String)?
            var number = max(0, state.index.blocks.last?.segment ?? 0)
            while number < state.segments.count {
                let segment = state.segments[number]
                let start = max(segment.size, Int64(SegmentHeader.size))
                let isLast = number == state.segments.count - 1
                if start == Int64(SegmentHeader.size) {
                    try Self.checkHeader(segment, expectedBase: state.index.count, isLast: isLast, readOnly: true, logger: logger)
                }
                let scanner = SegmentScanner(segment: segment, segmentNumber: number)
                let outcome = try scanner.scanSettled(from: start, into: &state.index, limit: limit)
                state.segments[number].size = outcome.committedEnd
                if outcome.reachedLimit {
                    break
                } else if !isLast {
                    // The writer finished it before starting the next: it must end with a whole batch.
                    _ = try scanner.ending(of: outcome, isLast: false, indexed: state.index.count, acknowledged: nil)
                } else if let damage = outcome.damage, outcome.damageConfirmed == true {
                    // Damage read twice with a valid block at or after it is not a write in progress.
                    throw .corrupt(segment: segment.path, offset: damage.offset, position: LogPosition(damage.position), reason: damage.reason)
                } else {
                    lastDamage = outcome.damage
                }
                number += 1
            }
            // The segment the scan ended in: the last, or the one it stopped in at the limit.
            if let acknowledged, state.index.count < acknowledged, !state.segments.isEmpty {
                let last = state.segments[min(number, state.segments.count - 1)]
                if let damage = lastDamage {
                    throw .corrupt(
                        segment: last.path, offset: damage.offset, position: LogPosition(damage.position),
                        reason: "\(damage.reason), below the synced marker's position \(acknowledged): not a write in progress")
                }
                try Self.checkReachesMarker(state.index.count, acknowledged: acknowledged, directory: directory, last: last, blocksEnd: last.size)
            }
            state.synced = state.index.count
            state.visible = try Self.readableEnd(of: state.index.count, directory: directory, known: state.visible)
            let visible = state.visible
            let woken = state.watchers.filter { $0.beyond < visible }
            state.watchers.removeAll { $0.beyond < visible }
            return (woken, visible > before)
        }
        woken.forEach { $0.continuation.resume() }
        return grew
    }

    private static func openNewSegments(directory: String, state: inout State) throws(LogError) {
        let known = state.segments.last?.base
        let names = try segmentNames(directory).filter { known == nil || $0.base > known! }
        for (base, name) in names {
            var segment = try openSegment(directory + "/" + name, base: base, readOnly: true)
            segment.size = Int64(SegmentHeader.size)
            state.segments.append(segment)
        }
    }
}
