import EventSourcing
import Foundation

extension ChatterbotImport {
    /// What a conversation does besides its messages, by its index modulo 4, so that any four
    /// consecutive conversations of a file touch every table.
    public enum Slot: Int, CaseIterable, Sendable {
        /// A WhatsApp Flow, moved along one of `flowPaths` (and a `flow_completion` interaction when it completes).
        case flow
        /// A proactive follow-up inside the service window, then calls along one of `callPaths`
        /// (with `call_accepted` / `call_rejected` interactions).
        case call
        /// A shared location, and the tap on the map button the assistant answers with.
        case location
        /// The user came through a free entry point (an ad): a proactive message two days later,
        /// a scheduled message, and a webhook delivery that failed and went to the dead-letter queue.
        case outreach
    }

    /// The slot of conversation `index` of a file.
    public static func slot(_ index: Int) -> Slot { Slot(rawValue: index % 4) ?? .flow }

    /// Which variant of its slot's paths conversation `index` takes, counting the slot's turns.
    static func turn(_ index: Int, of count: Int) -> Int { (index / 4) % count }

    /// Every command of the other tables for one conversation: its slot's, then the memories and
    /// AI usage every conversation has.
    func activity(_ place: Place, lines: [String]) -> [CommandEnvelope] {
        var commands: [CommandEnvelope] = []
        switch Self.slot(place.index) {
        case .flow:
            commands += flow(place, lines: lines)
        case .call:
            commands.append(proactive(place, label: "follow-up", after: Self.minute * 10,
                text: "Can we call you about \u{201C}\(Self.excerpt(lines[0]))\u{201D}?"))
            commands += calls(place, lines: lines)
        case .location:
            commands += location(place)
        case .outreach:
            commands.append(proactive(place, label: "follow-up", after: 2 * Self.day,
                text: "Still thinking about \u{201C}\(Self.excerpt(lines[0]))\u{201D}? We are here to help."))
            commands += scheduledMessage(place, lines: lines)
            commands += webhookFailure(place, lines: lines)
        }
        commands += memories(place, lines: lines)
        commands += usage(place, lines: lines)
        return commands
    }

    static let minute: Int64 = 60

    /// At most 80 characters of a line, for titles and follow-ups.
    static func excerpt(_ line: String) -> String { String(line.prefix(80)) }

    /// An outbound message the business starts (`proactive: true`), `after` seconds from the start:
    /// ten minutes is inside the 24-hour service window the user's messages opened, two days is
    /// outside it but inside the 72-hour free entry point window of an `outreach` conversation.
    func proactive(_ place: Place, label: String, after: Int64, text: String) -> CommandEnvelope {
        let sent = place.at(after)
        return place.command("message/\(label)", "message.record", at: Self.delivered(sent), [
            "conversation_id": place.conversation, "direction": .string("outbound"), "type": .string("text"),
            "content": .string(text), "wa_message_id": .string("wamid.\(place.waConversationID).\(label)"),
            "timestamp": .string(sent.description), "proactive": .bool(true),
        ])
    }

    /// A user interaction of `type` at `after` seconds from the start.
    func interaction(_ place: Place, label: String, type: String, after: Int64, _ extra: [String: JSONValue])
        -> CommandEnvelope
    {
        var data: [String: JSONValue] = [
            "interaction_id": place.idText("interaction/\(label)"), "user_id": place.user,
            "conversation_id": place.conversation, "interaction_type": .string(type),
            "timestamp": .string(place.at(after).description),
        ]
        data.merge(extra) { _, new in new }
        return place.command("interaction/\(label)", "interaction.record", at: place.at(after), data)
    }

    /// Tokens a line costs, as providers roughly count them: a quarter of its characters, at least one.
    static func tokens(_ line: String) -> Int64 { max(1, (Int64(line.unicodeScalars.count) + 3) / 4) }

    /// A stable number from a text (FNV-1a), for choices that must not depend on the clock or a seed.
    static func stable(_ text: String) -> UInt64 { FNV1a.hash(text) }
}
