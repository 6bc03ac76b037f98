import EventSourcing
import Foundation

/// The migue product: users, their WhatsApp conversations and messages, and reminders.
///
/// Ids that WhatsApp or a phone number already make unique are derived from them here, so the
/// uniqueness of the natural key is the uniqueness of a stream (see `Specs/migue.md`).
public enum Migue {
    /// The `product` of migue commands.
    public static let product = "migue"

    /// The namespace of every id migue derives.
    public static let namespace = UUID(uuidString: "12fdcbdc-30a1-4fa0-8687-4246aa6dfe37")!

    /// The id of the user with `phoneNumber`: one phone number, one user.
    public static func userID(phoneNumber: String) -> UUID {
        UUID(namespace: namespace, name: "user/phone/\(phoneNumber)")
    }

    /// The id of the conversation WhatsApp calls `waConversationID`.
    public static func conversationID(waConversationID: String) -> UUID {
        UUID(namespace: namespace, name: "conversation/wa/\(waConversationID)")
    }

    /// The id of the message WhatsApp calls `waMessageID`: a redelivery gets the same id.
    public static func messageID(waMessageID: String) -> UUID {
        UUID(namespace: namespace, name: "message/wa/\(waMessageID)")
    }

    /// The id of the activation a command makes when it moves a conversation into `active`.
    public static func activationID(command: UUID) -> UUID {
        UUID(namespace: command, name: "activation")
    }

    /// The id of the user's messaging window: one window per user, so one per phone number.
    public static func windowID(userID: UUID) -> UUID {
        UUID(namespace: namespace, name: "window/user/\(userID.lowercasedText)")
    }

    /// The id of the flow session WhatsApp knows by `flowToken`: one session per token.
    public static func flowSessionID(flowToken: String) -> UUID {
        UUID(namespace: namespace, name: "flow/token/\(flowToken)")
    }

    /// The id of the call log of the WhatsApp call `callID`: one log per call.
    public static func callLogID(callID: String) -> UUID {
        UUID(namespace: namespace, name: "call/wa/\(callID)")
    }

    /// The longest `wa_conversation_id` and `wa_message_id` the tables hold (`VARCHAR(64)`).
    public static let maxWhatsAppIDLength = 64
}

/// The streams of migue, one category per aggregate.
public enum MigueStream {
    public static func user(_ id: UUID) -> StreamName { name("migue.user", id) }
    public static func conversation(_ id: UUID) -> StreamName { name("migue.conversation", id) }
    public static func message(_ id: UUID) -> StreamName { name("migue.message", id) }
    public static func reminder(_ id: UUID) -> StreamName { name("migue.reminder", id) }
    public static func sendToken(_ token: UUID) -> StreamName { name("migue.sendtoken", token) }
    public static func window(_ userID: UUID) -> StreamName { name("migue.window", userID) }
    public static func flow(_ id: UUID) -> StreamName { name("migue.flow", id) }
    public static func call(_ id: UUID) -> StreamName { name("migue.call", id) }
    public static func interaction(_ id: UUID) -> StreamName { name("migue.interaction", id) }
    public static func location(_ id: UUID) -> StreamName { name("migue.location", id) }
    public static func memory(_ id: UUID) -> StreamName { name("migue.memory", id) }
    public static func aiUsage(_ id: UUID) -> StreamName { name("migue.aiusage", id) }
    public static func scheduledMessage(_ id: UUID) -> StreamName { name("migue.scheduledmessage", id) }
    public static func webhookFailure(_ id: UUID) -> StreamName { name("migue.webhookfailure", id) }

    /// Every category migue writes.
    public static let categories = [
        "migue.user", "migue.conversation", "migue.message", "migue.reminder", "migue.sendtoken", "migue.window",
        "migue.flow", "migue.call", "migue.interaction", "migue.location", "migue.memory", "migue.aiusage",
        "migue.scheduledmessage", "migue.webhookfailure",
    ]

    private static func name(_ category: String, _ id: UUID) -> StreamName {
        // The categories above hold no `-` and a UUID's text is never empty.
        StreamName(category: category, id: id.lowercasedText)!
    }
}

/// Whether `text` is longer than `limit` characters as PostgreSQL counts them (code points).
func exceeds(_ text: String?, _ limit: Int) -> Bool {
    (text?.unicodeScalars.count ?? 0) > limit
}

/// A short form of an id for messages: its first 8 hex digits and an ellipsis.
func short(_ id: UUID) -> String { "\(id.lowercasedText.prefix(8))..." }

/// The UTC day of `time`, counted from 1970-01-01.
func utcDay(_ time: Timestamp) -> Int64 {
    let (days, rest) = time.microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 86_400_000_000)
    return rest < 0 ? days - 1 : days
}
