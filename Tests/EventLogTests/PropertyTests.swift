import EventSourcing
import Foundation
import Testing

@testable import EventLog

/// A small deterministic generator, so a failing seed can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PropertyTests {
    /// Random events: any field empty or long, unicode, binary payloads, optional ids.
    static func randomEvent(_ random: inout SplitMix64) -> ProposedEvent {
        func text(_ maximum: Int) -> String {
            let alphabet = Array("abcXYZ019 -_.:/ñé漢字🙂\"\\\n")
            return String((0..<Int.random(in: 0...maximum, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        }
        let payloadSize = [0, 10, 300, 2000, 70_000].randomElement(using: &random)!
        return ProposedEvent(
            id: UUID(), type: "t." + text(20), schemaVersion: UInt16.random(in: 1...3, using: &random),
            recordedAt: Timestamp(microsecondsSinceEpoch: Int64.random(in: -1_000_000_000...4_000_000_000_000_000, using: &random)),
            metadata: EventMetadata(
                correlationID: Bool.random(using: &random) ? UUID() : nil, causationID: Bool.random(using: &random) ? UUID() : nil,
                actor: text(30), custom: Bool.random(using: &random) ? Array(text(50).utf8) : []),
            payload: (0..<payloadSize).map { _ in Bool.random(using: &random) ? UInt8.random(in: 0...255, using: &random) : 65 })
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomBatchesSurviveReopen(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(segmentSize: Int64.random(in: 2_000...200_000, using: &random), blockSize: Int.random(in: 500...70_000, using: &random))
        var expected: [(StreamName, ProposedEvent)] = []
        do {
            let log = try temp.open(options)
            for _ in 0..<Int.random(in: 5...40, using: &random) {
                let stream = StreamName.test(["user", "reminder", "conversation"].randomElement(using: &random)!, "\(Int.random(in: 0..<5, using: &random))")
                let batch = (0..<Int.random(in: 1...30, using: &random)).map { _ in Self.randomEvent(&random) }
                let durability = [Durability.durable, .buffered, .deferred].randomElement(using: &random)!
                let result = try await log.append(batch, to: stream, expected: .any, durability: durability)
                guard case .appended = result else { Issue.record("not appended: \(result)"); return }
                expected += batch.map { (stream, $0) }
            }
            // Half the time close cleanly (snapshot), half the time just sync and drop (rebuild).
            if Bool.random(using: &random) { try log.close() } else { try log.sync() }
        }
        let log = try temp.open(options)
        let all = try await log.readAll(from: .start, limit: Int.max)
        #expect(all.count == expected.count)
        #expect(all.map(\.event) == expected.map(\.1))
        #expect(all.map(\.stream) == expected.map(\.0))
        #expect(all.map(\.position.rawValue) == Array(0..<UInt64(expected.count)))
        var versions: [StreamName: UInt64] = [:]
        for event in all {
            #expect(event.version.rawValue == versions[event.stream, default: 0])
            versions[event.stream, default: 0] += 1
        }
    }

    /// Appenders racing: each batch is found after reopening at the positions its append
    /// returned, whole, in its stream's order.
    @Test(arguments: [6, 7] as [UInt64])
    func concurrentRandomBatchesSurviveReopen(seed: UInt64) async throws {
        var random = SplitMix64(state: seed)
        let temp = TemporaryLog()
        defer { temp.remove() }
        let options = FileEventLog.Options(segmentSize: Int64.random(in: 20_000...200_000, using: &random), blockSize: Int.random(in: 2_000...70_000, using: &random))
        // Made before the race, each appender's batches from its own seed.
        let plans = (0..<4).map { appender in
            var random = SplitMix64(state: seed &* 31 &+ UInt64(appender))
            return (0..<15).map { _ in
                ((0..<Int.random(in: 1...20, using: &random)).map { _ in Self.randomEvent(&random) },
                 [Durability.durable, .buffered, .deferred].randomElement(using: &random)!)
            }
        }
        let log = try temp.open(options)
        let placed = try await withThrowingTaskGroup(of: [(AppendedBatch, [ProposedEvent], StreamName)].self) { group in
            for (appender, plan) in plans.enumerated() {
                group.addTask {
                    var placed: [(AppendedBatch, [ProposedEvent], StreamName)] = []
                    let stream = StreamName.test("conversation", "\(appender)")
                    for (batch, durability) in plan {
                        guard case .appended(let places) = try await log.append(batch, to: stream, expected: .any, durability: durability) else {
                            throw LogError.invalidBatch(reason: "not appended")
                        }
                        placed.append((places, batch, stream))
                    }
                    return placed
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try log.close()
        let reopened = try temp.open(options)
        let all = try await reopened.readAll(from: .start, limit: Int.max)
        #expect(all.count == placed.reduce(0) { $0 + $1.1.count })
        #expect(all.map(\.position.rawValue) == Array(0..<UInt64(all.count)))
        for (places, batch, stream) in placed {
            let found = all[Int(places.first.rawValue)...Int(places.last.rawValue)]
            #expect(found.map(\.event) == batch)
            #expect(found.allSatisfy { $0.stream == stream })
            #expect(found.map(\.version.rawValue) == Array(places.firstVersion.rawValue...places.lastVersion.rawValue))
        }
    }

    /// Random bytes, some behind a well-formed start (a block header with a right checksum, a
    /// record header whose lengths add up, a segment header with its magic), so the checks past
    /// the first one meet garbage too.
    @Test func decodingArbitraryBytesNeverCrashes() {
        var random = SplitMix64(state: 42)
        var reached = (blocks: 0, records: 0, segments: 0)
        for round in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            switch round % 4 {
            case 1: bytes = Self.blockStart(body: bytes, &random)
            case 2: bytes = Self.recordStart(tail: bytes, &random)
            case 3: bytes = Self.segmentStart(tail: bytes, &random)
            default: break
            }
            bytes.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                var names = RecordCodec.NameCache()
                do throws(RecordCodec.Problem) {
                    _ = try RecordCodec.decode(&reader, position: 0, names: &names)
                    reached.records += 1
                } catch {
                    // Past the framing checks, at the names'.
                    switch error {
                    case .invalidUTF8, .invalidStreamName: reached.records += 1
                    case .truncated, .lengthMismatch: break
                    }
                }
                var peek = ByteReader(raw)
                _ = try? RecordCodec.peekIdentity(&peek)
                if let header = try? BlockHeader.parse(raw) {
                    let records = try? header.verifiedRecords(
                        header: UnsafeRawBufferPointer(rebasing: raw.prefix(32)), body: UnsafeRawBufferPointer(rebasing: raw.dropFirst(min(32, raw.count))))
                    if let records {
                        reached.blocks += 1
                        _ = try? SegmentScanner.identities(of: records, count: header.recordCount)
                    }
                }
                if (try? SegmentHeader.parse(raw)) != nil { reached.segments += 1 }
            }
        }
        // The well-formed starts do get past the first checks.
        #expect(reached.blocks > 1000 && reached.records > 100 && reached.segments > 1000, "\(reached)")
    }

    /// A block header with plausible lengths and the right checksum over `body`, flagged raw or
    /// compressed at random.
    static func blockStart(body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        let body = body + [UInt8](repeating: 0, count: max(0, RecordCodec.fixedHeaderSize - body.count))
        let flags = UInt16.random(in: 0...3, using: &random)
        let raw = flags & 1 == 0 ? body.count : Int.random(in: RecordCodec.fixedHeaderSize...4096, using: &random)
        var header = ByteWriter()
        header.write(BlockHeader.magic)
        header.write(UInt32(0))
        header.write(flags)
        header.write(UInt16(0))
        header.write(UInt32(body.count))
        header.write(UInt32(raw))
        header.write(UInt32.random(in: 1...4, using: &random))
        header.write(UInt64.random(in: 0...1000, using: &random))
        var bytes = header.bytes + body
        let checksum = bytes.withUnsafeBytes { raw in
            BlockHeader.checksum(header: UnsafeRawBufferPointer(rebasing: raw[0..<32]), body: UnsafeRawBufferPointer(rebasing: raw[32...]))
        }
        withUnsafeBytes(of: checksum.littleEndian) { bytes[4..<8] = ArraySlice($0) }
        return bytes
    }

    /// A record header whose name, custom and payload lengths share `tail` and whose length adds up.
    static func recordStart(tail: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var lengths = (0..<5).map { _ in Int.random(in: 0...(tail.count / 5), using: &random) }
        lengths[4] = tail.count - lengths[0..<4].reduce(0, +)
        var header = ByteWriter()
        header.write(UInt32(RecordCodec.fixedHeaderSize + tail.count))
        header.write(UInt16(0))
        header.write(UInt16.random(in: 0...2, using: &random))
        header.write(UInt64.random(in: 0...10, using: &random))
        header.write(Int64.random(in: -1_000_000...1_000_000, using: &random))
        header.write((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
        for length in lengths[0..<3] { header.write(UInt16(length)) }
        header.write(UInt16(0))
        header.write(UInt32(lengths[3]))
        header.write(UInt32(lengths[4]))
        return header.bytes + tail
    }

    /// A segment header's magic and version, then `tail`; its checksum right half the time.
    static func segmentStart(tail: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = SegmentHeader(basePosition: UInt64.random(in: 0...UInt64.max, using: &random)).bytes
        if Bool.random(using: &random) { bytes[Int.random(in: 8..<32, using: &random)] ^= 0x40 }
        return bytes + tail
    }

    @Test func mutatedRecordsAndBlocksFailCleanly() throws {
        var random = SplitMix64(state: 7)
        let stream = StreamName.test("user", "1")
        var writer = ByteWriter()
        let events = (0..<5).map { _ in Self.randomEvent(&random) }
        for (index, event) in events.enumerated() { RecordCodec.encode(event, stream: stream, version: StreamVersion(UInt64(index)), into: &writer) }
        var block: [UInt8] = []
        writer.bytes.withUnsafeBytes { BlockEncoder.append(records: $0, count: 5, firstPosition: 0, horizon: 0, continued: false, to: &block) }
        for _ in 0..<3000 {
            var records = writer.bytes
            var framed = block
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                records[Int.random(in: 0..<records.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                framed[Int.random(in: 0..<framed.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if Bool.random(using: &random) { records.removeLast(Int.random(in: 0..<records.count, using: &random)) }
            _ = try? SegmentScanner.identities(of: records, count: 5)
            records.withUnsafeBytes { raw in
                var reader = ByteReader(raw)
                var names = RecordCodec.NameCache()
                while reader.remaining > 0, (try? RecordCodec.decode(&reader, position: 0, names: &names)) != nil {}
            }
            framed.withUnsafeBytes { raw in
                guard let header = try? BlockHeader.parse(raw) else { return }
                // A mutated block never passes its checksum with different content.
                if let decoded = try? header.verifiedRecords(header: UnsafeRawBufferPointer(rebasing: raw.prefix(32)), body: UnsafeRawBufferPointer(rebasing: raw.dropFirst(32))) {
                    #expect(decoded == writer.bytes || framed == block)
                }
            }
        }
    }

    /// Mutations that keep the block checksum right (it is computed again after them), so that
    /// decompression, the record checks and the record decoder meet bad bytes inside blocks a
    /// reader trusts: opening and reading either work or throw `LogError`, never crash.
    @Test(arguments: [false, true])
    func mutatedBlocksWithResealedChecksumsFailCleanly(compressible: Bool) async throws {
        var random = SplitMix64(state: compressible ? 11 : 12)
        let source = TemporaryLog()
        defer { source.remove() }
        do {
            let log = try source.open()
            for batch in 0..<3 {
                let events = (0..<4).map { index in
                    var event = Self.randomEvent(&random)
                    if compressible { event.payload = Array(String(repeating: "chat text \(index) ", count: 20).utf8) }
                    return event
                }
                _ = try await log.append(events, to: .test("user", "\(batch)"), expected: .any)
            }
            try log.close()
        }
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try #require(source.segments.first))))
        let bodyLength = Int(original[44..<48].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
        #expect(original[40] & 1 == (compressible ? 1 : 0), "the first block is \(compressible ? "" : "not ")compressed")
        var read = 0, refused = 0
        for _ in 0..<150 {
            var bytes = original
            // Mutate the first block's header (after its checksum) or body, then seal it again.
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes[Int.random(in: 40..<(64 + bodyLength), using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let declared = Int(bytes[44..<48].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
            if 64 + declared <= bytes.count {
                let checksum = bytes.withUnsafeBytes { raw in
                    BlockHeader.checksum(
                        header: UnsafeRawBufferPointer(rebasing: raw[32..<64]), body: UnsafeRawBufferPointer(rebasing: raw[64..<(64 + declared)]))
                }
                withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(36..<40, with: $0) }
            }
            let temp = TemporaryLog()
            defer { temp.remove() }
            try FileManager.default.createDirectory(atPath: temp.directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: temp.directory + "/" + SegmentHeader.fileName(basePosition: 0)))
            do {
                let log = try temp.open(.init(readOnly: true))
                _ = try await log.readAll(from: .start, limit: 100)
                read += 1
            } catch is LogError {
                refused += 1
            }
        }
        // Both ways were taken: the checks inside trusted blocks were reached.
        #expect(read > 0 && refused > 0, "read \(read), refused \(refused)")
    }

    @Test func randomSegmentFilesAreRefusedNotCrashedOn() throws {
        var random = SplitMix64(state: 99)
        for round in 0..<30 {
            let temp = TemporaryLog()
            defer { temp.remove() }
            try FileManager.default.createDirectory(atPath: temp.directory, withIntermediateDirectories: true)
            var bytes = SegmentHeader(basePosition: 0).bytes
            bytes += (0..<Int.random(in: 0...3000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 3 == 0 { bytes[Int.random(in: 0..<32, using: &random)] ^= 0xFF }
            try Data(bytes).write(to: URL(fileURLWithPath: temp.directory + "/" + SegmentHeader.fileName(basePosition: 0)))
            try Data(SegmentHeader(basePosition: 7).bytes).write(to: URL(fileURLWithPath: temp.directory + "/" + SegmentHeader.fileName(basePosition: 7)))
            // Random bytes after the header of a segment that is not the last: corruption, or an
            // empty first segment followed by one starting at the wrong position.
            #expect(throws: LogError.self) { try temp.open() }
        }
    }
}
