import EventSourcing
import Foundation

/// A migue event type: a stable name, a schema version, and a JSON payload.
///
/// Each event enum declares the version it writes for each of its types (an exhaustive `switch`,
/// so a new case cannot forget it); its decoder reads that version and upcasts older ones.
public protocol MigueEvent: Sendable, Hashable {
    /// The stable name of this event's type, e.g. `migue.reminder.status-changed`.
    var type: String { get }
    /// The schema version this code writes the event's type with: 1, more once its payload changed.
    var schemaVersion: UInt16 { get }
    /// The JSON payload: snake_case keys, sorted, so equal events give equal bytes.
    var payload: [UInt8] { get }
    /// The event stored as `type` with schema `version`, upcast to the current shape.
    init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError)
}

extension MigueEvent {
    /// The event decoded from a stored record.
    public init(_ recorded: RecordedEvent) throws(EventDecodingError) {
        try self.init(type: recorded.type, version: recorded.schemaVersion, payload: recorded.payload)
    }
}

/// A stored event this code cannot read: an unknown type, a version from the future, a bad payload.
public struct EventDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var type: String
    public var version: UInt16
    public var reason: String

    public init(type: String, version: UInt16, reason: String) {
        self.type = type
        self.version = version
        self.reason = reason
    }

    public var description: String { "event \(type) v\(version): \(reason)" }
}

/// The JSON of event payloads: sorted keys, no escaped slashes, RFC 3339 times.
enum EventJSON {
    private static let encoder = JSONValueEncoder()
    private static let decoder = JSONValueDecoder()

    static func encode(_ value: some Encodable) -> [UInt8] {
        do {
            return try encoder.encode(value)
        } catch {
            preconditionFailure("a migue payload failed to encode: \(error)")
        }
    }

    /// One step of a payload's history: the JSON object of version n turned into that of version n + 1.
    typealias Upcaster = @Sendable ([String: JSONValue]) -> [String: JSONValue]

    /// Decodes the payload of `type` stored with schema `version`.
    ///
    /// `upcasters[i]` turns version i + 1 into i + 2, so the current version is `upcasters.count + 1`;
    /// an older payload goes through the steps from its version on before it is decoded. Version 0
    /// and versions from the future are errors, never guessed at.
    static func decode<T: Decodable>(
        _: T.Type, type: String, version: UInt16, payload: [UInt8], upcasters: [Upcaster] = []
    ) throws(EventDecodingError) -> T {
        let current = upcasters.count + 1
        guard version >= 1, Int(version) <= current else {
            throw EventDecodingError(
                type: type, version: version, reason: "unknown schema version (the newest this code reads is \(current))")
        }
        guard case .object(var object)? = JSONValue(parsing: payload) else {
            throw EventDecodingError(type: type, version: version, reason: "payload is not a JSON object")
        }
        for step in upcasters[(Int(version) - 1)...] { object = step(object) }
        do {
            return try decoder.decode(T.self, from: .object(object))
        } catch {
            throw EventDecodingError(type: type, version: version, reason: "payload does not decode: \(error)")
        }
    }

    static func unknown(_ type: String, _ version: UInt16) -> EventDecodingError {
        EventDecodingError(type: type, version: version, reason: "not a type of this aggregate")
    }
}
