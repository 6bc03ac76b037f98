import EventSourcing
import Foundation

/// A WhatsApp message in a conversation, inbound or outbound; recorded once, never changed.
///
/// A message with a `wa_message_id` takes its id from it, so a redelivered message lands on the
/// same stream and is recognised: it appends nothing.
public enum Message: Decider {
    public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
        case inbound, outbound
    }

    /// The seed's `msg_type`.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        case text, image, audio, sticker, video, document, location, interactive, button, reaction, order, contacts,
            system, unknown
    }

    public struct State: Hashable, Sendable {
        public var recorded: Recorded?
    }

    public enum Command: Hashable, Sendable {
        case record(Record)
    }

    public struct Record: Hashable, Sendable {
        public var messageID: UUID
        public var conversationID: UUID
        public var direction: Direction
        public var kind: Kind
        public var content: String?
        public var mediaURL: String?
        public var waMessageID: String?
        /// When WhatsApp says the message was sent or received.
        public var timestamp: Timestamp
        /// An outbound message the business starts, not a reply: allowed only while a window is open.
        public var proactive: Bool
        /// An inbound message that came through a free entry point (a click-to-WhatsApp ad, a Page button).
        public var freeEntryPoint: Bool
        public var at: Timestamp

        public init(
            messageID: UUID, conversationID: UUID, direction: Direction, kind: Kind, content: String? = nil,
            mediaURL: String? = nil, waMessageID: String? = nil, timestamp: Timestamp, proactive: Bool = false,
            freeEntryPoint: Bool = false, at: Timestamp
        ) {
            self.messageID = messageID
            self.conversationID = conversationID
            self.direction = direction
            self.kind = kind
            self.content = content
            self.mediaURL = mediaURL
            self.waMessageID = waMessageID
            self.timestamp = timestamp
            self.proactive = proactive
            self.freeEntryPoint = freeEntryPoint
            self.at = at
        }
    }

    public enum Rejection: Error, Hashable, Sendable, CustomStringConvertible {
        case contentOrMediaRequired(UUID)
        case waMessageIDTooLong(String)
        case alreadyRecorded(UUID)
        case proactiveOnlyOutbound(UUID)
        case freeEntryPointOnlyInbound(UUID)

        public var description: String {
            switch self {
            case .contentOrMediaRequired(let id): "message \(short(id)): needs content or a media_url"
            case .waMessageIDTooLong(let wa):
                "wa_message_id \"\(wa.prefix(16))...\" is longer than \(Migue.maxWhatsAppIDLength) characters"
            case .alreadyRecorded(let id): "message \(short(id)): already recorded"
            case .proactiveOnlyOutbound(let id): "message \(short(id)): only an outbound message is proactive"
            case .freeEntryPointOnlyInbound(let id):
                "message \(short(id)): only an inbound message comes through a free entry point"
            }
        }
    }

    public static var initial: State { State() }

    public static func decide(_ command: Command, _ state: State) throws(Rejection) -> [Event] {
        switch command {
        case .record(let record):
            if let recorded = state.recorded {
                guard let wa = record.waMessageID, wa == recorded.waMessageID else {
                    throw .alreadyRecorded(record.messageID)
                }
                return []
            }
            guard record.content != nil || record.mediaURL != nil else { throw .contentOrMediaRequired(record.messageID) }
            guard !record.proactive || record.direction == .outbound else { throw .proactiveOnlyOutbound(record.messageID) }
            guard !record.freeEntryPoint || record.direction == .inbound else {
                throw .freeEntryPointOnlyInbound(record.messageID)
            }
            guard !exceeds(record.waMessageID, Migue.maxWhatsAppIDLength) else {
                throw .waMessageIDTooLong(record.waMessageID ?? "")
            }
            return [.recorded(Recorded(
                messageID: record.messageID, conversationID: record.conversationID, direction: record.direction,
                kind: record.kind, content: record.content, mediaURL: record.mediaURL, waMessageID: record.waMessageID,
                timestamp: record.timestamp, proactive: record.proactive ? true : nil,
                freeEntryPoint: record.freeEntryPoint ? true : nil, recordedAt: record.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .recorded(let recorded): State(recorded: recorded)
        }
    }
}

extension Message {
    public enum Event: MigueEvent {
        /// `migue.message.recorded` v1.
        case recorded(Recorded)

        public var type: String {
            switch self {
            case .recorded: "migue.message.recorded"
            }
        }

        public var payload: [UInt8] {
            switch self {
            case .recorded(let body): EventJSON.encode(body)
            }
        }

        public init(type: String, version: UInt16, payload: [UInt8]) throws(EventDecodingError) {
            switch type {
            case "migue.message.recorded":
                self = .recorded(try EventJSON.decode(Recorded.self, type: type, version: version, payload: payload))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    public struct Recorded: Hashable, Sendable, Codable {
        public var messageID: UUID
        public var conversationID: UUID
        public var direction: Direction
        public var kind: Kind
        public var content: String?
        public var mediaURL: String?
        public var waMessageID: String?
        public var timestamp: Timestamp
        /// `true` for a proactive message; absent otherwise.
        public var proactive: Bool? = nil
        /// `true` for a message through a free entry point; absent otherwise.
        public var freeEntryPoint: Bool? = nil
        public var recordedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id", conversationID = "conversation_id", direction, kind = "type", content,
                mediaURL = "media_url", waMessageID = "wa_message_id", timestamp, proactive,
                freeEntryPoint = "free_entry_point", recordedAt = "recorded_at"
        }
    }
}
