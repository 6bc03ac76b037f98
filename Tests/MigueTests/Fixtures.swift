import EventSourcing
import Foundation
@testable import Migue

/// Times, ids and commands the migue tests share.
enum Fixture {
    static let t0 = Timestamp(rfc3339: "2026-11-22T10:00:00Z")!
    static func time(_ minutes: Int64) -> Timestamp { t0.adding(seconds: minutes * 60) }

    static func id(_ name: String) -> UUID { UUID(namespace: Migue.namespace, name: "test/\(name)") }

    static let phone = "+573001234567"
    static var userID: UUID { Migue.userID(phoneNumber: phone) }

    static func registered(_ phone: String = phone, name: String? = nil, at: Timestamp = t0) -> User.Event {
        .registered(User.Registered(
            userID: Migue.userID(phoneNumber: phone), phoneNumber: phone, name: name, preferences: nil, registeredAt: at))
    }

    /// A command envelope of `type` with `data`; the id derives from `name`.
    static func command(_ name: String, _ type: String, at: Timestamp = t0, _ data: [String: JSONValue]) -> CommandEnvelope {
        CommandEnvelope(id: id("command/\(name)"), product: "migue", type: type, at: at, actor: "test", data: data)
    }

    static func text(_ value: String) -> JSONValue { .string(value) }
    static func uuid(_ value: UUID) -> JSONValue { .string(value.uuidString.lowercased()) }
    static func time(_ value: Timestamp) -> JSONValue { .string(value.description) }
}
