import Synchronization

/// Aggregate states recently loaded or written, each with the stream version it was folded to,
/// so handling a command folds only the events its streams gained since.
///
/// A cached state is never trusted beyond its version: a loader reads the stream from the next
/// version on and folds what it finds, so appends by other tasks, or a store written by another
/// service, are never missed. Stream versions are immutable once written, so a state folded up to
/// version v stays the state at v forever.
///
/// Bounded: two generations of at most `capacity` entries each. A hit in the old generation moves
/// to the young one; when the young one is full, the old one is dropped and the young one ages.
/// A least-recently-used approximation without a linked list.
///
/// Its lookups are inlinable, so they are specialized for each state type at the call site instead
/// of building generic metadata on every call.
public final class StateCache: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var state: any Sendable
        @usableFromInline var version: StreamVersion

        @usableFromInline
        init(state: any Sendable, version: StreamVersion) {
            self.state = state
            self.version = version
        }
    }

    @usableFromInline
    struct Generations: Sendable {
        @usableFromInline var young: [StreamName: Entry] = [:]
        @usableFromInline var old: [StreamName: Entry] = [:]

        init() {}
    }

    public let capacity: Int
    @usableFromInline
    let generations = Mutex(Generations())

    /// A cache holding at most about `2 * capacity` states.
    public init(capacity: Int = 262_144) {
        precondition(capacity > 0, "a state cache needs room for at least one state")
        self.capacity = capacity
    }

    /// The state of `stream` as last cached, and the version it was folded to; nil when not cached
    /// or cached as another type.
    @inlinable
    public func state<State: Sendable>(of stream: StreamName, as _: State.Type) -> (state: State, version: StreamVersion)? {
        generations.withLock { generations in
            if let entry = generations.young[stream] {
                return (entry.state as? State).map { ($0, entry.version) }
            }
            guard let entry = generations.old.removeValue(forKey: stream) else { return nil }
            Self.insert(entry, for: stream, into: &generations, capacity: capacity)
            return (entry.state as? State).map { ($0, entry.version) }
        }
    }

    /// Keeps `state` as the state of `stream` at `version`, unless a later version is cached.
    @inlinable
    public func store<State: Sendable>(_ state: State, version: StreamVersion, for stream: StreamName) {
        let entry = Entry(state: state, version: version)
        generations.withLock { generations in
            if let index = generations.young.index(forKey: stream) {
                if generations.young.values[index].version <= version { generations.young.values[index] = entry }
                return
            }
            if let old = generations.old.removeValue(forKey: stream), old.version > version {
                Self.insert(old, for: stream, into: &generations, capacity: capacity)
                return
            }
            Self.insert(entry, for: stream, into: &generations, capacity: capacity)
        }
    }

    /// The number of states held.
    public var count: Int {
        generations.withLock { $0.young.count + $0.old.count }
    }

    @usableFromInline
    static func insert(_ entry: Entry, for stream: StreamName, into generations: inout Generations, capacity: Int) {
        if generations.young.count >= capacity {
            generations.old = generations.young
            generations.young = [:]
            generations.young.reserveCapacity(capacity)
        }
        generations.young[stream] = entry
    }
}
