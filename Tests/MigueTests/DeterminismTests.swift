import EventSourcing
import Foundation
import Testing
@testable import Migue

@Suite struct DeterminismTests {
    typealias F = Fixture
    typealias S = Scenario

    /// A day of migue: two users, conversations, messages, a redelivery, reminders and a refused move.
    static let script: [CommandEnvelope] = [
        S.register(),
        S.register("+14155550100", name: "register bob"),
        S.start(F.id("c1")),
        S.message("wamid.1", in: F.id("c1"), name: "m1"),
        S.message("wamid.2", in: F.id("c1"), name: "m2", content: "¿qué tal?"),
        S.message("wamid.1", in: F.id("c1"), name: "m1 redelivered"),
        S.reminder(F.id("r1")),
        S.send(F.id("r1"), token: F.id("token"), name: "send r1"),
        F.command("unsend", "reminder.change-status", at: F.time(70), ["reminder_id": F.uuid(F.id("r1")), "status": "pending"]),
        S.move(F.id("c1"), to: "archived", name: "archive c1"),
        S.start(F.id("c2")),
        F.command("profile", "user.update-profile", at: F.time(80), ["user_id": F.uuid(F.userID), "preferences": ["lang": "es"]]),
    ]

    static func run(_ store: any EventStore) async throws -> [CommandResult] {
        let service = MigueService(store: store)
        var results: [CommandResult] = []
        for command in script { results.append(try await service.handle(command)) }
        return results
    }

    @Test func theSameCommandsGiveByteIdenticalLogs() async throws {
        let first = InMemoryEventStore()
        let second = InMemoryEventStore()
        let firstResults = try await Self.run(first)
        let secondResults = try await Self.run(second)
        #expect(firstResults == secondResults)
        let firstLog = await first.readAll(from: .start, limit: 1000)
        #expect(firstLog == (await second.readAll(from: .start, limit: 1000)))
        // m1 and m2 share a timestamp: each moves the window (two window events), the redelivery none.
        #expect(firstLog.count == 16)
        #expect(firstResults.filter { if case .rejected = $0 { true } else { false } }.count == 1)
    }

    @Test func theNewTablesCommandsGiveByteIdenticalLogsAndAreAllAccepted() async throws {
        var logs: [[RecordedEvent]] = []
        for _ in 0..<2 {
            let store = InMemoryEventStore()
            let service = MigueService(store: store)
            for command in RecordScript.commands {
                let result = try await service.handle(command)
                #expect(result.appendedAnything, "\(command.type) was \(result)")
            }
            logs.append(await store.readAll(from: .start, limit: 1000))
        }
        #expect(logs[0] == logs[1])
        #expect(logs[0].count == 14)
    }

    @Test func submittingTheScriptAgainAppendsNothing() async throws {
        let store = InMemoryEventStore()
        let firstResults = try await Self.run(store)
        let head = await store.head()
        let again = try await Self.run(store)
        #expect(await store.head() == head)
        for (original, repeated) in zip(firstResults, again) {
            switch (original, repeated) {
            case (.rejected(let before), .rejected(let after)): #expect(before == after)
            case (.accepted(let before), .accepted(let after)):
                #expect(after.allSatisfy { $0.isDuplicate })
                #expect(after.map(\.batch) == before.map(\.batch))
            default: Issue.record("\(original) became \(repeated)")
            }
        }
    }

    /// `4.0` in a command is the `4` its event stores: a profile update decides alike on the state
    /// the service caches after deciding and on the state a new process reads from the log.
    @Test func aWholeNumberWrittenWithAFractionDecidesAlikeFromTheCacheAndFromTheLog() async throws {
        let store = InMemoryEventStore()
        let user = Migue.userID(phoneNumber: "+34600000001").lowercasedText
        func line(_ name: String, _ type: String, _ data: String) -> [UInt8] {
            let id = UUID(namespace: Migue.namespace, name: name).lowercasedText
            return Array(#"{"id":"\#(id)","product":"migue","type":"\#(type)","at":"2026-11-22T10:00:00Z","actor":"a","data":\#(data)}"#.utf8)
        }
        let cached = MigueService(store: store)
        let registered = try await cached.handle(json: line("register", "user.register", #"{"phone_number":"+34600000001","preferences":{"n":4.0}}"#))
        #expect(registered.appendedAnything)
        let head = await store.head()

        let sameProcess = try await cached.handle(json: line("same", "user.update-profile", #"{"user_id":"\#(user)","preferences":{"n":4}}"#))
        let newProcess = try await MigueService(store: store).handle(
            json: line("new", "user.update-profile", #"{"user_id":"\#(user)","preferences":{"n":4.0}}"#))

        #expect(sameProcess == .accepted([]))
        #expect(newProcess == .accepted([]))
        #expect(await store.head() == head)
    }

    @Test func payloadsAreSortedSnakeCaseJSON() throws {
        let event = Reminder.Event.statusChanged(Reminder.StatusChanged(
            reminderID: UUID(uuidString: "7f3e0000-0000-4000-8000-000000000001")!, from: .pending, to: .sent,
            sendToken: nil, scheduledTime: nil, changedAt: F.t0))
        #expect(String(decoding: event.payload, as: UTF8.self)
            == #"{"changed_at":"2026-11-22T10:00:00.000000Z","from":"pending","reminder_id":"7F3E0000-0000-4000-8000-000000000001","to":"sent"}"#)
        #expect(event.type == "migue.reminder.status-changed")
        #expect(event.schemaVersion == 1)
        #expect(try Reminder.Event(type: event.type, version: 1, payload: event.payload) == event)
        #expect(throws: EventDecodingError.self) { try Reminder.Event(type: event.type, version: 2, payload: event.payload) }
        #expect(throws: EventDecodingError.self) { try Reminder.Event(type: "migue.reminder.renamed", version: 1, payload: event.payload) }
    }
}
