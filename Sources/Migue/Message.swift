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

    public struct State: Hashable, Sendable, Encodable {
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
        /// The media's MIME type as WhatsApp gives it; only with `mediaURL`.
        public var mediaMimeType: String?
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
            mediaURL: String? = nil, mediaMimeType: String? = nil, waMessageID: String? = nil, timestamp: Timestamp,
            proactive: Bool = false, freeEntryPoint: Bool = false, at: Timestamp
        ) {
            self.messageID = messageID
            self.conversationID = conversationID
            self.direction = direction
            self.kind = kind
            self.content = content
            self.mediaURL = mediaURL
            self.mediaMimeType = mediaMimeType
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
        case mimeTypeWithoutMedia(UUID)
        case invalidMimeType(UUID, String)

        public var description: String {
            switch self {
            case .contentOrMediaRequired(let id): "message \(short(id)): needs content or a media_url"
            case .waMessageIDTooLong(let wa):
                "wa_message_id \(CommandRejection.quoted(wa, limit: 16)) is longer than \(Migue.maxWhatsAppIDLength) characters"
            case .alreadyRecorded(let id): "message \(short(id)): already recorded"
            case .proactiveOnlyOutbound(let id): "message \(short(id)): only an outbound message is proactive"
            case .freeEntryPointOnlyInbound(let id):
                "message \(short(id)): only an inbound message comes through a free entry point"
            case .mimeTypeWithoutMedia(let id): "message \(short(id)): a media_mime_type goes only with a media_url"
            case .invalidMimeType(let id, let text):
                "message \(short(id)): media_mime_type \(CommandRejection.quoted(text)) is not a MIME type such as image/jpeg"
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
            if let mime = record.mediaMimeType {
                guard record.mediaURL != nil else { throw .mimeTypeWithoutMedia(record.messageID) }
                guard isMimeType(mime) else { throw .invalidMimeType(record.messageID, mime) }
            }
            guard !exceeds(record.waMessageID, Migue.maxWhatsAppIDLength) else {
                throw .waMessageIDTooLong(record.waMessageID ?? "")
            }
            return [.recorded(Recorded(
                messageID: record.messageID, conversationID: record.conversationID, direction: record.direction,
                kind: record.kind, content: record.content, mediaURL: record.mediaURL, mediaMimeType: record.mediaMimeType,
                waMessageID: record.waMessageID, timestamp: record.timestamp, proactive: record.proactive,
                freeEntryPoint: record.freeEntryPoint, recordedAt: record.at))]
        }
    }

    public static func evolve(_ state: State, _ event: Event) -> State {
        switch event {
        case .recorded(let recorded): State(recorded: recorded)
        }
    }

    /// Whether `text` is a MIME type: `type/subtype` (RFC 6838 names, at most 127 characters each),
    /// then optionally `;` and parameters, as WhatsApp sends `audio/ogg; codecs=opus`.
    static func isMimeType(_ text: String) -> Bool {
        let names = text.prefix { $0 != ";" }.split(separator: "/", omittingEmptySubsequences: false)
        return names.count == 2 && names.allSatisfy(isRestrictedName)
    }

    private static func isRestrictedName(_ name: Substring) -> Bool {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, isAlphanumeric(first), scalars.count <= 127 else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || "!#$&^_.+-".unicodeScalars.contains($0) }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
