import EventSourcing
import Foundation

/// A stream's state and the version it was read at.
struct Loaded<D: Decider> {
    var state: D.State
    var version: StreamVersion?

    /// What an append decided on this state expects of the stream.
    var expected: ExpectedVersion { version.map(ExpectedVersion.exact) ?? .noStream }
}

extension Context {
    /// `stream` folded into `D`'s state: the service's cached state, plus the events appended since.
    /// A `RecordedOnce` stream is read from the log alone.
    func load<D: Decider>(_: D.Type, _ stream: StreamName) async throws -> Loaded<D> where D.Event: MigueEvent {
        var loaded = Loaded<D>(state: D.initial, version: nil)
        let usesCache = Self.usesCache(D.self)
        if usesCache, let cached = service.cache.state(of: stream, as: D.State.self) {
            loaded = Loaded(state: cached.state, version: cached.version)
        }
        let start = loaded.version
        while true {
            let from = loaded.version.map(\.next) ?? StreamVersion(0)
            let page = try await store.read(stream: stream, from: from, direction: .forwards, limit: 512)
            for record in page {
                loaded.state = D.evolve(loaded.state, try record.decoded { try D.Event($0) })
                loaded.version = record.version
            }
            if page.count < 512 { break }
        }
        if usesCache, let version = loaded.version, version != start { service.cache.store(loaded.state, version: version, for: stream) }
        return loaded
    }

    /// Whether `D`'s states go through the state cache: all but `RecordedOnce` streams.
    private static func usesCache<D: Decider>(_: D.Type) -> Bool { !(D.self is any RecordedOnce.Type) }

    /// `D.decide`, with a rejection turned into the command's rejection.
    func decide<D: Decider>(_: D.Type, _ command: D.Command, _ state: D.State) throws -> [D.Event]
    where D.Rejection: CustomStringConvertible {
        do {
            return try D.decide(command, state)
        } catch {
            throw Rejected(rejection: CommandRejection(error))
        }
    }

    /// Appends `events`, decided on `loaded`, as the batch `label` of this command; nil when the
    /// stream moved on. The state after them is cached for the next command, unless the stream is
    /// `RecordedOnce`.
    func append<D: Decider>(_ events: [D.Event], after loaded: Loaded<D>, to stream: StreamName, batch label: String)
        async throws -> WrittenBatch? where D.Event: MigueEvent
    {
        guard let written = try await append(events, to: stream, expected: loaded.expected, batch: label) else { return nil }
        if !written.isDuplicate, Self.usesCache(D.self) {
            service.cache.store(events.reduce(loaded.state, D.evolve), version: written.batch.lastVersion, for: stream)
        }
        return written
    }

    /// Appends `events` as the batch `label` of this command; nil when the stream moved on.
    private func append<Event: MigueEvent>(_ events: [Event], to stream: StreamName, expected: ExpectedVersion, batch label: String)
        async throws -> WrittenBatch?
    {
        let metadata = envelope.eventMetadata
        var first = metadata
        first.custom = CommandEnvelope.digestMetadata(digest)
        let proposed = events.enumerated().map { index, event in
            ProposedEvent(
                id: eventID(batch: label, index: index), type: event.type, schemaVersion: event.schemaVersion,
                recordedAt: at, metadata: index == 0 ? first : metadata, payload: payloads.payload(of: event) ?? event.payload)
        }
        switch try await store.append(proposed, to: stream, expected: expected, durability: service.durability) {
        case .appended(let batch):
            return WrittenBatch(stream: stream, batch: batch, eventTypes: proposed.map(\.type), isDuplicate: false)
        case .duplicate(let batch):
            return WrittenBatch(stream: stream, batch: batch, eventTypes: proposed.map(\.type), isDuplicate: true)
        case .conflict:
            return nil
        case .idsAlreadyStored:
            throw Rejected(rejection: CommandRejection(
                field: "id", "command \(envelope.id.lowercasedText) was already submitted with other data"))
        }
    }

    /// Loads `stream`, decides, appends; again on a conflict, up to the service's attempts.
    func decideAndAppend<D: Decider>(_: D.Type, _ command: D.Command, to stream: StreamName, batch label: String)
        async throws -> [WrittenBatch] where D.Event: MigueEvent, D.Rejection: CustomStringConvertible
    {
        for attempt in 0..<service.maxAttempts {
            try await backOff(before: attempt)
            let loaded = try await load(D.self, stream)
            let events = try decide(D.self, command, loaded.state)
            if events.isEmpty { return [] }
            if let batch = try await append(events, after: loaded, to: stream, batch: label) { return [batch] }
        }
        throw ContentionError(stream: stream, attempts: service.maxAttempts)
    }
}
