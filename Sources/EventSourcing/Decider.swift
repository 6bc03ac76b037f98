/// The shape of every aggregate's rules: a pure function from a command and the current state to
/// the events that record what happened, and a pure fold of events into state.
///
/// No clock, no randomness, no I/O: times and ids come in with the command, so deciding the same
/// commands again produces the same events, byte for byte.
public protocol Decider {
    associatedtype State: Sendable
    associatedtype Command: Sendable
    associatedtype Event: Sendable
    associatedtype Rejection: Error

    /// The state before any event.
    static var initial: State { get }

    /// The state after `event`.
    static func evolve(_ state: State, _ event: Event) -> State

    /// The events `command` produces in `state`, or why it is refused.
    static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event]
}

extension Decider {
    /// The state after `events`, from `initial`.
    public static func fold(_ events: some Sequence<Event>) -> State {
        events.reduce(initial, evolve)
    }
}
