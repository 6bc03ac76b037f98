import EventSourcing
import Foundation
import Testing
@testable import Migue

/// `Migue.state`: an aggregate's state at a point, folded by its decider's `evolve`.
@Suite struct StateInspectionTests {
    typealias F = Fixture
    typealias S = Scenario
    static let c1 = F.id("c1")
    static let r1 = F.id("r1")

    static func change(_ reminder: UUID, to status: String, at minute: Int64) -> CommandEnvelope {
        F.command("\(status)@\(minute)", "reminder.change-status", at: F.time(minute),
                  ["reminder_id": F.uuid(reminder), "status": .string(status)])
    }

    /// A user, a conversation archived twice, and a reminder: created at 4, failed at 10, pending at 20, sent at 61.
    static func story() async throws -> Scenario {
        let scenario = Scenario()
        try await scenario.given(
            S.register(), S.start(c1), S.move(c1, to: "archived", name: "archive", at: 2), S.reminder(r1),
            change(r1, to: "failed", at: 10), S.move(c1, to: "active", name: "reactivate", at: 12),
            S.move(c1, to: "archived", name: "archive again", at: 13), change(r1, to: "pending", at: 20),
            S.send(r1, token: F.id("token"), name: "send"))
        return scenario
    }

    static func state(_ scenario: Scenario, _ stream: StreamName, _ point: StatePoint) async throws -> StateSnapshot {
        let events = try await scenario.store.read(stream: stream, from: 0, direction: .forwards, limit: 1000)
        return try Migue.state(of: stream, events: events, at: point)
    }

