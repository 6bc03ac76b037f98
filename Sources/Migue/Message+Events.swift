import EventSourcing
import Foundation

extension Message {
    public enum Event: MigueEvent {
        /// `migue.message.recorded` v2 (v1 is upcast on read, see `Message.upcastRecordedV1`).
        case recorded(Recorded)

        public var type: String {
            switch self {
            case .recorded: "migue.message.recorded"
            }
        }

        public var schemaVersion: UInt16 {
            switch self {
            case .recorded: 2
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
                self = .recorded(try EventJSON.decode(
                    Recorded.self, type: type, version: version, payload: payload, upcasters: [upcastRecordedV1]))
            default: throw EventJSON.unknown(type, version)
            }
        }
    }

    /// The payload of `migue.message.recorded` v2.
    ///
    /// v2 added `media_mime_type` (the media's MIME type as WhatsApp gives it) and writes both flags
    /// always; v1 wrote `proactive` and `free_entry_point` only when true.
    public struct Recorded: Hashable, Sendable, Codable {
        public var messageID: UUID
        public var conversationID: UUID
        public var direction: Direction
        public var kind: Kind
        public var content: String?
        public var mediaURL: String?
        /// The media's MIME type, e.g. `image/jpeg` or `audio/ogg; codecs=opus`; only with `mediaURL`.
        public var mediaMimeType: String?
        public var waMessageID: String?
        public var timestamp: Timestamp
        /// An outbound message the business started, not a reply.
        public var proactive: Bool = false
        /// An inbound message that came through a free entry point.
        public var freeEntryPoint: Bool = false
        public var recordedAt: Timestamp

        enum CodingKeys: String, CodingKey {
            case messageID = "message_id", conversationID = "conversation_id", direction, kind = "type", content,
                mediaURL = "media_url", mediaMimeType = "media_mime_type", waMessageID = "wa_message_id", timestamp,
                proactive, freeEntryPoint = "free_entry_point", recordedAt = "recorded_at"
        }
    }
}

extension Message {
    /// `migue.message.recorded` v1 to v2: writes the flags v1 left out when false.
    ///
    /// v1 wrote `proactive: true` and `free_entry_point: true` only when set, so an absent flag
    /// meant false; v2 always writes both. v1 knew no `media_mime_type`, so it stays absent: the
    /// type of media recorded before v2 is unknown, not guessed from the URL. Every other field is
    /// the same in both versions and passes through unchanged.
    static func upcastRecordedV1(_ v1: [String: JSONValue]) -> [String: JSONValue] {
        var v2 = v1
        for flag in ["proactive", "free_entry_point"] where v2[flag] == nil || v2[flag] == .null {
            v2[flag] = .bool(false)
        }
        return v2
    }
}
