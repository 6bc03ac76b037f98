import EventSourcing
import Foundation
import Migue

/// Turns corpus conversations into migue commands, deterministically: every id, phone number and
/// time derives from the conversation's place (language, file, index), never from a clock or a
/// random number, so importing twice proposes the same commands and the second run adds nothing.
///
/// Per corpus conversation: `user.register`, `conversation.start`, one `message.record` per line
/// (inbound and outbound in turn), for every fifth conversation a reminder moved through its
/// states, and the activity that fills migue's other tables (proactive messages, flows, calls,
/// interactions, locations, memories, AI usage, scheduled messages, dead letters), chosen by the
/// conversation's index. `Specs/import.md` lists the derivations.
public struct ChatterbotImport: Sendable {
    /// The namespace of every id the import derives.
    public static let namespace = UUID(uuidString: "5ba413b5-a415-4b33-b73b-885867b50ef3")!
    /// The time of the first conversation; the others are offsets from it.
    public static let baseTime = Timestamp(microsecondsSinceEpoch: 1_767_225_600_000_000)  // 2026-01-01T00:00:00Z
    /// The `actor` of every command.
    public static let actor = "chatterbot-import"
    /// The largest place numbers a phone number has digits for.
    public static let limits = (rounds: 100, files: 100, conversations: 10_000)

    /// Which copy of the corpus this is: 0 for `parley import`; the benchmark makes more copies,
    /// each with its own users, conversations and messages.
    public let round: Int

    public init(round: Int = 0) throws(ImportError) {
        guard (0..<Self.limits.rounds).contains(round) else {
            throw ImportError("round \(round) is outside 0..<\(Self.limits.rounds)")
        }
        self.round = round
    }

    /// The commands of one corpus conversation, in the order they must be handled.
    public struct Conversation: Sendable {
        /// `user.register` and `conversation.start`.
        public var setup: [CommandEnvelope]
        /// One `message.record` per line.
        public var messages: [CommandEnvelope]
        /// `reminder.create` and its status changes; empty for most conversations.
        public var reminder: [CommandEnvelope]
        /// The commands of migue's other tables, after the conversation (`activity(_:lines:)`).
        public var activity: [CommandEnvelope]

        public var all: [CommandEnvelope] { setup + messages + reminder + activity }
    }

    /// The commands for conversation `index` of `file`.
    public func conversation(_ index: Int, of file: CorpusFile) throws(ImportError) -> Conversation {
        make(try place(index, of: file))
    }

    /// The place of conversation `index` of `file`, refused when the file has no such conversation,
    /// a phone number has no digits for it, or its file name makes a WhatsApp id too long.
    func place(_ index: Int, of file: CorpusFile) throws(ImportError) -> Place {
        guard file.conversations.indices.contains(index), !file.conversations[index].isEmpty else {
            throw ImportError("\(file.language.folder)/\(file.name).yml has no conversation \(index)")
        }
        guard file.position < Self.limits.files, index < Self.limits.conversations else {
            throw ImportError(
                "\(file.language.folder)/\(file.name).yml: conversation \(index) of file \(file.position) is beyond the "
                    + "\(Self.limits.files) files and \(Self.limits.conversations) conversations a phone number has digits for")
        }
        let place = Place(round: round, file: file, index: index)
        // Migue refuses a longer id when its command is handled, after the conversation's user and
        // earlier messages: a file whose name makes one is refused before anything is appended.
        guard place.longestWhatsAppID <= Migue.maxWhatsAppIDLength else {
            throw ImportError(
                "\(file.language.folder)/\(file.name).yml: conversation \(index) would have WhatsApp ids of \(place.longestWhatsAppID) "
                    + "characters (`wamid.\(place.waConversationID).follow-up`), over migue's \(Migue.maxWhatsAppIDLength); rename the file shorter")
        }
        // Migue's token counts are INT: a conversation whose replies would read more is refused
        // here, not after its user and messages are stored.
        let chat = Self.chatTokens(file.conversations[index])
        guard chat.input <= Int64(Int32.max), chat.output <= Int64(Int32.max) else {
            throw ImportError(
                "\(file.language.folder)/\(file.name).yml: conversation \(index) of \(file.conversations[index].count) lines would "
                    + "record \(chat.input) chat tokens in and \(chat.output) out, over migue's INT \(Int32.max); split it")
        }
        return place
    }

    /// The commands of a place already checked against the limits.
    func make(_ place: Place) -> Conversation {
        let lines = place.file.conversations[place.index]
        var result = Conversation(setup: [register(place), start(place)], messages: [], reminder: [], activity: [])
        for (turn, text) in lines.enumerated() {
            result.messages.append(message(place, turn: turn, text: text))
        }
        result.reminder = reminder(place, firstLine: lines[0])
        result.activity = activity(place, lines: lines)
        return result
    }

    private func register(_ place: Place) -> CommandEnvelope {
        let preferences: JSONValue = .object([
            "language": .string(place.file.language.code), "source": .string("chatterbot-corpus 1.3.3"),
            "categories": .array(place.file.categories.map(JSONValue.string)),
        ])
        return place.command("user", "user.register", at: place.start, [
            "phone_number": .string(place.phoneNumber), "preferences": preferences,
            "name": .string("\(place.file.language.folder) \(place.file.name) \(place.index)"),
        ])
    }

    private func start(_ place: Place) -> CommandEnvelope {
        place.command("conversation", "conversation.start", at: place.start.adding(seconds: 1), [
            "user_id": place.user, "wa_conversation_id": .string(place.waConversationID),
            "status": .string("active"),
        ])
    }

    /// Line `turn` of the conversation: the user speaks first (inbound), the bot answers (outbound).
    /// WhatsApp's `timestamp` is when it was sent; the command's `at`, a quarter second later, when
    /// the webhook delivered it. The first line of a free entry point conversation says so.
    private func message(_ place: Place, turn: Int, text: String) -> CommandEnvelope {
        let sent = place.start.adding(seconds: 2 + Int64(turn))
        var data: [String: JSONValue] = [
            "conversation_id": place.conversation,
            "direction": .string(turn % 2 == 0 ? "inbound" : "outbound"), "type": .string("text"),
            "content": .string(text), "wa_message_id": .string(place.waMessageID(turn: turn)),
            "timestamp": .string(sent.description),
        ]
        if turn == 0, Self.slot(place.index) == .outreach { data["free_entry_point"] = .bool(true) }
        return place.command("message/\(turn)", "message.record", at: Self.delivered(sent), data)
    }

    /// When the webhook of a message sent at `sent` arrives: a quarter second later.
    static func delivered(_ sent: Timestamp) -> Timestamp {
        Timestamp(microsecondsSinceEpoch: sent.microsecondsSinceEpoch + 250_000)
    }
}
