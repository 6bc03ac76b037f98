import EventSourcing
import Foundation

/// A migue event type: a stable name, a schema version, and a JSON payload.
public protocol MigueEvent: Sendable, Hashable {
    /// The stable name of this event's type, e.g. `migue.reminder.status-changed`.
    var type: String { get }
    /// The JSON payload: snake_case keys, sorted, so equal events give equal bytes.
    var payload: [UInt8] { get }
    /// The event stored as `type` with schema `version`, upcast to the current shape.
    init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError)
}

extension MigueEvent {
    /// The schema version every migue event type is written with today.
    public var schemaVersion: UInt16 { 1 }

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
    private static let encoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private static let decoder = JSONDecoder()

    static func encode(_ value: some Encodable) -> [UInt8] {
        do {
            return Array(try encoder.encode(value))
        } catch {
            preconditionFailure("a migue payload failed to encode: \(error)")
        }
    }

    /// Decodes the payload of `type`, checking the version is one this code knows.
    static func decode<T: Decodable>(_: T.Type, type: String, version: UInt16, payload: [UInt8])
        throws(EventDecodingError) -> T
    {
        guard version == 1 else { throw EventDecodingError(type: type, version: version, reason: "unknown schema version") }
        do {
            return try decoder.decode(T.self, from: Data(payload))
        } catch {
            throw EventDecodingError(type: type, version: version, reason: "payload does not decode: \(error)")
        }
    }

    static func unknown(_ type: String, _ version: UInt16) -> EventDecodingError {
        EventDecodingError(type: type, version: version, reason: "not a type of this aggregate")
    }
}
