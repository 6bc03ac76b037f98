import EventSourcing
import Foundation

/// A place a user shared in a location message. Recorded once, never changed.
///
/// Coordinates are kept as exact decimals. The columns are `DECIMAL(10, 8)` and `DECIMAL(11, 8)`:
/// a coordinate with more than 8 decimals would be rounded by PostgreSQL, so it is refused rather
/// than stored as something other than what was sent.
public enum Location: Decider {
    /// `latitude DECIMAL(10, 8)` and `longitude DECIMAL(11, 8)`.
    public static let latitudePrecision = (precision: 10, scale: 8)
    public static let longitudePrecision = (precision: 11, scale: 8)

    public struct State: Hashable, Sendable, Encodable {
        public var recorded: Recorded?
    }

    public enum Command: Hashable, Sendable {
        case record(Record)
    }

    public struct Record: Hashable, Sendable {
        public var locationID: UUID
        public var userID: UUID
        public var conversationID: UUID?
        public var latitude: DecimalText
        public var longitude: DecimalText
        public var name: String?
        public var address: String?
        public var timestamp: Timestamp
        public var at: Timestamp

        public init(
            locationID: UUID, userID: UUID, conversationID: UUID? = nil, latitude: DecimalText, longitude: DecimalText,
            name: String? = nil, address: String? = nil, timestamp: Timestamp, at: Timestamp
        ) {
            self.locationID = locationID
            self.userID = userID
            self.conversationID = conversationID
            self.latitude = latitude
            self.longitude = longitude
            self.name = name
            self.address = address
            self.timestamp = timestamp
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyRecorded(UUID)
        case latitudeOutOfRange(UUID, DecimalText)
        case longitudeOutOfRange(UUID, DecimalText)
        case tooPrecise(UUID, coordinate: String, DecimalText)

        public var description: String {
            switch self {
            case .alreadyRecorded(let id): "location \(short(id)): already recorded"
            case .latitudeOutOfRange(let id, _): "location \(short(id)): latitude is outside [-90, 90]"
            case .longitudeOutOfRange(let id, _):
                "location \(short(id)): longitude is outside [-180, 180]"
            case .tooPrecise(let id, let coordinate, _):
                "location \(short(id)): \(coordinate) has more than 8 decimals, which the column would round"
            }
        }
    }

    public enum Event: MigueEvent {
        /// `migue.location.recorded` v1.
        case recorded(Recorded)

        public var type: String {
            switch self {
            case .recorded: "migue.location.recorded"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .recorded: 1
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .recorded(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.location.recorded":
                self = .recorded(try EventJSON.decode(Recorded.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    /// The location; `latitude` and `longitude` are decimal text (`"4.60971"`).
    public struct Recorded: Hashable, Sendable, Codable {
        public var locationID: UUID
        public var userID: UUID
        public var conversationID: UUID?
        public var latitude: DecimalText
        public var longitude: DecimalText
        public var name: String?
        public var address: String?
        public var timestamp: Timestamp
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case locationID = "location_id", userID = "user_id", conversationID = "conversation_id", latitude, longitude,
                name, address, timestamp, createdAt = "created_at"
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let record):
            let id = record.locationID
            guard state.recorded == nil else { throw .alreadyRecorded(id) }
            guard (-90...90).contains(record.latitude.value) else { throw .latitudeOutOfRange(id, record.latitude) }
            guard (-180...180).contains(record.longitude.value) else { throw .longitudeOutOfRange(id, record.longitude) }
            guard record.latitude.fits(precision: latitudePrecision.precision, scale: latitudePrecision.scale) else {
                throw .tooPrecise(id, coordinate: "latitude", record.latitude)
            }
            guard record.longitude.fits(precision: longitudePrecision.precision, scale: longitudePrecision.scale) else {
                throw .tooPrecise(id, coordinate: "longitude", record.longitude)
            }
            return [.recorded(Recorded(
                locationID: id, userID: record.userID, conversationID: record.conversationID, latitude: record.latitude,
                longitude: record.longitude, name: record.name, address: record.address, timestamp: record.timestamp,
                createdAt: record.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .recorded(let recorded): State(recorded: recorded)
        }
    }
}