    @Test func aReminderAsOfATimeBetweenTwoTransitions() async throws {
        let snapshot = try await Self.state(Self.story(), MigueStream.reminder(Self.r1), .asOf(F.time(15)))
        #expect(snapshot.version == 1 && snapshot.events == 2 && snapshot.recordedAt == F.time(10))
        #expect(snapshot.state == [
            "created": [
                "reminder_id": .string(Self.r1.uuidString), "user_id": .string(F.userID.uuidString), "title": "Pagar",
                "scheduled_time": "2026-11-22T11:00:00.000000Z", "status": "pending", "created_at": "2026-11-22T10:04:00.000000Z",
            ],
            "status": "failed", "scheduled_time": "2026-11-22T11:00:00.000000Z",
        ])
    }

    @Test(arguments: [(4, "pending", 0), (9, "pending", 0), (10, "failed", 1), (19, "failed", 1), (20, "pending", 2), (61, "sent", 3)] as [(Int64, String, UInt64)])
    func aReminderAsOfEachMoment(minute: Int64, status: String, version: UInt64) async throws {
        let snapshot = try await Self.state(Self.story(), MigueStream.reminder(Self.r1), .asOf(F.time(minute)))
        guard case .object(let state) = snapshot.state else { throw Unexpected() }
        #expect(state["status"] == .string(status))
        #expect(snapshot.version == StreamVersion(version))
        #expect((state["send_token"] != nil) == (status == "sent"))
    }

    @Test func aReminderBeforeEachPosition() async throws {
        let scenario = try await Self.story()
        let events = try await scenario.store.read(stream: MigueStream.reminder(Self.r1), from: 0, direction: .forwards, limit: 10)
        let statuses = try events.map { event in
            let snapshot = try Migue.state(of: MigueStream.reminder(Self.r1), events: events, at: .before(event.position.next))
            #expect(snapshot.position == event.position && snapshot.version == event.version)
            guard case .object(let state) = snapshot.state, case .string(let status) = state["status"] else { throw Unexpected() }
            return status
        }
        #expect(statuses == ["pending", "failed", "pending", "sent"])
        let second = try Migue.state(of: MigueStream.reminder(Self.r1), events: events, at: .before(events[1].position))
        #expect(second.version == 0)
        #expect(throws: StateInspectionError.noEvents(MigueStream.reminder(Self.r1), .before(events[0].position))) {
            try Migue.state(of: MigueStream.reminder(Self.r1), events: events, at: .before(events[0].position))
        }
        #expect(throws: StateInspectionError.noEvents(MigueStream.reminder(Self.r1), .asOf(F.time(3)))) {
            try Migue.state(of: MigueStream.reminder(Self.r1), events: events, at: .asOf(F.time(3)))
        }
    }

    @Test func aConversationListsItsEndedActivationsInOrder() async throws {
        let scenario = try await Self.story()
        let now = try await Self.state(scenario, MigueStream.conversation(Self.c1), .head)
        guard case .object(let state) = now.state, case .array(let ended) = state["ended_activations"] else { throw Unexpected() }
        #expect(state["status"] == "archived" && state["activation"] == nil)
        #expect(ended.count == 2)
        #expect(ended.map(\.encoded) == ended.map(\.encoded).sorted())
        let before = try await Self.state(scenario, MigueStream.conversation(Self.c1), .asOf(F.time(12)))
        guard case .object(let then) = before.state else { throw Unexpected() }
        let first = Migue.activationID(command: F.id("command/start/\(Self.c1)"))
        let second = Migue.activationID(command: F.id("command/reactivate"))
        #expect(then["status"] == "active" && then["activation"] == .string(second.uuidString))
        #expect(then["ended_activations"] == [.string(first.uuidString)])
        #expect(Set(ended) == [.string(first.uuidString), .string(second.uuidString)])
    }

    @Test func aUserShowsItsProfileAndItsActiveClaim() async throws {
        let scenario = try await Self.story()
        let registered = try await Self.state(scenario, MigueStream.user(F.userID), .asOf(F.t0))
        #expect(registered.state == ["profile": [
            "user_id": .string(F.userID.uuidString), "phone_number": .string(F.phone), "name": "Ana",
            "registered_at": "2026-11-22T10:00:00.000000Z",
        ]])
        let claimed = try await Self.state(scenario, MigueStream.user(F.userID), .asOf(F.time(1)))
        guard case .object(let state) = claimed.state, case .object(let claim) = state["active_conversation"] else { throw Unexpected() }
        #expect(claim["conversation_id"] == .string(Self.c1.uuidString))
    }

    /// Preferences as deep as a command may send (`submit` takes 512 levels) show in the state,
    /// which wraps them two levels deeper than the parser would read back.
    @Test func aUserWithPreferencesAsDeepAsACommandMaySendShowsItsState() async throws {
        var deep: JSONValue = "bottom"
        for _ in 0..<509 { deep = .array([deep]) }
        let scenario = Scenario()
        try await scenario.given(F.command("deep", "user.register", ["phone_number": .string(F.phone), "preferences": ["x": deep]]))
        let snapshot = try await Self.state(scenario, MigueStream.user(F.userID), .head)
        guard case .object(let state) = snapshot.state, case .object(let profile) = state["profile"] else { throw Unexpected() }
        #expect(profile["preferences"] == ["x": deep])
    }

    @Test func everyMigueCategoryFoldsToItsStateAtItsLastEvent() async throws {
        let scenario = Scenario()
        for command in RecordScript.commands + [S.reminder(Self.r1), S.send(Self.r1, token: F.id("token"), name: "send")] {
            try await scenario.given(command)
        }
        var folded: Set<String> = []
        for event in try await scenario.store.readAll(from: .start, limit: 1000) {
            let stream = try await scenario.store.read(stream: event.stream, from: 0, direction: .forwards, limit: 1000)
            let snapshot = try Migue.state(of: event.stream, events: stream, at: .before(event.position.next))
            #expect(snapshot.version == event.version && snapshot.position == event.position)
            guard case .object(let state) = snapshot.state else { throw Unexpected() }
            #expect(!state.isEmpty, "\(event.stream)")
            folded.insert(event.stream.category)
        }
        #expect(folded == Set(MigueStream.categories))
    }

    @Test func aStreamOfNoMigueCategoryOrOfAnotherStreamIsAnError() throws {
        let stream = StreamName("wingman.thing-1")!
        #expect(throws: StateInspectionError.unknownCategory("wingman.thing", known: MigueStream.categories)) {
            try Migue.state(of: stream, events: [])
        }
        let user = ProjectorTests.recorded(F.registered(), in: MigueStream.user(F.userID))
        let other = MigueStream.user(F.id("someone"))
        #expect(throws: StateInspectionError.foreignEvent(other, found: user.stream)) { try Migue.state(of: other, events: [user]) }
        #expect(throws: StateInspectionError.noEvents(other, .head)) { try Migue.state(of: other, events: []) }
        #expect(StateInspectionError.noEvents(other, .head).description == "stream \(other) has no events")
        #expect(StateInspectionError.noEvents(other, .asOf(F.t0)).description
            == "stream \(other) has no events as of 2026-11-22T10:00:00.000000Z")
    }

    @Test func theSnapshotEncodesItsPlaceAndState() throws {
        let user = ProjectorTests.recorded(F.registered(), in: MigueStream.user(F.userID))
        let snapshot = try Migue.state(of: user.stream, events: [user])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = JSONValue(parsing: Array(try encoder.encode(snapshot)))
        guard case .object(let object)? = json else { throw Unexpected() }
        #expect(object["stream"] == .string(user.stream.description))
        #expect(object["version"] == 0 && object["position"] == 7 && object["events"] == 1)
        #expect(object["recorded_at"] == "2026-11-22T10:00:00.000000Z")
        #expect(object["state"] == snapshot.state)
    }

    struct Unexpected: Error {}
}
