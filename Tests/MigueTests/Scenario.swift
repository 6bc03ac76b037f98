import EventSourcing
import Foundation
import Testing
@testable import Migue

/// Given/when/then through `MigueService` on a fresh in-memory store: `given` commands must all be
/// accepted; `when` returns the result and the events it appended.
struct Scenario {
    typealias F = Fixture
    let store: any EventStore = InMemoryEventStore()
    var service: MigueService { MigueService(store: store) }

    func given(_ commands: CommandEnvelope..., sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for command in commands {
            let result = try await service.handle(command)
            if case .rejected(let rejection) = result {
                Issue.record("given \(command.type) was rejected: \(rejection)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The result of `command` and the (stream, type) of every event it appended.
    func when(_ command: CommandEnvelope) async throws -> (CommandResult, [(String, String)]) {
        let head = try await store.head()
        let result = try await service.handle(command)
        let appended = try await store.readAll(from: head, limit: 1000).map { ($0.stream.category, $0.type) }
        return (result, appended)
    }

    /// The state of `D` in `stream` now.
    func state<D: Decider>(_: D.Type, _ stream: StreamName) async throws -> D.State where D.Event: MigueEvent {
        let records = try await store.read(stream: stream, from: 0, direction: .forwards, limit: 10_000)
        return D.fold(try records.map { record throws(EventDecodingError) in try D.Event(record) })
    }

    // Commands, named so a test reads as a story.

    static func register(_ phone: String = F.phone, name: String = "register") -> CommandEnvelope {
        F.command(name, "user.register", ["phone_number": .string(phone), "name": "Ana"])
    }

    static func start(_ conversation: UUID, status: String = "active", name: String? = nil, at minute: Int64 = 1) -> CommandEnvelope {
        F.command(name ?? "start/\(conversation)", "conversation.start", at: F.time(minute),
                  ["conversation_id": F.uuid(conversation), "user_id": F.uuid(F.userID), "status": .string(status)])
    }

    static func move(_ conversation: UUID, to status: String, name: String, at minute: Int64 = 2) -> CommandEnvelope {
        F.command(name, "conversation.change-status", at: F.time(minute),
                  ["conversation_id": F.uuid(conversation), "status": .string(status)])
    }

    static func message(_ wa: String, in conversation: UUID, name: String, content: String = "hola") -> CommandEnvelope {
        F.command(name, "message.record", at: F.time(3), [
            "conversation_id": F.uuid(conversation), "direction": "inbound", "type": "text", "content": .string(content),
            "wa_message_id": .string(wa), "timestamp": F.time(F.time(3)),
        ])
    }

    static func reminder(_ reminder: UUID, user: UUID = F.userID, name: String? = nil) -> CommandEnvelope {
        F.command(name ?? "reminder/\(reminder)", "reminder.create", at: F.time(4), [
            "reminder_id": F.uuid(reminder), "user_id": F.uuid(user), "title": "Pagar", "scheduled_time": F.time(F.time(60)),
        ])
    }

    static func send(_ reminder: UUID, token: UUID, name: String) -> CommandEnvelope {
        F.command(name, "reminder.change-status", at: F.time(61), [
            "reminder_id": F.uuid(reminder), "status": "sent", "send_token": F.uuid(token),
        ])
    }
}
