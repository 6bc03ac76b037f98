import EventSourcing
import Testing

/// Given/when/then for a decider: `given(events).when(command).then(events)` or `.thenRejects(rejection)`.
///
/// `then` also checks idempotency: deciding the same command on the state after the new events
/// produces no further events (nothing, or a rejection).
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

    func then(_ expected: [D.Event], sourceLocation: SourceLocation = #_sourceLocation) {
        let outcome = outcome
        #expect(outcome == .success(expected), sourceLocation: sourceLocation)
        guard case .success(let events) = outcome else { return }
        let after = D.fold(given + events)
        let again: [D.Event]? = try? D.decide(command, after)
        #expect(again == nil || again == [], "deciding again on the result produced \(again ?? [])", sourceLocation: sourceLocation)
    }

    func thenRejects(_ rejection: D.Rejection, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome == .failure(rejection), sourceLocation: sourceLocation)
    }
}
