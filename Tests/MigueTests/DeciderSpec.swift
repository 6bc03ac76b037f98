import EventSourcing
import Testing

/// Given/when/then for a decider: `given(events).when(command).then(events)` or `.thenRejects(rejection)`.
///
/// `then` also checks idempotency: deciding the same command on the state after the new events
/// produces no further events (nothing, or a rejection; `again:` names which).
struct Given<D: Decider> where D.Event: Equatable, D.Rejection: Equatable {
    let events: [D.Event]

    func when(_ command: D.Command) -> When<D> { When(given: events, command: command) }
}

func given<D: Decider>(_: D.Type, _ events: D.Event...) -> Given<D> where D.Event: Equatable, D.Rejection: Equatable {
    Given(events: events)
}

struct When<D: Decider> where D.Event: Equatable, D.Rejection: Equatable {
    let given: [D.Event]
    let command: D.Command

    private var outcome: Result<[D.Event], D.Rejection> {
        do throws(D.Rejection) {
            return .success(try D.decide(command, D.fold(given)))
        } catch {
            return .failure(error)
        }
    }

    /// Checks the events, then deciding again on the result: `again` when given (a move to the state
    /// the command just reached is refused, say), else nothing or any rejection.
    func then(_ expected: [D.Event], again: Result<[D.Event], D.Rejection>? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let outcome = outcome
        #expect(outcome == .success(expected), sourceLocation: sourceLocation)
        guard case .success(let events) = outcome else { return }
        let repeated = When(given: given + events, command: command).outcome
        if let again {
            #expect(repeated == again, "deciding again on the result", sourceLocation: sourceLocation)
        } else {
            #expect((try? repeated.get()) == nil || (try? repeated.get()) == [], "deciding again on the result produced \(repeated)",
                sourceLocation: sourceLocation)
        }
    }

    func thenRejects(_ rejection: D.Rejection, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome == .failure(rejection), sourceLocation: sourceLocation)
    }
}
