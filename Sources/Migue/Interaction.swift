import EventSourcing
import Foundation

/// Something a user did outside a message: tapped a call-to-action button, completed a flow,
/// accepted or rejected a call. Recorded once, never changed.
public enum Interaction: Decider {
    /// The seed's `interaction_type`.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case ctaButtonTap = "cta_button_tap", flowCompletion = "flow_completion", callAccepted = "call_accepted",
            callRejected = "call_rejected"
    }

    public struct State: Hashable, Sendable, Encodable {
        public var recorded: Recorded?
    }

    public enum Command: Hashable, Sendable {
        case record(Record)
    }

    public struct Record: Hashable, Sendable {
        public var interactionID: UUID
        public var userID: UUID
        public var conversationID: UUID?
        public var kind: Kind
        /// The tapped button's title and link; only for `cta_button_tap`.
        public var buttonTitle: String?
        public var buttonURL: String?
        public var metadata: JSONValue?
        public var timestamp: Timestamp
        public var at: Timestamp

        public init(
            interactionID: UUID, userID: UUID, conversationID: UUID? = nil, kind: Kind, buttonTitle: String? = nil,
            buttonURL: String? = nil, metadata: JSONValue? = nil, timestamp: Timestamp, at: Timestamp
        ) {
            self.interactionID = interactionID
            self.userID = userID
            self.conversationID = conversationID
            self.kind = kind
            self.buttonTitle = buttonTitle
            self.buttonURL = buttonURL
            self.metadata = metadata
            self.timestamp = timestamp
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case alreadyRecorded(UUID)
        case buttonOnlyForButtonTaps(UUID, kind: Kind)

        public var description: String {
            switch self {
            case .alreadyRecorded(let id): "interaction \(short(id)): already recorded"
            case .buttonOnlyForButtonTaps(let id, let kind):
                "interaction \(short(id)): button_title and button_url go only with cta_button_tap, not \(kind.rawValue)"
            }
        }
    }

    public enum Event: MigueEvent {
        /// `migue.interaction.recorded` v1.
        case recorded(Recorded)

        public var type: String {
            switch self {
            case .recorded: "migue.interaction.recorded"
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
            case "migue.interaction.recorded":
                self = .recorded(try EventJSON.decode(Recorded.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Recorded: Hashable, Sendable, Codable {
        public var interactionID: UUID
        public var userID: UUID
        public var conversationID: UUID?
        public var kind: Kind
        public var buttonTitle: String?
        public var buttonURL: String?
        public var metadata: JSONValue?
        public var timestamp: Timestamp
        public var createdAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case interactionID = "interaction_id", userID = "user_id", conversationID = "conversation_id",
                kind = "interaction_type", buttonTitle = "button_title", buttonURL = "button_url", metadata, timestamp,
                createdAt = "created_at"
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let record):
            guard state.recorded == nil else { throw .alreadyRecorded(record.interactionID) }
            guard record.kind == .ctaButtonTap || (record.buttonTitle == nil && record.buttonURL == nil) else {
                throw .buttonOnlyForButtonTaps(record.interactionID, kind: record.kind)
            }
            return [.recorded(Recorded(
                interactionID: record.interactionID, userID: record.userID, conversationID: record.conversationID,
                kind: record.kind, buttonTitle: record.buttonTitle, buttonURL: record.buttonURL, metadata: record.metadata,
                timestamp: record.timestamp, createdAt: record.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .recorded(let recorded): State(recorded: recorded)
        }
    }
}
