import Synchronization

/// A request to stop the statements of every connection opened under it, from any thread: the
/// statement under way on each is cancelled on the server (libpq's `PQcancel`, SQLSTATE 57014),
/// and each later one is refused before it is sent, with the same SQLSTATE, so a caller's loop
/// stops at its next statement whatever it was doing. `ROLLBACK` still goes through.
///
/// Connections join the cancellation bound to `QueryCancellation.current` when they open, so code
/// that opens connections deep inside a library needs no parameter for it:
///
///     let cancellation = QueryCancellation()
///     try await QueryCancellation.$current.withValue(cancellation) { try await rebuild() }
///     // elsewhere, on Ctrl-C:
///     cancellation.cancel(reason: "stopped by SIGINT")
///
/// A statement sent at the moment of the request may still run to its end: the server cancels
/// what it is running when the request arrives, and the next statement is refused.
public final class QueryCancellation: Sendable {
    /// The cancellation connections opened in this task (and its child tasks) join.
    @TaskLocal public static var current: QueryCancellation?

    private struct State: ~Copyable {
        var reason: String?
        var members: [ObjectIdentifier: CancelHandle] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Why statements are stopped, or nil while they are not.
    public var reason: String? { state.withLock { $0.reason } }

    /// Stops the statements under way and refuses later ones; only the first reason is kept.
    public func cancel(reason: String) {
        let members = state.withLock { state in
            if state.reason == nil { state.reason = reason }
            return Array(state.members.values)
        }
        for member in members { member.send() }
    }

    func join(_ connection: Connection) {
        guard let handle = CancelHandle(connection: connection.handle) else { return }
        let cancelled = state.withLock { state in
            state.members[ObjectIdentifier(connection)] = handle
            return state.reason != nil
        }
        if cancelled { handle.send() }
    }

    func leave(_ connection: Connection) {
        _ = state.withLock { $0.members.removeValue(forKey: ObjectIdentifier(connection)) }
    }
}

/// libpq's cancel object of one connection: made while the connection is open, usable from any
/// thread (libpq reads it only), freed when the last holder lets go.
final class CancelHandle: @unchecked Sendable {
    private let pointer: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let pointer = LibPQ.cancelObject(connection) else { return nil }
        self.pointer = pointer
    }

    deinit { LibPQ.freeCancelObject(pointer) }

    /// Asks the server to cancel what the connection is running; nothing when it runs nothing.
    func send() { LibPQ.cancel(pointer) }
}
